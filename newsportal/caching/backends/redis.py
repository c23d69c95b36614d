"""django-redis with a circuit breaker, so a dead or hung Redis costs one timeout, not many.

django-redis can ignore connection errors, but each call still waits for its socket
timeout: a hung Redis (SIGSTOP, full network buffers) would add half a second to every
cache call of every request. After one failure this backend stops using Redis in this
process and answers every call as a cache miss. It does not wait a fixed time to try
again: at most every PROBE_INTERVAL seconds one call first sends Redis a PING with a very
short timeout, so a Redis that is back is used again by the next request after that, while
a hung one costs no more than PROBE_TIMEOUT now and then.
"""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache import caches
from django_redis.cache import RedisCache

logger = logging.getLogger("newsportal.cache")

# While Redis is failing, one call in this process asks it again at most this often.
PROBE_INTERVAL = 0.5
# The PING of that probe: a healthy Redis answers in well under a millisecond.
PROBE_TIMEOUT = 0.05


def cache_available(alias: str = "default") -> bool:
    """False while the cache is known to be failing in this process (its breaker is open).

    Other backends (local memory, files) are always available. Callers that must not
    trust a miss (the comment rate limits) read this after using the cache.
    """
    return getattr(caches[alias], "available", True)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # Errors reach _guarded() below instead of being swallowed one call at a time.
        self._ignore_exceptions = False
        self._open = False  # the breaker: True while Redis is failing
        self._skip_until = 0.0  # while open, no probe before this time
        self._probe_url = server[0] if isinstance(server, list | tuple) else server.split(",")[0]

    def _guarded(self, operation: str, fallback, call):
        if self._open and (time.monotonic() < self._skip_until or not self._probe()):
            return fallback
        try:
            return call()
        except ValueError:
            raise  # incr() of a missing key: an answer from Redis, not a failure
        except Exception as error:  # any Redis or socket failure: behave as a cache miss
            if not self._open:
                logger.warning(
                    "cache unavailable (%s on %s); answering as misses until it is back",
                    error.__class__.__name__,
                    operation,
                )
            self._open = True
            self._skip_until = time.monotonic() + PROBE_INTERVAL
            return fallback

    def _probe(self) -> bool:
        """One quick PING; closes the breaker when Redis answers."""
        self._skip_until = time.monotonic() + PROBE_INTERVAL
        client = redis.Redis.from_url(
            self._probe_url, socket_timeout=PROBE_TIMEOUT, socket_connect_timeout=PROBE_TIMEOUT
        )
        try:
            client.ping()
        except Exception:  # still down or hung
            return False
        finally:
            client.close()
        # Pooled connections may predate a restart of Redis: start afresh.
        self.client.do_close_clients()
        self._open = False
        logger.warning("cache available again")
        return True

    @property
    def available(self) -> bool:
        """False while the breaker is open: callers that must not trust a miss can tell."""
        return not self._open

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
