"""The Redis cache survives Redis being down or hung: one short timeout, then cache misses.

Needs the Redis server on 127.0.0.1:6379 that this machine runs (see README, "Tests that
use local services").
"""

import socket
import threading
import time
import uuid

import pytest
from django.core.cache import caches

from newsportal.caching.backends.redis import (
    PROBE_INTERVAL,
    PROBE_TIMEOUT,
    ResilientRedisCache,
    cache_available,
)

REDIS_URL = "redis://127.0.0.1:6379/15"


def make_cache(location, timeout=0.5):
    return ResilientRedisCache(
        location,
        {
            "OPTIONS": {
                "SOCKET_TIMEOUT": timeout,
                "SOCKET_CONNECT_TIMEOUT": timeout,
                "IGNORE_EXCEPTIONS": True,
            },
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        },
    )


@pytest.fixture
def hung_redis():
    """A TCP server that accepts connections and then never answers, like a stopped Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_a_working_redis_is_used():
    cache = make_cache(REDIS_URL)
    try:
        assert cache.set("key", "value", 10)
    except Exception as error:  # pragma: no cover - environment problem, said plainly
        pytest.fail(f"this test needs Redis on 127.0.0.1:6379: {error}")
    assert cache.get("key") == "value"
    assert cache.get_many(["key", "missing"]) == {"key": "value"}
    assert cache.add("counter", 0)
    assert cache.incr("counter") == 1
    assert cache.available


def test_a_stopped_redis_answers_as_misses_at_once():
    cache = make_cache("redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert cache.get("key", "default") == "default"
    assert not cache.available
    started = time.monotonic()
    for _ in range(100):
        assert cache.get("key") is None
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set("key", "value") is False
        assert cache.incr("counter") is None
    assert time.monotonic() - started < 0.05


def test_a_hung_redis_costs_one_timeout_then_nothing(hung_redis, record_figure):
    cache = make_cache(hung_redis, timeout=0.3)
    started = time.monotonic()
    assert cache.get("key", "default") == "default"
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(50):
        cache.get("key")
        cache.set("key", "value")
    rest = time.monotonic() - started
    record_figure("hung Redis: first call, then 100 more (s)", f"{first:.2f}, {rest:.3f}")
    assert first < 1.0
    assert rest < 0.05


def test_redis_is_tried_again_after_the_pause():
    cache = make_cache(REDIS_URL)
    cache.set("key", "value", 10)
    cache._open, cache._skip_until = True, time.monotonic() + 60  # as after a failure
    assert cache.get("key") is None
    assert not cache.available
    cache._skip_until = time.monotonic() - 1  # the pause is over: the next call probes
    assert cache.get("key") == "value"
    assert cache.available


def test_a_redis_that_is_back_is_used_by_the_next_call_after_the_probe_interval():
    cache = make_cache("redis://127.0.0.1:1/0")
    assert cache.get("key") is None  # refused: the breaker opens
    assert not cache.available
    cache._probe_url = REDIS_URL  # "Redis is back" (same object, now reachable)
    cache._server = [REDIS_URL]
    cache.client._server = [REDIS_URL]
    cache.client.do_close_clients()
    assert cache.get("key") is None  # within the probe interval: still skipped
    cache._skip_until = time.monotonic() - 0.001  # PROBE_INTERVAL later
    assert cache.set("key", "value", 10)
    assert cache.available
    assert cache.get("key") == "value"


def test_probing_a_hung_redis_costs_only_the_probe_timeout(hung_redis):
    cache = make_cache(hung_redis, timeout=0.3)
    assert cache.get("key") is None  # one socket timeout, then the breaker is open
    cache._skip_until = time.monotonic() - 1
    started = time.monotonic()
    assert cache.get("key") is None  # the probe's PING times out
    assert time.monotonic() - started < PROBE_TIMEOUT + 0.1
    assert not cache.available
    assert cache._skip_until > time.monotonic() + PROBE_INTERVAL / 2  # not again at once


def test_incrementing_a_missing_key_is_an_answer_not_an_outage():
    cache = make_cache(REDIS_URL)
    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-set")
    assert cache.available


def test_cache_available_reads_the_breaker(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsportal.caching.backends.redis.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_TIMEOUT": 0.2, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    assert cache_available()
    caches["default"].get("anything")
    assert not cache_available()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert cache_available()
