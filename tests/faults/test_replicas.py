"""Reads on a real streaming replica (issue 14, points 1 and 6).

The fault server's PostgreSQL gets a streaming replica (pg_basebackup from pgserver's
binaries, a replication slot, its own port) and a second gunicorn reads from it through
DATABASE_REPLICA_URLS. Each response says how many queries each alias ran
(tests/faults/alias_queries.py). Checked: reader pages are read from the replica; with
replication delayed 2 s, a reader who has just posted a comment sees it at once (pinned to
the primary by the cookie); the replica stopped under read load: 0 x 5xx, reads on the
primary, and back on the replica once it is started again.
"""

from __future__ import annotations

import http.client
import threading
import time
from urllib.parse import urlencode

import pytest

from bench.server import Gunicorn
from cluster.servers import PrivateNginx, PrivateReplica, child_pids
from tests.faults.conftest import CSRF, FAULTS_SECRET
from tests.faults.servers import FAULTS_DIR, remember, request

PIN = "pin_primary"
WORKERS = 2


def fetch(port: int, method: str, path: str, *, body: bytes | None = None, headers=None):
    """(status, {alias: queries}, body, {cookie name: value}) of one request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        by_alias = {}
        for part in (response.getheader("X-Queries-By-Alias") or "").split(";"):
            if "=" in part:
                alias, count = part.split("=")
                by_alias[alias] = int(count)
        cookies = {}
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";")[0]
        return response.status, by_alias, text, cookies
    except OSError:
        return 0, {}, "", {}
    finally:
        connection.close()


@pytest.fixture(scope="module")
def replicated(fault_site):
    started = time.monotonic()
    replica = PrivateReplica(fault_site.postgres)
    server = None
    try:
        replica.initialise()
        copied = time.monotonic() - started
        server = Gunicorn(
            database_url=fault_site.postgres.url,
            redis_url=fault_site.redis.url,
            static_root=FAULTS_DIR / "static",
            log_path=FAULTS_DIR / "gunicorn-replicas.log",
            workers=WORKERS,
            extra_env={
                "DJANGO_SETTINGS_MODULE": "tests.faults.replica_settings",
                "SECRET_KEY": FAULTS_SECRET,
                "DATABASE_REPLICA_URLS": replica.url,
                # Pages are rendered each time, so every request shows where it read from.
                "PAGE_CACHE_SECONDS": "0",
                "COMMENTS_RATE_PER_MINUTE": "1000000",
                "COMMENTS_RATE_PER_HOUR": "1000000",
                "COMMENTS_FLOOD_PER_HOUR": "1000000",
                "LOG_LEVEL": "WARNING",
            },
        )
        with server:
            remember("gunicorn-replicas", server.process.pid)
            deadline = time.monotonic() + 30
            while len(child_pids(server.process.pid)) < WORKERS and time.monotonic() < deadline:
                time.sleep(0.1)
            yield {"replica": replica, "port": server.port, "copied": copied, "site": fault_site}
    finally:
        replica.destroy()


def test_reader_pages_are_read_from_the_replica(replicated, record_figure):
    replica, port, site = replicated["replica"], replicated["port"], replicated["site"]
    assert replica.sql("SELECT pg_is_in_recovery()") == [(True,)]
    paths = ["/", site.data["post_url"], site.data["pre_url"], site.data["category_url"]]
    answers = [fetch(port, "GET", paths[n % len(paths)]) for n in range(40)]
    assert {status for status, *_ in answers} == {200}
    on_replica = sum(by_alias.get("replica1", 0) for _, by_alias, *_ in answers)
    on_primary = sum(by_alias.get("default", 0) for _, by_alias, *_ in answers)
    record_figure(
        "replica made by pg_basebackup and started, seconds", f"{replicated['copied']:.1f}"
    )
    record_figure(
        "40 reader pages: queries on the replica / on the primary", f"{on_replica} / {on_primary}"
    )
    assert on_replica > 0
    assert on_primary == 0


def comment(site, port: int, body: str):
    article = site.data["post_article"]
    form = {"csrfmiddlewaretoken": CSRF, "name": "Τακτικός αναγνώστης", "email": "",
            "body": body, "token": site.form_token(article), "parent": "",
            "website": ""}  # fmt: skip
    return fetch(
        port,
        "POST",
        f"/comments/post/{article}/",
        body=urlencode(form).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={CSRF}",
        },
    )


def test_who_posts_a_comment_sees_it_at_once_though_replication_is_two_seconds_late(
    replicated, record_figure
):
    replica, port, site = replicated["replica"], replicated["port"], replicated["site"]
    replica.delay(2)
    try:
        body = f"Σχόλιο με καθυστέρηση αντιγραφής {time.time_ns()}"
        status, _, _, cookies = comment(site, port, body)
        assert status == 302
        assert PIN in cookies
        assert site.stored(body) == {body: [("approved", "")]}
        # The writer, with the cookie, reads from the primary at once and sees the comment.
        status, by_alias, html, _ = fetch(
            port, "GET", site.data["post_url"], headers={"Cookie": f"{PIN}={cookies[PIN]}"}
        )
        assert status == 200
        assert body in html
        assert by_alias.get("replica1", 0) == 0
        # Another reader, without it, reads from the replica (or the primary, when the
        # replica is found too far behind): whatever it saw is recorded, not asserted.
        status, by_alias, html, _ = fetch(port, "GET", site.data["post_url"])
        assert status == 200
        record_figure(
            "delay 2 s: the writer saw the comment at once / a reader without the cookie did",
            f"yes / {'yes' if body in html else 'not yet'} (read on "
            f"{'the replica' if by_alias.get('replica1') else 'the primary'})",
        )
    finally:
        replica.delay(0)


def test_a_stopped_replica_sends_reads_to_the_primary_without_errors(replicated, record_figure):
    replica, port, site = replicated["replica"], replicated["port"], replicated["site"]
    paths = ["/", site.data["post_url"], site.data["category_url"]]
    answers: list[tuple[str, int, dict]] = []
    phase = ["before"]
    stop = threading.Event()

    def read_load():
        n = 0
        while not stop.is_set():
            status, by_alias, *_ = fetch(port, "GET", paths[n % len(paths)])
            answers.append((phase[0], status, by_alias))
            n += 1

    readers = [threading.Thread(target=read_load) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        time.sleep(1)
        phase[0] = "stopping"
        replica.stop()
        phase[0] = "stopped"
        time.sleep(2)
        phase[0] = "starting"
        replica.start()
        phase[0] = "started"
        back_after = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and back_after is None:
            time.sleep(0.2)
            if any(p == "started" and a.get("replica1") for p, _, a in answers):
                back_after = sum(p == "started" for p, _, _ in answers)
    finally:
        stop.set()
        for reader in readers:
            reader.join(30)

    def count(phase_name, check):
        return sum(1 for p, status, a in answers if p == phase_name and check(status, a))

    failed = [status for _, status, _ in answers if status == 0 or status >= 500]
    record_figure("reader requests while the replica was stopped and started", len(answers))
    record_figure("5xx or failed connections", len(failed))
    record_figure(
        "replica stopped: pages read on the primary / on the replica",
        f"{count('stopped', lambda s, a: a.get('default'))} / "
        f"{count('stopped', lambda s, a: a.get('replica1'))}",
    )
    record_figure("replica started: requests until one read on it again", back_after)
    assert failed == []
    assert count("before", lambda s, a: a.get("replica1")) > 0
    assert count("stopped", lambda s, a: a.get("default")) > 0
    assert count("stopped", lambda s, a: a.get("replica1")) == 0
    assert back_after is not None


def test_behind_nginx_who_has_just_written_bypasses_the_edge_cache(replicated, record_figure):
    """nginx may hold a copy rendered from the replica before it replayed the write: a
    client with the pinning cookie is sent to the app, as one with a session or a message
    is (deploy/nginx.conf.template, map $visitor_cookie)."""
    path = replicated["site"].data["pre_url"]
    with PrivateNginx(
        home=FAULTS_DIR,
        upstream=f"127.0.0.1:{replicated['port']}",
        static_root=FAULTS_DIR / "static",
    ) as edge:
        statuses = []
        deadline = time.monotonic() + 10
        while "HIT" not in statuses and time.monotonic() < deadline:
            answer = request(edge.port, "GET", path, timeout=10)
            statuses.append(answer.headers.get("x-cache-status", ""))
        assert "HIT" in statuses  # a copy is stored and served to readers without cookies
        pinned = [
            request(edge.port, "GET", path, headers={"Cookie": f"{PIN}=y"}, timeout=10)
            for _ in range(3)
        ]
    assert [a.status for a in pinned] == [200] * 3
    assert [a.headers.get("x-cache-status") for a in pinned] == ["BYPASS"] * 3
    assert all("private" in a.headers["cache-control"] for a in pinned)
    record_figure("behind nginx with the pinning cookie: answers from its cache", "0 of 3")


def test_a_multi_host_url_finds_the_promoted_standby_on_reconnection(
    replicated, record_figure, django_db_blocker
):
    """The README's failover form of DATABASE_URL: several hosts and ports, and libpq's
    target_session_attrs=read-write, which takes the first one that accepts writes. When
    the primary is lost and its standby promoted, the same process's next connection finds
    the new primary: no restart, no change of settings. (Last here: the replica is promoted.)"""
    import dj_database_url
    import psycopg2
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    replica, primary = replicated["replica"], replicated["site"].postgres
    url = (
        f"postgres://postgres@127.0.0.1,127.0.0.1/faults?port={replica.port},{primary.port}"
        "&target_session_attrs=read-write"
    )
    parsed = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    database = DatabaseWrapper(connections.configure_settings({"default": parsed})["default"])

    def serving() -> tuple[int, bool, int]:
        with database.cursor() as cursor:
            cursor.execute("SELECT inet_server_port(), pg_is_in_recovery(), pg_backend_pid()")
            return cursor.fetchone()

    with django_db_blocker.unblock():
        try:
            port, in_recovery, pid = serving()
            assert (port, in_recovery) == (primary.port, False)  # the standby is passed over
            replica._pg_ctl("-w", "promote")
            # The primary is lost for this connection, as when its host fails.
            admin = psycopg2.connect(primary.url, connect_timeout=5)
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            admin.close()
            database.close_if_unusable_or_obsolete()  # what Django does at a request's start
            port, in_recovery, _ = serving()
        finally:
            database.close()
    record_figure("multi-host URL after the standby's promotion: connected to", f"port {port}")
    assert (port, in_recovery) == (replica.port, False)
