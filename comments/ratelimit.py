"""Rate limits per address hash, counted in Django's "counters" cache (Redis in production:
REDIS_COUNTERS_URL, or the cache's own Redis).

Every comment POST from an address counts, whether it is valid, invalid or fails the
CSRF check: a flood is measured by what arrives, not by what succeeds. Counters live in
fixed windows (this minute, this hour) created with an atomic add() and bumped with an
atomic incr(), so concurrent workers never lose a count.

When the cache is unavailable (Redis stopped or hung) nothing can be counted: requests
are let through rather than refused, and the comment rules hold every comment for a
moderator until the counters work again (see comments.policy.safeguards_available).
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import caches


def limits() -> list[tuple[int, int]]:
    """(window seconds, most requests allowed in it)."""
    return [(60, settings.COMMENTS_RATE_PER_MINUTE), (3600, settings.COMMENTS_RATE_PER_HOUR)]


def hit(
    scope: str, ip_hash: str, now: float | None = None, windows: list | None = None
) -> int | None:
    """Count one request; return the seconds to wait if a limit is now exceeded, else None.
    ``windows``: (seconds, allowed) pairs of their own (likes); the comments' by default."""
    now = time.time() if now is None else now
    cache = caches["counters"]
    retry_after = None
    for window, allowed in windows or limits():
        bucket = int(now // window)
        key = f"comments:rate:{scope}:{window}:{bucket}:{ip_hash}"
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add() and incr()
            cache.add(key, 1, timeout=window + 5)
            count = 1
        if count is None:  # the cache is unavailable: nothing to count with
            return None
        if count > allowed:
            wait = max(1, math.ceil((bucket + 1) * window - now))
            retry_after = max(retry_after or 0, wait)
    return retry_after
