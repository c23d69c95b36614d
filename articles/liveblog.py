"""Live blogs for readers: the entries under a live article, and the one URL its open
pages poll.

The live part of an article page (its status, "Key events", the pinned entry and a page
of entries, newest first) is rendered once per version of the scope ``liveblog:<id>``
(moved after the commit of every entry change, articles/signals.py), page and language.
That same rendering answers the poll URL ``/articles/<id>/live/``, one URL for every
reader of the article: the response cache (newsportal/cache_policies.py) stores it with
a weak ETag, so a poll while nothing changed is a 304 or a stored answer, with no query.
The page polls it only while the coverage goes on (ended: the poll answers an interval of
0 and the page carries no poll address); the script is static/js/live-feed.js, the news
feed's own. Without JavaScript the page is complete and "Older entries" is a plain link
(``?entries_page=2``, a canonical parameter of the article page's cache policy).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from articles.embeds import PROVIDERS, providers_in
from articles.models import Article, LiveBlog, LiveEntry
from newsportal.caching import scopes
from newsportal.caching.fragments import fragment
from newsportal.caching.responses import page_number

PAGE_PARAM = "entries_page"
# Entries given in the JSON-LD's liveBlogUpdate (search engines read the newest ones).
JSON_LD_UPDATES = 10
# "Key events" lists at most this many, newest first.
KEY_EVENTS_SHOWN = 40
NEWEST_FIRST = (F("posted_at").desc(), F("pk").desc())
# The poll answer says whether its coverage goes on; the cache policy turns that into the
# interval of every answer, stored or not (newsportal/cache_policies.py).
STATE_HEADER = "X-Live-Coverage"
LIVE, ENDED = "live", "ended"


@dataclass(frozen=True)
class Highlight:
    """An entry of "Key events", or the pinned entry, with the page of the stream it is on."""

    entry: LiveEntry
    page: int

    def href(self, current_page: int) -> str:
        """A link to its anchor: on this page, another page, or the pinned place."""
        anchor = f"#{self.entry.anchor}"
        if self.entry.is_pinned or self.page == current_page:
            return anchor
        if self.page == 1:
            return f"./{anchor}"
        return f"?{PAGE_PARAM}={self.page}{anchor}"


def asked_page(request) -> int:
    """The page of entries the URL asks for (1 for none or anything invalid)."""
    return int(page_number(request.GET.get(PAGE_PARAM, "")) or 1)


def polling_interval(live_blog: LiveBlog) -> int:
    """Seconds between two polls of an open page; 0 once the coverage has ended."""
    return max(0, settings.LIVE_BLOG_POLL_INTERVAL) if live_blog.is_live else 0


@dataclass(frozen=True)
class Shown:
    """What one page of a live blog shows, read in one query."""

    entries: list[LiveEntry]  # the page of the stream, newest first
    pinned: LiveEntry | None
    key_events: list[Highlight]
    newest: list[LiveEntry]  # the newest of the stream and the pinned one (JSON-LD)
    stream_size: int


def _read(live_blog: LiveBlog, page: int) -> Shown:
    """The page of the stream (the pinned entry stands above it), the pinned entry, the
    key events with the page each is on, and the newest entries, in ONE query: windows
    number the stream and the key events, and one filter after them keeps those rows."""
    size = settings.LIVE_BLOG_PAGE_SIZE
    first, last = (page - 1) * size, page * size
    rows = (
        LiveEntry.objects.filter(live_blog=live_blog)
        .select_related("image")
        .annotate(
            position=Window(RowNumber(), partition_by=[F("is_pinned")], order_by=NEWEST_FIRST),
            stream_size=Window(Count("pk"), partition_by=[F("is_pinned")]),
            key_rank=Window(RowNumber(), partition_by=[F("is_key_event")], order_by=NEWEST_FIRST),
        )
        # Every branch names a window, so Django filters after the windows are computed
        # over the whole live blog (a plain filter would number the kept rows only).
        .filter(
            Q(is_pinned=False, position__gt=first, position__lte=last)
            | Q(is_pinned=False, position__lte=JSON_LD_UPDATES)
            | Q(is_key_event=True, key_rank__lte=KEY_EVENTS_SHOWN)
            | Q(is_pinned=True, position__gt=0)
        )
        .order_by(*NEWEST_FIRST)
    )
    entries, key_events, newest, pinned, stream_size = [], [], [], None, 0
    for entry in rows:
        if entry.is_pinned:
            pinned = entry
        else:
            stream_size = entry.stream_size
            if first < entry.position <= last:
                entries.append(entry)
        if entry.is_key_event:
            on_page = 1 if entry.is_pinned else (entry.position - 1) // size + 1
            key_events.append(Highlight(entry, on_page))
        if entry.is_pinned or entry.position <= JSON_LD_UPDATES:
            newest.append(entry)
    return Shown(entries, pinned, key_events, newest[:JSON_LD_UPDATES], stream_size)


def _update(entry: LiveEntry) -> dict:
    """What the JSON-LD says of an entry (plain text)."""
    text = entry.plain_text
    return {
        "anchor": entry.anchor,
        "headline": Truncator(entry.title or text).chars(110),
        "text": text,
        "posted_at": entry.posted_at,
        "updated_at": entry.updated_at,
    }


def _render(live_blog: LiveBlog, page: int, language: str) -> dict:
    shown = _read(live_blog, page)
    last_page = max(1, -(-shown.stream_size // settings.LIVE_BLOG_PAGE_SIZE))
    if page > last_page:
        # Beyond the last page (entries were deleted): the last page, said so to the view.
        return _render(live_blog, last_page, language)
    context = {
        "live_blog": live_blog,
        "pinned": shown.pinned,
        "key_events": [(h.entry, h.href(page)) for h in shown.key_events],
        "language": language,
        "today": timezone.localdate(),
        "interval": polling_interval(live_blog),
    }
    summary = render_to_string("includes/liveblog_summary.html", context)
    entries_html = render_to_string(
        "includes/liveblog_entries.html", {**context, "entries": shown.entries}
    )
    on_page = ([shown.pinned] if shown.pinned else []) + shown.entries
    return {
        "page": page,
        "has_older": page < last_page,
        "summary": summary,
        "summary_version": hashlib.blake2b(summary.encode(), digest_size=8).hexdigest(),
        "entries": entries_html,
        "providers": sorted({p for e in on_page for p in providers_in(e.body_html)}),
        "updates": [_update(entry) for entry in shown.newest],
    }


@dataclass(frozen=True)
class LiveSection:
    """The live part of an article page (or of a poll answer), as rendered."""

    live_blog: LiveBlog
    page: int
    has_older: bool
    summary: SafeString
    summary_version: str
    entries: SafeString
    providers: list[str]
    updates: list[dict]

    @property
    def polling(self) -> bool:
        return self.page == 1 and polling_interval(self.live_blog) > 0

    @property
    def interval(self) -> int:
        return polling_interval(self.live_blog)

    @property
    def embed_providers(self) -> list[str]:
        """Providers whose frames the page must allow: while the coverage goes on, an
        entry with any of them may arrive through the poll, so all; after, those shown."""
        return sorted(PROVIDERS) if self.polling else self.providers


def live_section(live_blog: LiveBlog, *, page: int = 1, language: str) -> LiveSection:
    """The rendered live part of ``page`` (kept per version of the live blog's scope and
    the day: an entry of another day shows its date)."""
    rendered = fragment(
        "liveblog",
        live_blog.pk,
        page,
        timezone.localdate(),
        scopes=(scopes.SITE, scopes.liveblog(live_blog.pk)),
        render=lambda: _render(live_blog, page, language),
        shared=True,
    )
    # The kept strings are our own templates' output (entry text sanitised on save).
    return LiveSection(
        live_blog=live_blog,
        page=rendered["page"],
        has_older=rendered["has_older"],
        summary=mark_safe(rendered["summary"]),  # noqa: S308  # nosemgrep  # nosec B308 B703
        summary_version=rendered["summary_version"],
        entries=mark_safe(rendered["entries"]),  # noqa: S308  # nosemgrep  # nosec B308 B703
        providers=rendered["providers"],
        updates=rendered["updates"],
    )


@require_safe
def latest(request, pk: int):
    """The newest entries, "Key events" and the pinned entry of a live article, for the
    script of every open page. Neither the session nor the user is touched: the answer
    is the same for every reader (and is stored, with its 304s, by the response cache)."""
    scopes.depends_on(scopes.liveblog(pk), scopes.article(pk))
    live_blog = (
        LiveBlog.objects.filter(pk=pk, article__in=Article.objects.published())
        .select_related("article")
        .only("started_at", "ended_at", "expected_end_at", "article__language")
        .first()
    )
    if live_blog is None:
        # Withdrawn, or never live: open pages stop asking.
        response = HttpResponse(status=404, headers={"X-Poll-Interval": "0"})
        response["Cache-Control"] = "public, max-age=0, s-maxage=1"
        return response
    section = live_section(live_blog, language=live_blog.article.language)
    html = render_to_string("includes/liveblog_poll.html", {"live": section})
    return HttpResponse(
        html,
        content_type="text/html; charset=utf-8",
        headers={
            "X-Poll-Interval": str(section.interval),
            STATE_HEADER: LIVE if live_blog.is_live else ENDED,
            "X-Robots-Tag": "noindex",
        },
    )


def page_section(article: Article, request) -> LiveSection | None:
    """The live part of an article page, or None for an article that is not live coverage."""
    try:
        live_blog = article.live_blog  # read with the article (select_related)
    except LiveBlog.DoesNotExist:
        return None
    scopes.depends_on(scopes.liveblog(article.pk))
    return live_section(live_blog, page=asked_page(request), language=article.language)
