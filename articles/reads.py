"""Counting readers for the home page's "most read" list, without touching cached pages.

Article pages are served from the whole-page cache with no database query, so they
cannot count anything themselves. Instead `static/js/reads.js` asks
``GET /articles/<id>/read/`` once the page is visible (so neither prerendering, link
previews nor crawlers, which run no scripts, are counted). That request:

- counts a reader once per article and day: the key is a keyed hash of the address
  (`comments.network`), kept only in the cache, never stored;
- adds to a per-article, per-day counter in the cache (an atomic increment in Redis);
- writes to the database only every READS_FLUSH_EVERY reads of an article
  (`services.add_reads`: one UPDATE), so a story read by thousands costs a few writes.

It answers 204 with no body, no cookie and `Cache-Control: no-store`; it never reads the
session. What a process loses on a restart (fewer than READS_FLUSH_EVERY reads per article)
does not change which stories lead the list.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles import services
from comments.network import request_ip_hash

logger = logging.getLogger(__name__)

# Keys live a little longer than their day, then the cache forgets them.
KEY_TIMEOUT = 36 * 3600
# Larger ids are no article of ours (PostgreSQL's bigint ends there).
MAX_ID = 2**63 - 1


def count_read(*, article_id: int, reader: str) -> bool:
    """Count one read; True when it was a new reader for this article today."""
    day = timezone.localdate()
    if not cache.add(f"reads:seen:{day}:{article_id}:{reader}", 1, KEY_TIMEOUT):
        return False
    counter = f"reads:count:{day}:{article_id}"
    cache.add(counter, 0, KEY_TIMEOUT)
    try:
        total = cache.incr(counter)
    except ValueError:  # the cache lost the key in between (or is away): skip this one
        return False
    every = max(1, settings.READS_FLUSH_EVERY)
    if total and total % every == 0:
        services.add_reads(article_id=article_id, day=day, reads=every)
    return True


@require_safe
def read(request, pk: int):
    if pk > MAX_ID:
        raise Http404
    count_read(article_id=pk, reader=request_ip_hash(request))
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
