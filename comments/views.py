"""Posting, replying to and reporting comments; the token endpoint; the CSRF failure page.

The article page itself shows no per-visitor data (it is cached for everyone), so its
forms arrive here without a CSRF token unless the page's script fetched one. Every
answer other than a redirect is a page in the site's design: 400 with the reader's text
kept, 403 to confirm a form sent without JavaScript, 404, 405, 429 with Retry-After.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from articles.models import Article
from comments import network, policy, ratelimit, services, tokens
from comments.forms import CommentForm, ReportForm
from comments.models import Comment, CommentReport

logger = logging.getLogger(__name__)

POST_SCOPE, REPORT_SCOPE = "post", "report"
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


def _after_article(article: Article) -> str:
    # The messages are shown at the top of the main content: land there.
    return f"{article.get_absolute_url()}#main"


def _form_page(request, *, article, form, status, parent=None, notice="", retry_after=None):
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
            "confirming": status == 403,
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
    """The form's signed token, or None and what to tell the reader."""
    try:
        return tokens.read(request.POST.get("token", ""), article_id=article.pk), ""
    except tokens.TokenExpired:
        return None, _(
            "The form had been open for too long. Your text is kept below: please send it again."
        )
    except tokens.TokenError:
        return None, _(
            "We could not verify the form. Your text is kept below: please send it again."
        )


def post_comment(request, article_id: int):
    if request.method != "POST":
        return _method_not_allowed(request, ["POST"])
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
    try:
        comment = services.post_comment(
            article=article,
            parent=parent,
            name=data["name"],
            email=data["email"],
            body=data["body"],
            ip_hash=network.request_ip_hash(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            nonce=token.nonce,
            form_age=token.age(),
            honeypot=data["website"],
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _form_page(request, article=article, form=form, status=400, parent=parent)

    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Thank you. Your comment has been published."))
    else:
        # Spam is acknowledged like any held comment: a bot learns nothing from the answer.
        messages.info(
            request,
            _(
                "Thank you. Your comment awaits moderation: it will appear under the article "
                "once a moderator approves it."
            ),
        )
    return HttpResponseRedirect(_after_article(article))


def _kept(data) -> dict:
    return {key: data.get(key, "") for key in ("name", "email", "body", "parent")}


def reply(request, comment_id: int):
    """The form for replying to one comment, on a page of its own (works without JavaScript)."""
    parent = _visible_comment(comment_id)
    form = CommentForm(initial={"parent": parent.pk})
    return _form_page(request, article=parent.article, form=form, status=200, parent=parent)


def report(request, comment_id: int):
    """Report a comment: a confirmation page (GET) and the report itself (POST)."""
    comment = _visible_comment(comment_id)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    if request.method == "POST":
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
        form = ReportForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else CommentReport.Reason.OTHER
        try:
            _report, created = services.report_comment(
                comment=comment, ip_hash=network.request_ip_hash(request), reason=reason
            )
        except ValidationError:
            raise Http404 from None
        text = (
            _("Thank you. The moderators will look at this comment.")
            if created
            else _("You have already reported this comment. Thank you.")
        )
        if wants_json:
            return JsonResponse({"ok": True, "message": text})
        messages.info(request, text)
        return HttpResponseRedirect(_after_article(comment.article))
    if request.method != "GET":
        return _method_not_allowed(request, ["GET", "POST"])
    response = render(
        request,
        "comments/report_page.html",
        {
            "comment": comment,
            "article": comment.article,
            "form": ReportForm(),
            "reports_to_hide": settings.COMMENTS_REPORTS_TO_HIDE,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a comment sent without JavaScript is shown again to confirm.

    Article pages carry no CSRF token (they are cached for everyone), so a reader without
    JavaScript always arrives here with their comment. They get it back, with a token, on a
    "confirm your comment" page (403: nothing was stored). Any other CSRF failure is a
    plain 403 page. This counts towards the comment rate limit like any comment POST.
    """
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "comments:post" and request.method == "POST":
        retry_after = _rate_limited(request, POST_SCOPE)
        article = _published_article(match.kwargs["article_id"])
        form = CommentForm(initial=_kept(request.POST))
        if retry_after:
            return _form_page(
                request,
                article=article,
                form=form,
                status=429,
                notice=_rate_limit_notice(retry_after),
                retry_after=retry_after,
            )
        parent = None
        parent_id = request.POST.get("parent", "")
        if parent_id.isascii() and parent_id.isdecimal():
            parent = Comment.objects.approved().filter(pk=int(parent_id), article=article).first()
        return _form_page(
            request,
            article=article,
            form=form,
            status=403,
            parent=parent,
            notice=_("Please confirm your comment: check it and press “Send comment” once more."),
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
