"""The breaking-news banner: a live part of every page (newsportal/caching/live.py).

Every response, stored or not, fills ``{% live "banner" %}`` with the banner shown now,
kept per version of the ``banner`` scope (an editor's save moves it) and never past the
moment the shown banner ends or the next one starts: it appears and leaves by itself,
with no cron. Pages already open learn of a change from their news feed poll, whose every
answer says the banner's version (``X-Banner-Version``); the script then fetches
``/banner/`` (the same for everyone, stored like the poll).
"""

from __future__ import annotations

import hashlib
import time
from datetime import datetime

from django.db.models import Min
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles.models import BreakingBanner
from newsportal.caching import live, scopes
from newsportal.caching.fragments import fragment

SCOPE = "banner"
LONGEST_KEPT = 300  # seconds: a bound, in case no start or end comes sooner


def _render_now() -> tuple[str, float]:
    """The banner's HTML now, and until when that stays true (seconds from now)."""
    now = timezone.now()
    banner = BreakingBanner.objects.shown(now).first()
    upcoming = BreakingBanner.objects.filter(starts_at__gt=now, ends_at__gt=now).aggregate(
        first=Min("starts_at")
    )["first"]
    moments = [moment for moment in (upcoming, banner and banner.ends_at) if moment]
    until = min(moments) if moments else None
    html = render_to_string(
        "includes/breaking_banner.html", {"banner": banner, "version": _version_of(banner)}
    )
    return html, _seconds_until(until, now)


def _version_of(banner: BreakingBanner | None) -> str:
    if banner is None:
        return "none"
    identity = f"{banner.pk}|{banner.text}|{banner.link}|{banner.ends_at.isoformat()}"
    return hashlib.blake2b(identity.encode(), digest_size=6).hexdigest()


def _seconds_until(moment: datetime | None, now: datetime) -> float:
    if moment is None:
        return LONGEST_KEPT
    return max(0.05, min(LONGEST_KEPT, (moment - now).total_seconds()))


def banner_html() -> str:
    """The current banner's HTML (empty container when none), kept until it changes."""
    return _current()[0]


def banner_version() -> str:
    """What the banner shows now, in short (an open page compares it with its own)."""
    return _current()[2]


def _current() -> tuple[str, float, str]:
    """(HTML, until when it holds as a time.time(), version), kept until then."""

    def render() -> tuple[str, float, str]:
        html, seconds = _render_now()
        version = html.partition('data-version="')[2].partition('"')[0]
        return html, time.time() + seconds, version

    kept = fragment(
        "banner",
        scopes=(SCOPE,),
        render=render,
        timeout=lambda value: max(0.0, value[1] - time.time()),
    )
    # Past its moment (a clock that jumped, or the instant between): read it again.
    return kept if kept[1] > time.time() else render()


def _live_banner(request, args: list[str]) -> dict[str, str]:
    return dict.fromkeys(args, banner_html())


def register() -> None:
    live.register("banner", _live_banner)


@require_safe
def banner(request):
    """The banner alone, for open pages whose poll said it changed."""
    return HttpResponse(banner_html(), content_type="text/html; charset=utf-8")


@receiver(post_save, sender=BreakingBanner)
@receiver(post_delete, sender=BreakingBanner)
def banner_changed(sender, **kwargs):
    scopes.changed_on_commit(SCOPE)
