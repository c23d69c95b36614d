"""Posting, replying to and reporting comments; the token endpoint; the CSRF failure page.

The article page itself shows no per-visitor data (it is cached for everyone), so its
forms arrive here without a CSRF token. The comment and report endpoints are exempt from
Django's CSRF cookie check and refuse instead what the browser says came from another
site (comments.origin): a reader without JavaScript posts in one step. Every answer
other than a redirect is a page in the site's design: 200 to confirm a form whose origin
nothing tells, 400 with the reader's text kept, 403 for another site's form, 404, 405,
429 with Retry-After. After posting or reporting, the reader lands on the notice just
above the article's comments (comments.notices).
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from articles.models import Article
from comments import confirmation, network, notices, origin, policy, ratelimit, services, tokens
from comments.dsa import cases as dsa_cases
from comments.dsa import views as dsa_views
from comments.dsa.forms import NoticeForm
from comments.forms import CommentForm
from comments.models import Comment, CommentReport, skeleton_digest

logger = logging.getLogger(__name__)

POST_SCOPE, REPORT_SCOPE = "post", "report"
PAGEFORM_NONCE_SECONDS = 120
HIDDEN_FIELDS = ("parent", "token", "website")


def _published_article(pk: int) -> Article:
    # The comment rules and the redirect need neither the text nor the search vector.
    articles = Article.objects.published().select_related("category")
    return get_object_or_404(articles.defer("body", "body_html", "search_vector"), pk=pk)


def _visible_comment(pk: int) -> Comment:
    """An approved comment on a published article (or 404)."""
    comment = get_object_or_404(
        Comment.objects.approved().select_related("article__category"), pk=pk
    )
    if not comment.article.is_published():
        raise Http404
    return comment


def _after_article(request, article: Article, code: str) -> HttpResponseRedirect:
    # The notice is shown just above the comments: land there, with it in view.
    return HttpResponseRedirect(notices.url_after(request, article.get_absolute_url(), code))


def _refused(request, what: str):
    """Another site's form: nothing is stored or counted, and the reader is told why."""
    logger.warning(
        "comment %s refused: sent from another site (Origin %r, Sec-Fetch-Site %r)",
        what,
        request.headers.get("Origin", "")[:100],
        request.headers.get("Sec-Fetch-Site", "")[:20],
    )
    return error_page(
        request,
        status=403,
        title=_("The form could not be verified"),
        message=_(
            "For your security the form has to be sent from a page of this site. Go back, "
            "reload the page and try again."
        ),
    )


def _form_page(
    request, *, article, form, status, parent=None, notice="", retry_after=None, confirming=False
):
    """The comment form on a page of its own: errors, confirmation, replies, rate limits."""
    response = render(
        request,
        "comments/comment_form_page.html",
        {
            "article": article,
            "form": form,
            "parent": parent,
            "notice": notice,
            "form_token": tokens.issue(article.pk),
            "comments_open": policy.comments_open(article),
            "post_moderated": policy.is_post_moderated(article),
            "confirming": confirming,
            "confirm_email": settings.COMMENTS_CONFIRM_EMAIL,
            "status_code": status,
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    return response


def _rate_limited(request, scope: str) -> int | None:
    retry_after = ratelimit.hit(scope, network.request_ip_hash(request))
    if retry_after:
        logger.warning(
            "comment %s rate limit reached for %s…; retry after %ss",
            scope,
            network.request_ip_hash(request)[:12],
            retry_after,
        )
    return retry_after


def _rate_limit_notice(retry_after: int) -> str:
    minutes = max(1, round(retry_after / 60))
    return ngettext(
        "You have sent many comments in a short time. Please wait about %(minutes)d minute "
        "and send it again; your text is kept below.",
        "You have sent many comments in a short time. Please wait about %(minutes)d minutes "
        "and send it again; your text is kept below.",
        minutes,
    ) % {"minutes": minutes}


def error_page(request, *, status: int, title: str, message: str, retry_after=None):
    response = render(
        request,
        "comments/error.html",
        {"status_code": status, "title": title, "message": message},
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    return response


def _method_not_allowed(request, allowed: list[str]):
    response = error_page(
        request,
        status=405,
        title=_("This address only receives forms"),
        message=_("Open the article and use the comment form under it."),
    )
    response["Allow"] = ", ".join(allowed)
    return response


@never_cache
def comment_token(request):
    """A CSRF token and a fresh signed form token for the page's script (never cached)."""
    try:
        article_id = int(request.GET.get("article", ""))
    except ValueError:
        article_id = 0
    if article_id < 1:
        return JsonResponse({"error": "article"}, status=400)
    response = JsonResponse(
        {
            "csrf_token": get_token(request),
            "form_token": tokens.issue(article_id),
            "expires_in": settings.COMMENTS_FORM_MAX_AGE,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def _read_token(request, article: Article) -> tuple[tokens.FormToken | None, str]:
    """The form's signed token (None if the form had none), or None and what to tell the
    reader when it is there but cannot be used."""
    try:
        return tokens.read(request.POST.get("token", ""), article_id=article.pk), ""
    except tokens.TokenMissing:
        # The article page's own form, sent without JavaScript: its origin was checked.
        return None, ""
    except tokens.TokenExpired:
        return None, _(
            "The form had been open for too long. Your text is kept below: please send it again."
        )
    except tokens.TokenError:
        return None, _(
            "We could not verify the form. Your text is kept below: please send it again."
        )


@csrf_exempt  # nosemgrep: csrf-exempt - comments.origin checks where the post comes from instead
def post_comment(request, article_id: int):
    if request.method != "POST":
        return _method_not_allowed(request, ["POST"])
    sent_from = origin.of(request)
    if sent_from is origin.Origin.FOREIGN:
        return _refused(request, "post")
    retry_after = _rate_limited(request, POST_SCOPE)
    article = _published_article(article_id)
    if retry_after:
        return _form_page(
            request,
            article=article,
            form=CommentForm(initial=_kept(request.POST)),
            status=429,
            notice=_rate_limit_notice(retry_after),
            retry_after=retry_after,
        )
    if sent_from is origin.Origin.UNKNOWN and not origin.confirmed(request):
        return _confirmation_page(request, article)

    form = CommentForm(request.POST)
    form_valid = form.is_valid()
    token, problem = _read_token(request, article)
    if not problem and any(name in form.errors for name in HIDDEN_FIELDS):
        # Nobody types into hidden fields: the form was altered on the way.
        problem = _("We could not verify the form. Your text is kept below: please send it again.")
    if not policy.comments_open(article):
        problem = _("Comments on this article are closed.")
    if problem:
        form.add_error(None, problem)
    if problem or not form_valid:
        return _form_page(request, article=article, form=form, status=400)

    data = form.cleaned_data
    parent = None
    if data["parent"]:
        parent = Comment.objects.filter(pk=data["parent"], article=article).first()
        if parent is None:
            form.add_error(None, _("The comment you are replying to is no longer available."))
            return _form_page(request, article=article, form=form, status=400)
    draft = confirmation.Draft(
        article=article,
        parent=parent,
        name=data["name"],
        email=data["email"],
        body=data["body"],
        ip_hash=network.request_ip_hash(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        # The cached article page's form has no token, so no form time either.
        nonce=token.nonce if token else _pageform_nonce(request, article, data),
        form_age=token.age() if token else None,
        honeypot=data["website"],
        notify_replies=data["notify_replies"],
        language=get_language(),
    )
    try:
        if confirmation.needed_for(draft):
            confirmation.hold(draft)
            return _after_article(request, article, notices.CONFIRM)
        comment = confirmation.post(draft)
    except confirmation.TooManyMails:
        form.add_error(
            "email", _("We have sent this address several links this hour: try again later.")
        )
        return _form_page(request, article=article, form=form, status=429, parent=parent)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _form_page(request, article=article, form=form, status=400, parent=parent)

    published = comment.status == Comment.Status.APPROVED
    return _after_article(request, article, notices.PUBLISHED if published else notices.HELD)


def _pageform_nonce(request, article: Article, data: dict) -> str:
    """The nonce of a form that came without a token (the cached article page's, sent
    without JavaScript): derived from who sends what where, within two minutes, so a
    double click stores one comment and both clicks get the same acknowledgement."""
    window = int(time.time() // PAGEFORM_NONCE_SECONDS)
    seed = ":".join(
        [
            str(article.pk),
            network.request_ip_hash(request),
            str(data["parent"] or ""),
            skeleton_digest(data["body"]),
            str(window),
        ]
    )
    return "page-" + hashlib.sha256(seed.encode()).hexdigest()[:40]


def _confirmation_page(request, article: Article):
    """A comment whose origin nothing tells (no Origin, Sec-Fetch-Site or Referer): shown
    again with a CSRF token, to send once more. Nothing was stored; 200, as it is no error."""
    parent = None
    parent_id = request.POST.get("parent", "")
    if parent_id.isascii() and parent_id.isdecimal() and len(parent_id) < 19:
        parent = Comment.objects.approved().filter(pk=int(parent_id), article=article).first()
    return _form_page(
        request,
        article=article,
        form=CommentForm(initial=_kept(request.POST)),
        status=200,
        parent=parent,
        confirming=True,
        notice=_("Please confirm your comment: check it and press “Send comment” once more."),
    )


def _kept(data) -> dict:
    return {key: data.get(key, "") for key in ("name", "email", "body", "parent", "notify_replies")}


def reply(request, comment_id: int):
    """The form for replying to one comment, on a page of its own (works without JavaScript)."""
    parent = _visible_comment(comment_id)
    form = CommentForm(initial={"parent": parent.pk})
    return _form_page(request, article=parent.article, form=form, status=200, parent=parent)


@csrf_exempt  # nosemgrep: csrf-exempt - comments.origin checks where the report comes from
def report(request, comment_id: int):
    """Report a comment: a confirmation page (GET) and the report itself (POST)."""
    comment = _visible_comment(comment_id)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    if request.method == "POST":
        sent_from = origin.of(request)
        if sent_from is origin.Origin.FOREIGN:
            if wants_json:
                return JsonResponse({"ok": False}, status=403)
            return _refused(request, "report")
        retry_after = _rate_limited(request, REPORT_SCOPE)
        if retry_after:
            if wants_json:
                return JsonResponse({"ok": False, "retry_after": retry_after}, status=429)
            return error_page(
                request,
                status=429,
                title=_("Too many reports"),
                message=_("Please wait a few minutes before reporting again."),
                retry_after=retry_after,
            )
        form = NoticeForm(request.POST)
        if sent_from is origin.Origin.UNKNOWN and not origin.confirmed(request):
            return _report_page(
                request, comment, form, notice=_("Please confirm your report once more.")
            )
        if form.is_valid() and form.is_notice():
            return _file_notice(request, comment, form)
        if not form.is_valid() and form.data.get("reason") == CommentReport.Reason.ILLEGAL:
            return _report_page(request, comment, form, status=400)
        reason = form.cleaned_data["reason"] if form.is_valid() else CommentReport.Reason.OTHER
        try:
            _report, created = services.report_comment(
                comment=comment,
                ip_hash=network.request_ip_hash(request),
                network_hash=network.request_network_hash(request),
                reason=reason,
            )
        except ValidationError:
            raise Http404 from None
        code = notices.REPORTED if created else notices.ALREADY_REPORTED
        if wants_json:
            return JsonResponse({"ok": True, "message": notices.text(code)})
        return _after_article(request, comment.article, code)
    if request.method != "GET":
        return _method_not_allowed(request, ["GET", "POST"])
    # ?reason=illegal: the link under a report sent by the page's script opens the notice.
    wanted = request.GET.get("reason", "")
    initial = {"reason": wanted} if wanted in CommentReport.Reason.values else {}
    return _report_page(request, comment, NoticeForm(initial=initial))


def _file_notice(request, comment: Comment, form: NoticeForm):
    """A notice of illegal content (DSA Art. 16): a case, and its receipt on screen."""
    data = form.cleaned_data
    try:
        notice = dsa_cases.file_notice(
            comment=comment,
            ground=data["ground"],
            explanation=data["explanation"],
            reporter_name=data["reporter_name"],
            reporter_email=data["reporter_email"],
            good_faith=data["good_faith"],
            ip_hash=network.request_ip_hash(request),
            network_hash=network.request_network_hash(request),
            language=request.LANGUAGE_CODE,
        )
    except ValidationError:
        raise Http404 from None
    return dsa_views.notice_receipt(request, notice)


def _report_page(request, comment: Comment, form: NoticeForm, notice: str = "", status=200):
    response = render(
        request,
        "comments/report_page.html",
        {
            "comment": comment,
            "article": comment.article,
            "form": form,
            "notice": notice,
            "reports_to_hide": settings.COMMENTS_REPORTS_TO_HIDE,
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a form of this site's other pages (admin login, ...) failed
    Django's CSRF check. Comments and reports never arrive here (comments.origin)."""
    return error_page(
        request,
        status=403,
        title=_("The form could not be verified"),
        message=_(
            "For your security the form has to be sent from a page of this site. Go back, "
            "reload the page and try again."
        ),
    )
