"""The like button: ``POST /comments/<id>/like/``, with or without JavaScript.

The button is a form in the cached comments section, so, like the comment form, it carries
no CSRF token: where the POST comes from is checked instead (comments.origin), and a POST
whose origin nothing tells gets a small page with Django's CSRF token to confirm it. Every
POST from an address counts towards its own rate limits (COMMENTS_LIKES_PER_MINUTE and
_PER_HOUR). Without JavaScript the reader lands on the notice above the comments
(comments.notices); the page's script (static/js/reactions.js) asks for JSON instead and
updates the count in place. A second like from the same address changes nothing and says so.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from articles.rendering import number
from comments import network, notices, origin, ratelimit, reactions
from comments.models import Comment
from comments.views import error_page

logger = logging.getLogger(__name__)

LIKE_SCOPE = "like"


def _likeable_comment(pk: int) -> Comment:
    """An approved comment on a published article (or 404), with what the answer needs."""
    comments = (
        Comment.objects.approved()
        .select_related("article__category")
        .defer("article__body", "article__body_html", "article__search_vector")
    )
    comment = get_object_or_404(comments, pk=pk)
    if not comment.article.is_published():
        raise Http404
    return comment


def _limits() -> list[tuple[int, int]]:
    return [(60, settings.COMMENTS_LIKES_PER_MINUTE), (3600, settings.COMMENTS_LIKES_PER_HOUR)]


def _json(status: int = 200, **data) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _like_page(request, comment: Comment, notice: str = ""):
    """The like on a page of its own: for a POST whose origin nothing tells (it carries the
    CSRF token), and for whoever opens the address."""
    response = render(
        request,
        "comments/like_page.html",
        {"comment": comment, "article": comment.article, "notice": notice},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # nosemgrep: csrf-exempt - comments.origin checks where the like comes from
def like(request, comment_id: int):
    comment = _likeable_comment(comment_id)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    if request.method == "GET":
        return _like_page(request, comment)
    if request.method != "POST":
        response = _json(405, ok=False) if wants_json else _like_page(request, comment)
        response.status_code = 405
        response["Allow"] = "GET, POST"
        return response

    sent_from = origin.of(request)
    if sent_from is origin.Origin.FOREIGN:
        logger.warning("comment like refused: sent from another site")
        if wants_json:
            return _json(403, ok=False)
        return error_page(
            request,
            status=403,
            title=_("The form could not be verified"),
            message=_(
                "For your security the form has to be sent from a page of this site. Go "
                "back, reload the page and try again."
            ),
        )
    reader = network.request_ip_hash(request)
    retry_after = ratelimit.hit(LIKE_SCOPE, reader, windows=_limits())
    if retry_after:
        logger.warning("comment like rate limit reached for %s…", reader[:12])
        if wants_json:
            response = _json(429, ok=False, message=_("Too many likes. Please wait a little."))
            response["Retry-After"] = str(retry_after)
            return response
        return error_page(
            request,
            status=429,
            title=_("Too many likes"),
            message=_("Please wait a few minutes before liking more comments."),
            retry_after=retry_after,
        )
    if sent_from is origin.Origin.UNKNOWN and not origin.confirmed(request):
        if wants_json:  # a script's POST always says where it comes from; let the page ask
            return _json(403, ok=False, confirm=True)
        return _like_page(request, comment, notice=_("Please confirm your like once more."))

    result = reactions.count_like(comment=comment, reader=reader)
    if result.outcome is reactions.Outcome.UNAVAILABLE:
        message = _("Likes cannot be counted just now. Please try again in a few minutes.")
        if wants_json:
            return _json(503, ok=False, message=message)
        return error_page(
            request, status=503, title=_("Likes are not counted just now"), message=message
        )
    counted = result.outcome is reactions.Outcome.COUNTED
    code = notices.LIKED if counted else notices.ALREADY_LIKED
    if wants_json:
        return _json(
            ok=True,
            counted=counted,
            count=result.count,
            count_shown=number(result.count),
            count_text=reactions.count_text(result.count),
            message=notices.text(code),
        )
    url = notices.url_after(request, comment.article.get_absolute_url(), code)
    return HttpResponseRedirect(url)
