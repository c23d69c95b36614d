"""The live news feed ("Ροή Ειδήσεων"): its items, its cached fragments, its page and poll URL.

(Not to be confused with articles/syndication.py, the RSS and Atom feeds.)

An item is a published article or a published flash item, newest first. The list is
rendered once per version of the ``feed`` scope (newsportal/caching/scopes.py) and
language, and that one fragment serves the sidebar of every page (a live part), the feed
page and the poll URL that open pages ask every few seconds. The poll URL is the same for
every reader of a language, so nginx or a CDN answers nearly all of them; the response
cache (articles/cache_policies.py) answers the rest, and an unchanged feed costs a 304
and no database query at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import F, Q, Value
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from articles.models import Article, FlashItem
from newsportal.caching import scopes
from newsportal.caching.fragments import fragment

# How many items the sidebar of every page shows, and how many articles the strip shows.
SIDEBAR_SIZE = 12
STRIP_SIZE = 6

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
# `<microseconds since 1970>-<a|f><id>`: the publication time and the item it belongs to.
# Bounded digit counts keep every accepted value inside datetime's and bigint's ranges.
CURSOR_PATTERN = re.compile(r"([0-9]{1,17})-([af])([0-9]{1,18})")  # ASCII digits only
KIND_RANK = {"article": 1, "flash": 0}  # equal times: the article first, then the flash


@dataclass(frozen=True)
class FeedItem:
    """One line of the feed; it also quacks like an article for the headline strip."""

    kind: str  # "article" or "flash"
    pk: int
    published_at: datetime
    title: str
    language: str
    is_breaking: bool
    slug: str
    category_slug: str
    category_name: str
    link: str

    @property
    def headline(self) -> str:
        return self.title

    @property
    def is_flash(self) -> bool:
        return self.kind == "flash"

    @property
    def key(self) -> str:
        """Unique across both kinds: what the script compares to find new items."""
        return f"{self.kind[0]}{self.pk}"

    @property
    def day(self) -> date:
        return timezone.localtime(self.published_at).date()

    @property
    def cursor(self) -> str:
        """The "load more" position just after this item."""
        return f"{(self.published_at - EPOCH) // ONE_MICROSECOND}-{self.key}"

    def get_absolute_url(self) -> str:
        if self.kind == "article":
            return reverse(
                "articles:detail",
                kwargs={"category": self.category_slug, "pk": self.pk, "slug": self.slug},
            )
        return self.link


@dataclass(frozen=True)
class Cursor:
    published_at: datetime
    kind: str
    pk: int


class InvalidCursor(ValueError):
    pass


def parse_cursor(raw: str) -> Cursor:
    match = CURSOR_PATTERN.fullmatch(raw)
    if not match:
        raise InvalidCursor(raw)
    micros, kind, pk = match.groups()
    return Cursor(
        published_at=EPOCH + int(micros) * ONE_MICROSECOND,
        kind="article" if kind == "a" else "flash",
        pk=int(pk),
    )


def feed_items(*, limit: int, before: Cursor | None = None, now=None) -> list[FeedItem]:
    """The newest ``limit`` published items (after ``before``), in one query.

    Order: newest first; at equal times articles before flashes, then higher ids first.
    Each side of the UNION is ordered and limited by itself, so each reads only the top
    of its (status, published_at) index however large the archive grows.
    """
    now = now or timezone.now()
    articles = Article.objects.published(now)
    flashes = FlashItem.objects.published(now)
    if before is not None:
        older = Q(published_at__lt=before.published_at)
        same_time = Q(published_at=before.published_at)
        if before.kind == "article":
            articles = articles.filter(older | (same_time & Q(pk__lt=before.pk)))
            flashes = flashes.filter(older | same_time)
        else:
            articles = articles.filter(older)
            flashes = flashes.filter(older | (same_time & Q(pk__lt=before.pk)))
    articles = articles.values(
        kind=Value("article"),
        item_id=F("pk"),
        ts=F("published_at"),
        title=F("headline"),
        lang=F("language"),
        breaking=F("is_breaking"),
        item_slug=F("slug"),
        cat_slug=F("category__slug"),
        cat_name=F("category__name"),
        item_link=Value(""),
        rank=Value(KIND_RANK["article"]),
    ).order_by("-ts", "-item_id")[:limit]
    flashes = flashes.values(
        kind=Value("flash"),
        item_id=F("pk"),
        ts=F("published_at"),
        title=F("text"),
        lang=F("language"),
        breaking=Value(False),
        item_slug=Value(""),
        cat_slug=Value(""),
        cat_name=Value(""),
        item_link=F("link"),
        rank=Value(KIND_RANK["flash"]),
    ).order_by("-ts", "-item_id")[:limit]
    rows = articles.union(flashes, all=True).order_by("-ts", "-rank", "-item_id")[:limit]
    return [
        FeedItem(
            kind=row["kind"],
            pk=row["item_id"],
            published_at=row["ts"],
            title=row["title"],
            language=row["lang"],
            is_breaking=row["breaking"],
            slug=row["item_slug"],
            category_slug=row["cat_slug"],
            category_name=row["cat_name"],
            link=row["item_link"],
        )
        for row in rows
    ]


def newest_items(request=None) -> list[FeedItem]:
    """The newest page of items (plus one, to know if there is more), once per request."""
    items = getattr(request, "_newest_feed_items", None)
    if items is None:
        items = feed_items(limit=settings.FEED_PAGE_SIZE + 1)
        if request is not None:
            request._newest_feed_items = items
    return items


@dataclass(frozen=True)
class Fragment:
    html: SafeString
    next_cursor: str | None


def render_items(items: list[FeedItem], *, limit: int, days: bool) -> Fragment:
    shown = items[:limit]
    html = render_to_string(
        "includes/feed_items.html",
        {"items": shown, "show_days": days, "today": timezone.localdate()},
    )
    next_cursor = shown[-1].cursor if len(items) > limit else None
    return Fragment(html=html, next_cursor=next_cursor)  # render_to_string's output is safe


def cached_fragment(name: str, request=None) -> Fragment:
    """The rendered ``strip``, ``sidebar`` or ``feed`` fragment of the current feed version
    (and day: "Today" and "Yesterday" headings change at midnight)."""

    def render_fragment() -> tuple[str, str | None]:
        items = newest_items(request)
        if name == "strip":
            articles = [item for item in items if item.kind == "article"][:STRIP_SIZE]
            rendered = Fragment(
                html=render_to_string("includes/latest_strip.html", {"articles": articles}),
                next_cursor=None,
            )
        elif name == "sidebar":
            rendered = render_items(items, limit=SIDEBAR_SIZE, days=False)
        else:
            rendered = render_items(items, limit=settings.FEED_PAGE_SIZE, days=True)
        return str(rendered.html), rendered.next_cursor

    html, next_cursor = fragment(
        "feed",
        name,
        timezone.localdate(),
        scopes=(scopes.SITE, scopes.FEED),
        render=render_fragment,
        shared=True,
    )
    # The kept string is our own template's escaped output.
    return Fragment(html=mark_safe(html), next_cursor=next_cursor)  # noqa: S308  # nosemgrep  # nosec B308 B703


@require_safe
def latest(request):
    """The newest items as an HTML fragment, for the script of every open page.

    Neither the session nor the user is touched, so the answer is the same for all and
    carries no Vary: Cookie. The response cache answers it (and its 304s) with no query
    while the feed has not changed.
    """
    fragment = cached_fragment("feed", request)
    return HttpResponse(
        fragment.html,
        content_type="text/html; charset=utf-8",
        headers={
            # The script reads its next delay from here: the server's lever under load.
            "X-Poll-Interval": str(max(0, settings.FEED_POLL_INTERVAL)),
            "X-Robots-Tag": "noindex",
        },
    )


@require_safe
def feed_page(request):
    """The feed page: the newest items grouped by day, "older news" by a keyset cursor.

    The cursor names the last item shown, so a page never repeats or skips an item
    while news keeps arriving (an offset would). A malformed cursor answers 400 with
    the newest items, so the reader is never stuck.
    """
    raw = request.GET.get("before")
    status, error, cursor = 200, None, None
    if raw is not None:
        try:
            cursor = parse_cursor(raw)
        except InvalidCursor:
            status = 400
            error = _("That link to older news is not valid. Here are the newest items.")
    fragment = cached_fragment("feed", request) if cursor is None else older_fragment(cursor)
    return render(
        request,
        "articles/feed_page.html",
        {
            "items_html": fragment.html,
            "next_cursor": fragment.next_cursor,
            "live": cursor is None,
            "older": cursor is not None,
            "error": error,
            "poll_interval": max(0, settings.FEED_POLL_INTERVAL),
        },
        status=status,
    )


def older_fragment(cursor: Cursor) -> Fragment:
    """Older items after ``cursor``: every valid cursor is a page of its own, so they are
    read each time (one indexed query) rather than kept where anyone could fill a cache."""
    items = feed_items(limit=settings.FEED_PAGE_SIZE + 1, before=cursor)
    return render_items(items, limit=settings.FEED_PAGE_SIZE, days=True)
