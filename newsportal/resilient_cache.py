"""django-redis with a circuit breaker, so a dead or hung Redis costs one timeout, not many.

django-redis can ignore connection errors, but each call still waits for its socket
timeout: a hung Redis (SIGSTOP, full network buffers) would add half a second to every
cache call of every request. After one failure this backend skips Redis for a few
seconds in this process, answering as a cache miss, then tries again.
"""

from __future__ import annotations

import logging
import time

from django_redis.cache import RedisCache

logger = logging.getLogger("newsportal.cache")

# How long a process leaves Redis alone after a failure before trying it again.
BREAKER_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # Errors reach _guarded() below instead of being swallowed one call at a time.
        self._ignore_exceptions = False
        self._skip_until = 0.0

    def _guarded(self, operation: str, fallback, call):
        if time.monotonic() < self._skip_until:
            return fallback
        try:
            return call()
        except Exception as error:  # any Redis or socket failure: behave as a cache miss
            self._skip_until = time.monotonic() + BREAKER_SECONDS
            logger.warning(
                "cache unavailable (%s on %s); skipping it for %.0f s",
                error.__class__.__name__,
                operation,
                BREAKER_SECONDS,
            )
            return fallback

    @property
    def available(self) -> bool:
        """False while the breaker is open: callers that must not trust a miss can tell."""
        return time.monotonic() >= self._skip_until

    def get(self, key, default=None, version=None, client=None):
        return self._guarded("get", default, lambda: super(ResilientRedisCache, self).get(
            key, default, version, client))  # fmt: skip

    def get_many(self, keys, version=None, client=None):
        return self._guarded("get_many", {}, lambda: super(ResilientRedisCache, self).get_many(
            keys, version=version, client=client))  # fmt: skip

    def set(self, *args, **kwargs):
        return self._guarded("set", False, lambda: super(ResilientRedisCache, self).set(
            *args, **kwargs))  # fmt: skip

    def set_many(self, *args, **kwargs):
        return self._guarded("set_many", [], lambda: super(ResilientRedisCache, self).set_many(
            *args, **kwargs))  # fmt: skip

    def add(self, *args, **kwargs):
        return self._guarded("add", False, lambda: super(ResilientRedisCache, self).add(
            *args, **kwargs))  # fmt: skip

    def incr(self, *args, **kwargs):
        return self._guarded("incr", None, lambda: super(ResilientRedisCache, self).incr(
            *args, **kwargs))  # fmt: skip

    def delete(self, *args, **kwargs):
        return self._guarded("delete", False, lambda: super(ResilientRedisCache, self).delete(
            *args, **kwargs))  # fmt: skip

    def delete_many(self, *args, **kwargs):
        return self._guarded("delete_many", 0, lambda: super(
            ResilientRedisCache, self).delete_many(*args, **kwargs))  # fmt: skip

    def touch(self, *args, **kwargs):
        return self._guarded("touch", False, lambda: super(ResilientRedisCache, self).touch(
            *args, **kwargs))  # fmt: skip

    def has_key(self, *args, **kwargs):
        return self._guarded("has_key", False, lambda: super(ResilientRedisCache, self).has_key(
            *args, **kwargs))  # fmt: skip

    def clear(self):
        return self._guarded("clear", None, lambda: super(ResilientRedisCache, self).clear())
