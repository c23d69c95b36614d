"""A version token for "what readers see", kept in the cache.

Caches of pages and of the news feed put this token in their keys and ETags, so a
change is visible on the very next request: publishing, editing or withdrawing an
article or a flash item (or a category, tag or image change) replaces the token. A
scheduled article or flash item changes what readers see with no write at all, so the
token also records when the next one is due and is replaced once that time has passed:
no cache lifetime ever outlasts the next scheduled article, with no cron.
"""

from __future__ import annotations

import threading
import time
import uuid

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.utils import timezone

from newsportal.local_memo import forget_everything

VERSION_KEY = "freshness:version"
NEXT_DUE_KEY = "freshness:next-due"
NOTHING_SCHEDULED = 0.0


# Within one request the token is read from the cache once: a page that asks for it
# for each of its eighty cards must not cost eighty cache reads, and one page is
# rendered from one version. Outside a request (commands, tests) it is read every time.
_request = threading.local()


def _request_began(**kwargs) -> None:
    _request.active, _request.version = True, None


def _request_ended(**kwargs) -> None:
    _request.active, _request.version = False, None


request_started.connect(_request_began, dispatch_uid="freshness-request-began")
request_finished.connect(_request_ended, dispatch_uid="freshness-request-ended")


def current_version() -> str:
    """The current token; reads only the cache, except when a scheduled article fell due."""
    in_request = getattr(_request, "active", False)
    if in_request and _request.version:
        return _request.version
    values = cache.get_many([VERSION_KEY, NEXT_DUE_KEY])
    version, next_due = values.get(VERSION_KEY), values.get(NEXT_DUE_KEY)
    if version is None or next_due is None or NOTHING_SCHEDULED < next_due <= time.time():
        return content_changed()
    if in_request:
        _request.version = version
    return version


def seconds_until_next_due(now: float | None = None) -> float | None:
    """How long cached pages may live before a scheduled article is due (None: no limit)."""
    next_due = cache.get(NEXT_DUE_KEY)
    if not next_due:
        return None
    return max(0.0, next_due - (now or time.time()))


def change_on_commit() -> None:
    """A change readers could see is being made: this process forgets what it rendered at
    once (so it never shows the old text again), and the token is replaced for every
    process when the transaction commits."""
    forget_everything()
    transaction.on_commit(content_changed)


def content_changed() -> str:
    """Replace the token (after any change readers could see) and return the new one."""
    from articles.models import Article, FlashItem

    forget_everything()
    now = timezone.now()
    # The next scheduled article or flash item, in one query (a union of both).
    scheduled = [
        model.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)[:1]
        for model in (Article, FlashItem)
    ]
    due = min(scheduled[0].union(scheduled[1], all=True), default=None)
    version = uuid.uuid4().hex[:16]
    cache.set_many(
        {VERSION_KEY: version, NEXT_DUE_KEY: due.timestamp() if due else NOTHING_SCHEDULED},
        timeout=None,
    )
    if getattr(_request, "active", False):
        _request.version = version
    return version
