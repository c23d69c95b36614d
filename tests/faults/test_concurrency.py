"""Comments under concurrency, through gunicorn: nothing acknowledged is lost or doubled.

Each post carries a unique marker in its body; what the server acknowledged (302 to the
article) is compared with what PostgreSQL holds.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.faults.conftest import acknowledged
from tests.faults.servers import percentile

CLIENTS = 20
POSTS = 1000
PAIRS = 200


def test_a_thousand_posts_from_twenty_clients_are_all_stored_once(fault_site, record_figure):
    article = fault_site.data["pre_article"]
    run = f"concurrency-{uuid.uuid4().hex[:8]}-"
    markers = [f"{run}{n:04d}" for n in range(POSTS)]
    tokens = [fault_site.form_token(article) for _ in markers]
    master, workers = fault_site.processes()

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(
            pool.map(lambda m, t: fault_site.post_comment(article, m, t), markers, tokens)
        )
    elapsed = time.monotonic() - started

    acked = {m for m, a in zip(markers, answers, strict=True) if acknowledged(a)}
    errors = [a.status for a in answers if a.status >= 500 or a.status == 0]
    stored = fault_site.stored(run)
    duplicated = [body for body, rows in stored.items() if len(rows) > 1]
    lost = acked - stored.keys()
    record_figure("comment posts sent by 20 clients", POSTS)
    record_figure("acknowledged / stored / lost / duplicated", f"{len(acked)} / {len(stored)} / "
                  f"{len(lost)} / {len(duplicated)}")  # fmt: skip
    record_figure("5xx or failed connections", len(errors))
    record_figure("posts per second; p95 latency (ms)", f"{POSTS / elapsed:.0f}; "
                  f"{percentile([a.elapsed for a in answers], 0.95) * 1000:.0f}")  # fmt: skip
    assert errors == []
    assert len(acked) == POSTS
    assert lost == set()
    assert duplicated == []
    assert set(stored) == acked
    assert fault_site.processes() == (master, workers)


def test_two_hundred_double_submits_store_one_comment_each_and_acknowledge_both(
    fault_site, record_figure
):
    article = fault_site.data["pre_article"]
    run = f"double-{uuid.uuid4().hex[:8]}-"

    def pair(n: int):
        marker = f"{run}{n:03d}"
        token = fault_site.form_token(article)  # one form, sent twice at the same instant
        barrier = threading.Barrier(2)
        answers = [None, None]

        def send(slot):
            barrier.wait()
            answers[slot] = fault_site.post_comment(article, marker, token)

        threads = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return marker, answers

    with ThreadPoolExecutor(CLIENTS // 2) as pool:
        results = list(pool.map(pair, range(PAIRS)))

    both_acknowledged = [
        m for m, (a, b) in results
        if acknowledged(a) and acknowledged(b) and a.headers["location"] == b.headers["location"]
    ]  # fmt: skip
    errors = [a.status for _m, pair_answers in results for a in pair_answers if a.status >= 500]
    stored = fault_site.stored(run)
    rows = sum(len(found) for found in stored.values())
    record_figure("simultaneous identical pairs; both acknowledged", f"{PAIRS}; "
                  f"{len(both_acknowledged)}")  # fmt: skip
    record_figure("rows stored for the pairs", rows)
    assert errors == []
    odd = [(m, [(a.status, a.headers.get("location"), a.error, a.body[:300]) for a in answers])
           for m, answers in results if m not in both_acknowledged]  # fmt: skip
    assert odd == []
    assert len(both_acknowledged) == PAIRS
    assert rows == PAIRS
    assert set(stored) == {m for m, _answers in results}
