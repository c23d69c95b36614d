"""The live parts of reader pages (newsportal/caching/live.py): what changes every few
seconds is filled into every response, cached or not, instead of making pages stale.

- ``feed-sidebar`` and ``strip``: the news feed sidebar and the "Τελευταία Νέα" strip,
  kept per version of the ``feed`` scope (a flash item re-renders them, not the pages).
- ``comment-count``: the "N comments" link of each card, kept per version of its
  article's comments; the links that moved are read from counters in the shared cache
  (one read for all of them; the articles the cache lacks are read in one query). An
  approved or hidden comment forgets its article's counter.
- ``most-read``: the home page's ranked list, a minute old at most.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from articles import comment_counts, live_feed, rendering
from articles.models import Article
from newsportal.caching import live, scopes
from newsportal.caching.fragments import fragment

# The ranked lists ("most read", "most commented"): counts a minute old are as good as
# new, and read fresh they cost more than the rest of the sidebar together.
RANKED_SECONDS = 60
MOST_READ_LIMIT = 5


def shown_comment_counts(pks: list[int]) -> dict[int, int]:
    """The shown-comment counter of each article, from the shared cache when it has it."""
    counts = comment_counts.cached(pks)
    if missing := [pk for pk in pks if pk not in counts]:
        read = dict(Article.objects.filter(pk__in=missing).values_list("pk", "comment_count"))
        counts.update(read)
        comment_counts.remember(read)
    return counts


def comments_changed(article_id: int) -> None:
    """The article's comments section is re-rendered and its counter read again (after the
    commit for every process; this one at once); no other page or card is touched."""
    comment_counts.forget(article_id)
    scopes.changed_on_commit(scopes.comments(article_id))
    transaction.on_commit(lambda: comment_counts.forget(article_id))


def _count_link_target(arg: str) -> tuple[int, str] | None:
    """The article and the address of a card's count marker ("<pk> <url>")."""
    pk, _, url = arg.partition(" ")
    return (int(pk), url) if pk.isdigit() else None


def _count_link_scope(arg: str) -> str | None:
    """A card's count follows its article's comments."""
    target = _count_link_target(arg)
    return scopes.comments(target[0]) if target else None


def _comment_count_links(request, args: list[str]) -> dict[str, str]:
    wanted = {arg: target for arg in args if (target := _count_link_target(arg))}
    counts = shown_comment_counts(sorted({pk for pk, _ in wanted.values()}))
    return {
        arg: rendering.comment_count_html(counts.get(pk, 0), url)
        for arg, (pk, url) in wanted.items()
    }


def _feed_sidebar(request, args: list[str]) -> dict[str, str]:
    # Filled into every response: its whole HTML (not only the list inside) is kept per
    # version of the feed, language and day, as the list is; no visitor's data is in it.
    html = fragment(
        "feed-sidebar",
        timezone.localdate(),
        scopes=(scopes.SITE, scopes.FEED),
        render=lambda: render_to_string(
            "includes/feed_sidebar.html",
            {
                "fragment": live_feed.cached_fragment("sidebar", request),
                "poll_interval": max(0, settings.FEED_POLL_INTERVAL),
                "sidebar_size": live_feed.SIDEBAR_SIZE,
            },
        ),
    )
    return dict.fromkeys(args, html)


def _strip(request, args: list[str]) -> dict[str, str]:
    return dict.fromkeys(args, live_feed.cached_fragment("strip", request).html)


def ranked_list(name: str, template_name: str, articles) -> str:
    """A ranked list's HTML, kept a minute per language and version of the lists, in the
    shared cache too: the list is a live part of stored pages (the article page's side
    column), so a worker that has not rendered it yet must not pay a query on a hit."""
    return fragment(
        name,
        scopes=(scopes.SITE, scopes.ARTICLES),
        render=lambda: render_to_string(template_name, {"articles": list(articles())}),
        timeout=RANKED_SECONDS,
        shared=True,
    )


def most_read_html() -> str:
    """Reads of the last MOST_READ_DAYS days, one query (counting reads changes no scope)."""

    def articles():
        since = timezone.localdate() - timedelta(days=max(1, settings.MOST_READ_DAYS) - 1)
        return (
            Article.objects.published()
            .most_read(since)
            .select_related("category")
            .only("headline", "slug", "language", "published_at", "category__slug")
        )[:MOST_READ_LIMIT]

    return ranked_list("most-read", "includes/most_read.html", articles)


def _most_read(request, args: list[str]) -> dict[str, str]:
    return dict.fromkeys(args, most_read_html())


def register() -> None:
    live.register(
        "comment-count",
        _comment_count_links,
        # Each card's count follows its article's comments: the versions of the forty on
        # a page come from the process's memory (scopes' change log), not the shared cache,
        # and a comment renders its article's count again, not the page's forty.
        scope_of=_count_link_scope,
    )
    live.register("feed-sidebar", _feed_sidebar, scopes=lambda args: (scopes.SITE, scopes.FEED))
    live.register("strip", _strip, scopes=lambda args: (scopes.SITE, scopes.FEED))
    live.register(
        "most-read",
        _most_read,
        scopes=lambda args: (scopes.SITE, scopes.ARTICLES),
        clock=RANKED_SECONDS,
    )
