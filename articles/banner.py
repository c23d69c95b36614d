"""The breaking-news banner: a live part of every page (newsportal/caching/live.py).

Every response, stored or not, fills ``{% live "banner" %}`` with the banner shown now,
kept per version of the ``banner`` scope. An editor's save moves it; so does a banner's
start or end time, through the publishing rule (articles/scheduling.py), so a banner
appears and leaves by itself, with no cron. When the rule finds no banner now or later,
it says so in the shared cache and pages do not ask the database at all. Pages already
open learn of a change from their news feed poll, whose every answer says the banner's
version (``X-Banner-Version``); the script then fetches ``/roi-eidiseon/banner/`` (the
same for everyone), and removes a banner at its end time by itself.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import transaction
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
NONE_KEY = "banner:none-at"  # the banner version at which the rule found no banner at all
LONGEST_KEPT = 300  # seconds: a bound, whatever else happens


def nothing_to_show() -> None:
    """Said by the publishing rule: no banner is shown now nor scheduled."""
    cache.set(NONE_KEY, scopes.versions_of([SCOPE])[SCOPE], None)


def _render() -> tuple[str, str]:
    """The banner's HTML now and its version (one query, none when known to be empty)."""
    version = scopes.versions_of([SCOPE])[SCOPE]
    known_empty = cache.get(NONE_KEY) == version
    shown = None if known_empty else BreakingBanner.objects.shown(timezone.now()).first()
    digest = _version_of(shown)
    html = render_to_string("includes/breaking_banner.html", {"banner": shown, "version": digest})
    return html, digest


def _version_of(banner: BreakingBanner | None) -> str:
    if banner is None:
        return "none"
    identity = f"{banner.pk}|{banner.text}|{banner.link}|{banner.ends_at.isoformat()}"
    return hashlib.blake2b(identity.encode(), digest_size=6).hexdigest()


def _current() -> tuple[str, str]:
    return fragment("banner", scopes=(SCOPE,), render=_render, timeout=LONGEST_KEPT)


def banner_html() -> str:
    """The current banner's HTML (an empty container when there is none)."""
    return _current()[0]


def banner_version() -> str:
    """What the banner shows now, in short (an open page compares it with its own)."""
    return _current()[1]


def _live_banner(request, args: list[str]) -> dict[str, str]:
    return dict.fromkeys(args, banner_html())


def register() -> None:
    live.register("banner", _live_banner, scopes=lambda args: (SCOPE,))


@require_safe
def banner(request):
    """The banner alone, for open pages whose poll said it changed."""
    return HttpResponse(banner_html(), content_type="text/html; charset=utf-8")


@receiver(post_save, sender=BreakingBanner)
@receiver(post_delete, sender=BreakingBanner)
def banner_changed(sender, **kwargs):
    scopes.changed_on_commit(SCOPE)
    # Its start or end may now be the next moment something changes by itself.
    transaction.on_commit(scopes.schedule_changed)
