"""The comments section of an article page and the home page's "most commented" list.

Both are tags, so their queries run only where they are rendered. Nothing in the section
depends on the visitor (no CSRF token, no session, no user): the article page is cached
for everyone, and a comment is accepted without a per-visitor token (comments.origin).
"""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.live_parts import RANKED_SECONDS, ranked_list
from articles.models import Article
from comments import notices, policy, rendering, threads
from comments.forms import CommentForm
from newsportal.caching import live, scopes
from newsportal.caching.fragments import fragment
from newsportal.caching.responses import shows_another_page

register = template.Library()

MOST_COMMENTED_LIMIT = 5
LIKED_ORDER_SECONDS = 300


def _query(order: str, page: int | None = None) -> str:
    params = [] if order == threads.OLDEST else [f"{threads.ORDER_PARAM}={order}"]
    if page and page > 1:
        params.append(f"{threads.PAGE_PARAM}={page}")
    return f"?{'&'.join(params)}#comments" if params else "?#comments"


@register.simple_tag(takes_context=True)
def comments_section(context, article: Article):
    """The comments section; it depends on no visitor, so it is rendered once per version.

    The one per-visitor part, the acknowledgement after posting or reporting, is put in
    front of it here, outside the kept fragment (comments.notices)."""
    request = context.get("request")
    query = request.GET if request is not None else {}
    order = threads.read_order(query.get(threads.ORDER_PARAM))
    page_number = query.get(threads.PAGE_PARAM) or ""
    if not (page_number.isdigit() and len(page_number) <= 6):
        page_number = ""  # anything else shows the first page: one entry for all of it
    comments_open = policy.comments_open(article)
    # Per version of the article's comments (an approved, hidden or removed comment moves
    # it), order and page of threads (newsportal/caching/fragments.py). Of the article it
    # shows only what is in the key (language, open, moderation mode; the count moves with
    # the comments), so an edit of its text does not render the comments again.
    section, shown_page = fragment(
        "comments",
        article.pk,
        article.language,
        order,
        page_number,
        comments_open,
        policy.is_post_moderated(article),
        settings.COMMENTS_CONFIRM_EMAIL,
        scopes=(scopes.SITE, scopes.comments(article.pk)),
        render=lambda: _section(article, order, page_number, comments_open),
        # Likes never move the scope (comments.reactions): "most liked" is sorted again
        # by the written counts at most this often.
        timeout=LIKED_ORDER_SECONDS if order == threads.LIKED else None,
    )
    if page_number and page_number != shown_page and request is not None:
        shows_another_page(request)  # ?comments_page=99 of three pages shows the third
    # The notice after posting is the poster's own (?notice=, never stored: see
    # newsportal/cache_policies.py): outside the kept section.
    notice = notices.notice_html(request)
    return notice + section if notice else section


def _section(article, order: str, page_number: str, comments_open: bool) -> tuple[str, str]:
    page = threads.thread_page(article, order=order, page_number=page_number or None)
    context = _section_context(article, order, page, comments_open)
    shown = str(page.page.number) if page.page is not None else ""
    return render_to_string("comments/section.html", context), shown


def _section_context(article, order: str, page, comments_open: bool) -> dict:
    pagination = None
    if page.page is not None and page.page.has_other_pages():
        pagination = {
            "number": page.page.number,
            "total": page.page.paginator.num_pages,
            "previous": _query(order, page.page.previous_page_number())
            if page.page.has_previous()
            else "",
            "next": _query(order, page.page.next_page_number()) if page.page.has_next() else "",
        }
    # "/comments/" (or "/en/comments/"): reply and report links are built from it in the
    # template rather than reversed once per comment.
    comments_root = reverse("comments:token").removesuffix("token/")
    return {
        "article": article,
        "threads": page.threads,
        "threads_html": rendering.threads_html(
            page.threads,
            language=article.language,
            comments_open=comments_open,
            comments_root=comments_root,
        ),
        "order": order,
        "order_links": [
            (threads.OLDEST, _query(threads.OLDEST)),
            (threads.NEWEST, _query(threads.NEWEST)),
            (threads.LIKED, _query(threads.LIKED)),
        ],
        "pagination": pagination,
        "comments_open": comments_open,
        "post_moderated": policy.is_post_moderated(article),
        "form": CommentForm(),
        "comments_root": comments_root,
        "max_depth": settings.COMMENTS_MAX_DEPTH,
        "confirm_email": settings.COMMENTS_CONFIRM_EMAIL,
    }


def most_commented_html() -> str:
    """The home page's "most commented" list (kept a minute, see articles' ranked_list)."""

    def articles():
        since = timezone.now() - timedelta(days=settings.COMMENTS_MOST_COMMENTED_DAYS)
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .most_commented()
            .select_related("category")
            .only("headline", "slug", "language", "comment_count", "published_at", "category__slug")
        )[:MOST_COMMENTED_LIMIT]

    return ranked_list("most-commented", "comments/most_commented.html", articles)


def _most_commented(request, args: list[str]) -> dict[str, str]:
    return dict.fromkeys(args, most_commented_html())


def register_live_parts() -> None:
    """``{% live "most-commented" %}``: a live part of the home page (newsportal/caching)."""
    live.register(
        "most-commented",
        _most_commented,
        scopes=lambda args: (scopes.SITE, scopes.ARTICLES),
        clock=RANKED_SECONDS,
    )
