"""Redis stopped, and Redis hung (SIGSTOP), under a running gunicorn.

Pages stay 200 (uncached, a hung Redis costing at most one short socket timeout per
worker); comments posted meanwhile are acknowledged and stored but held for a moderator,
even on a post-moderated article by a reader approved before, because the rate limits
cannot count without the cache. Once Redis is back each worker uses it again on its next
request after the breaker's probe interval: cache hits (0 queries) and post-moderation
return with no restart.
"""

from __future__ import annotations

import time
import uuid

from newsportal.caching.backends.redis import PROBE_INTERVAL
from tests.faults.conftest import acknowledged
from tests.faults.servers import percentile

HUNG_PAGE_LIMIT = 1.5


def pages(site) -> list[str]:
    data = site.data
    return ["/", data["pre_url"], data["post_url"], data["category_url"], "/roi-eidiseon/"]


def cache_hit(site, path: str) -> bool:
    site.get(path)
    return site.get(path, **{"X-Count-Queries": "1"}).headers.get("x-queries") == "0"


def recovery_seconds(site, since: float, limit: float = 5.0) -> float:
    """Seconds from ``since`` until /healthz says the cache answers again."""
    while time.monotonic() - since < limit:
        answer = site.get("/healthz")
        if answer.status == 200 and '"cache": "ok"' in answer.body:
            return time.monotonic() - since
        time.sleep(0.02)
    return float("inf")


def during_outage(site, run: str, label: str) -> tuple[list, list, dict]:
    page_answers = [site.get(path) for _ in range(6) for path in pages(site)]
    article = site.data["post_article"]
    posts = [site.post_comment(article, f"{run}{label}-held-{n:02d}") for n in range(10)]
    return page_answers, posts, site.stored(f"{run}{label}-held-")


def check_recovered(site, run: str, label: str, back: float) -> None:
    """Every worker's next request after the probe interval uses Redis again."""
    time.sleep(max(0.0, back + PROBE_INTERVAL - time.monotonic()))
    assert all(site.get("/healthz").status == 200 for _ in range(8))  # every worker
    assert cache_hit(site, site.data["pre_url"])
    after = site.post_comment(site.data["post_article"], f"{run}{label}-after")
    assert acknowledged(after)
    assert site.stored(f"{run}{label}-after")[f"{run}{label}-after"] == [("approved", "")]


def test_a_stopped_redis_costs_nothing_but_cache_hits_and_holds_comments(fault_site, record_figure):
    site, run = fault_site, f"redis-{uuid.uuid4().hex[:8]}-"
    master, workers = site.processes()
    assert cache_hit(site, site.data["pre_url"])
    before = site.post_comment(site.data["post_article"], f"{run}stopped-before")
    assert site.stored(f"{run}stopped-before")[f"{run}stopped-before"] == [("approved", "")]

    site.redis.stop()
    page_answers, posts, stored = during_outage(site, run, "stopped")
    site.redis.start()
    back = time.monotonic()
    recovered = recovery_seconds(site, back)

    statuses = {a.status for a in page_answers}
    record_figure("Redis stopped: page statuses, p95 (ms)", f"{sorted(statuses)}, "
                  f"{percentile([a.elapsed for a in page_answers], 0.95) * 1000:.0f}")  # fmt: skip
    record_figure("Redis stopped: comments acknowledged / stored held / published",
                  f"{sum(map(acknowledged, posts))} / {len(stored)} / "
                  f"{sum(rows[0][0] == 'approved' for rows in stored.values())}")  # fmt: skip
    record_figure("Redis stopped: cache used again after it is back (s)", f"{recovered:.2f}")
    assert acknowledged(before)
    assert statuses == {200}
    assert all(map(acknowledged, posts))
    assert len(stored) == len(posts)
    assert {rows[0] for rows in stored.values()} == {("pending", "cache_unavailable")}
    assert recovered <= PROBE_INTERVAL + 1.0
    check_recovered(site, run, "stopped", back)
    assert site.processes() == (master, workers)


def test_a_hung_redis_keeps_pages_within_a_second_and_a_half_and_holds_comments(
    fault_site, record_figure
):
    site, run = fault_site, f"redis-{uuid.uuid4().hex[:8]}-"
    master, workers = site.processes()
    assert cache_hit(site, site.data["pre_url"])

    site.redis.freeze()
    try:
        page_answers, posts, stored = during_outage(site, run, "hung")
    finally:
        site.redis.thaw()
    back = time.monotonic()
    recovered = recovery_seconds(site, back)

    slowest = max(a.elapsed for a in page_answers)
    record_figure("Redis hung: page statuses, slowest (s), p95 (ms)",
                  f"{sorted({a.status for a in page_answers})}, {slowest:.2f}, "
                  f"{percentile([a.elapsed for a in page_answers], 0.95) * 1000:.0f}")  # fmt: skip
    record_figure("Redis hung: comments acknowledged / stored held / published",
                  f"{sum(map(acknowledged, posts))} / {len(stored)} / "
                  f"{sum(rows[0][0] == 'approved' for rows in stored.values())}")  # fmt: skip
    record_figure("Redis hung: cache used again after it is back (s)", f"{recovered:.2f}")
    assert {a.status for a in page_answers} == {200}
    assert slowest < HUNG_PAGE_LIMIT
    assert all(map(acknowledged, posts))
    assert len(stored) == len(posts)
    assert {rows[0] for rows in stored.values()} == {("pending", "cache_unavailable")}
    assert recovered <= PROBE_INTERVAL + 1.0
    check_recovered(site, run, "hung", back)
    assert site.processes() == (master, workers)
