"""The live news feed ("Ροή Ειδήσεων"): its items, its cached fragments, its page and poll URL.

An item is a published article or a published flash item, newest first. The list is
rendered once per content version (see articles/freshness.py) and language, and that
one fragment serves the sidebar of every page, the feed page and the poll URL that open
pages ask every few seconds. The poll URL is the same for every reader of a language, so
a proxy can answer all of them; its weak ETag is the content version, so an unchanged
feed costs a 304 and no database query at all.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q, Value
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from articles import freshness
from articles.models import Article, FlashItem
from newsportal.view_names import view_name_of

# How many items the sidebar of every page shows, and how many articles the strip shows.
SIDEBAR_SIZE = 12
STRIP_SIZE = 6
# Rendered fragments are keyed by the content version, so they are never stale; the
# timeout only bounds how long unused versions occupy the cache.
FRAGMENT_TIMEOUT = 600

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


def fragment_key(name: str, version: str) -> str:
    # The date is part of the key because "Today"/"Yesterday" headings change at midnight.
    return f"feed:{name}:{translation.get_language()}:{timezone.localdate()}:{version}"


def cached_fragment(name: str, request=None, version: str | None = None) -> Fragment:
    """The rendered ``strip``, ``sidebar`` or ``feed`` fragment of the current version."""
    key = fragment_key(name, version or freshness.current_version())
    cached = cache.get(key)
    if cached is not None:
        html, next_cursor = cached
        # The cached string is our own template's escaped output.
        return Fragment(html=mark_safe(html), next_cursor=next_cursor)  # noqa: S308  # nosemgrep  # nosec B308 B703
    items = newest_items(request)
    if name == "strip":
        articles = [item for item in items if item.kind == "article"][:STRIP_SIZE]
        html = render_to_string("includes/latest_strip.html", {"articles": articles})
        fragment = Fragment(html=html, next_cursor=None)
    elif name == "sidebar":
        fragment = render_items(items, limit=SIDEBAR_SIZE, days=False)
    else:
        fragment = render_items(items, limit=settings.FEED_PAGE_SIZE, days=True)
    cache.set(key, (str(fragment.html), fragment.next_cursor), FRAGMENT_TIMEOUT)
    return fragment


def poll_etag(version: str) -> str:
    return f'W/"feed-{version}-{translation.get_language()}-{timezone.localdate():%Y%m%d}"'


def etag_matches(request, etag: str) -> bool:
    """Weak comparison, as RFC 9110 asks for If-None-Match."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(candidate.removeprefix("W/") == bare for candidate in parse_etags(header))


def poll_headers(etag: str) -> dict[str, str]:
    return {
        "ETag": etag,
        "Cache-Control": f"public, max-age={settings.FEED_MAX_AGE}",
        # The script reads its next delay from here: the server's lever under load.
        "X-Poll-Interval": str(max(0, settings.FEED_POLL_INTERVAL)),
        "X-Robots-Tag": "noindex",
    }


@require_safe
def latest(request):
    """The newest items as an HTML fragment, for the script of every open page.

    Neither the session nor the user is touched, so the answer is the same for all and
    carries no Vary: Cookie; with a current If-None-Match it costs no database query.
    """
    version = freshness.current_version()
    etag = poll_etag(version)
    if etag_matches(request, etag):
        return HttpResponseNotModified(headers=poll_headers(etag))
    fragment = cached_fragment("feed", request, version)
    return HttpResponse(
        fragment.html, content_type="text/html; charset=utf-8", headers=poll_headers(etag)
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
    version = freshness.current_version()
    micros = (cursor.published_at - EPOCH) // ONE_MICROSECOND
    key = fragment_key(f"older:{micros}-{cursor.kind}{cursor.pk}", version)
    cached = cache.get(key)
    if cached is not None:
        # The cached string is our own template's escaped output.
        return Fragment(html=mark_safe(cached[0]), next_cursor=cached[1])  # noqa: S308  # nosemgrep  # nosec B308 B703
    items = feed_items(limit=settings.FEED_PAGE_SIZE + 1, before=cursor)
    fragment = render_items(items, limit=settings.FEED_PAGE_SIZE, days=True)
    cache.set(key, (str(fragment.html), fragment.next_cursor), FRAGMENT_TIMEOUT)
    return fragment


def cached_by_version(timeout: int = 300):
    """Cache a read-only view's whole answer per content version, with a weak ETag.

    For feeds, sitemaps and robots.txt: the key holds the version, language, host and
    full path, so a change is visible on the next request; ``timeout`` also bounds
    answers that depend on the clock (the news sitemap's 48 hours). A current
    If-None-Match is answered 304 before any database query.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            version = freshness.current_version()
            identity = "|".join(
                [
                    version,
                    str(int(time.time() // timeout)),
                    translation.get_language() or "",
                    request.scheme,
                    request.get_host(),
                    request.get_full_path(),
                ]
            )
            digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
            etag = f'W/"{digest}"'
            if etag_matches(request, etag):
                response = HttpResponseNotModified()
            else:
                cached = cache.get(f"view:{digest}")
                if cached is not None:
                    content, headers = cached
                    response = HttpResponse(content, headers=headers)
                else:
                    response = view(request, *args, **kwargs)
                    if hasattr(response, "render") and callable(response.render):
                        response = response.render()
                    if response.status_code != 200 or response.streaming:
                        return response
                    cache.set(f"view:{digest}", (response.content, dict(response.headers)), timeout)
            response["ETag"] = etag
            patch_cache_control(response, public=True, no_cache=True)
            return response

        return require_safe(wrapped)

    return decorator


class PollNotModifiedMiddleware:
    """Answers a poll whose If-None-Match is current before sessions, CSRF, locale and the
    view: every open page polls, and most polls find nothing new.

    The answer is the view's own 304 with the headers the inner middleware would add
    (language, Vary, framing); the view still answers every other poll.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and "HTTP_IF_NONE_MATCH" in request.META
            and view_name_of(request.path_info) == "articles:feed_latest"
        ):
            prefixed = translation.get_language_from_path(request.path_info)
            language = prefixed or settings.LANGUAGE_CODE
            with translation.override(language):
                etag = poll_etag(freshness.current_version())
            if etag_matches(request, etag):
                response = HttpResponseNotModified(headers=poll_headers(etag))
                response["Content-Language"] = language
                response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
                if not prefixed:  # as LocaleMiddleware says of unprefixed pages
                    patch_vary_headers(response, ("Accept-Language",))
                return response
        return self.get_response(request)
