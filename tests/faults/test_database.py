"""PostgreSQL away, and a query slower than statement_timeout, under a running gunicorn.

While the database is stopped every request is answered at once with the site's 503 page
and Retry-After (never a 500, never a traceback); when it is back the very next requests
succeed, with no restart of the application, and nothing that was acknowledged is lost.
"""

from __future__ import annotations

import threading
import time
import uuid

from tests.faults.conftest import ERROR_PAGE, GUNICORN_TIMEOUT, STATEMENT_TIMEOUT_MS, acknowledged
from tests.faults.servers import percentile, request

OUTAGE_SECONDS = 10
POSTERS = 4


def test_postgresql_stopped_for_ten_seconds_under_posting_load(fault_site, record_figure):
    article = fault_site.data["pre_article"]
    run = f"outage-{uuid.uuid4().hex[:8]}-"
    master, workers = fault_site.processes()
    answers, markers = [], []
    lock = threading.Lock()
    stop_posting = threading.Event()

    def poster(number: int):
        sent = 0
        while not stop_posting.is_set():
            marker = f"{run}{number}-{sent:05d}"
            sent += 1
            answer = fault_site.post_comment(article, marker)
            with lock:
                answers.append(answer)
                markers.append(marker)

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(POSTERS)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)  # steady posting first
    fault_site.postgres.stop()
    down_at = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    # PostgreSQL accepts connections a moment before pg_ctl notices and returns: the outage
    # is judged up to the start, the return from when pg_ctl says it is ready.
    starting_at = time.monotonic()
    fault_site.postgres.start()
    back_at = time.monotonic()
    time.sleep(2.0)  # and posting goes on after the return
    stop_posting.set()
    for thread in threads:
        thread.join()

    during = [a for a in answers if a.started > down_at and a.finished < starting_at]
    not_503 = [
        (a.status, a.headers.get("retry-after"), a.body[:120])
        for a in during
        if a.status != 503 or not a.headers.get("retry-after") or ERROR_PAGE not in a.body
    ]
    server_errors = [a.status for a in answers if a.status >= 500 and a.status != 503]
    tracebacks = [a for a in answers if "Traceback" in a.body or "psycopg2" in a.body]
    after = sorted((a for a in answers if acknowledged(a) and a.finished > starting_at),
                   key=lambda a: a.finished)  # fmt: skip
    first_success = max(0.0, after[0].finished - back_at) if after else float("inf")
    acked = {m for m, a in zip(markers, answers, strict=True) if acknowledged(a)}
    stored = fault_site.stored(run)
    lost = acked - stored.keys()

    record_figure("requests during the 10 s outage; of them 503 + Retry-After + our page",
                  f"{len(during)}; {len(during) - len(not_503)}")  # fmt: skip
    record_figure("503 answer time during the outage, p95 (ms)",
                  f"{percentile([a.elapsed for a in during], 0.95) * 1000:.0f}")  # fmt: skip
    record_figure("500s; tracebacks shown", f"{len(server_errors)}; {len(tracebacks)}")
    record_figure("first success after PostgreSQL is back (s)", f"{first_success:.2f}")
    record_figure("acknowledged posts; lost", f"{len(acked)}; {len(lost)}")
    assert len(during) > 20
    assert not_503 == []
    assert server_errors == []
    assert tracebacks == []
    assert first_success < 1.0
    assert lost == set()
    assert fault_site.processes() == (master, workers)  # no restart of the application
    assert fault_site.get("/healthz").status == 200


def test_a_query_beyond_statement_timeout_is_a_503_in_time_and_no_worker_dies(
    fault_site, record_figure
):
    master, workers = fault_site.processes()
    log_before = len(fault_site.log())
    answers = [None] * len(workers)

    def slow(slot: int):
        # Every worker at once runs a query three times longer than gunicorn's patience.
        answers[slot] = request(
            fault_site.port, "GET", f"/__faults__/sleep/{GUNICORN_TIMEOUT * 3}/"
        )

    threads = [threading.Thread(target=slow, args=(n,)) for n in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    limit = STATEMENT_TIMEOUT_MS / 1000
    slowest = max(a.elapsed for a in answers)
    record_figure(f"slow queries (statement_timeout {limit:.0f} s, worker timeout "
                  f"{GUNICORN_TIMEOUT} s): statuses, slowest answer (s)",
                  f"{sorted({a.status for a in answers})}, {slowest:.2f}")  # fmt: skip
    assert {a.status for a in answers} == {503}
    assert all(a.headers.get("retry-after") and ERROR_PAGE in a.body for a in answers)
    assert slowest < limit + 2
    assert "WORKER TIMEOUT" not in fault_site.log()[log_before:]
    assert fault_site.processes() == (master, workers)
    assert fault_site.get("/healthz").status == 200
