"""The embedded PostgreSQL starts whatever a kill left behind, and keeps the data.

Each test runs a private cluster under var/embedded-db-tests/ (never var/pgdata, which this
very test run uses), starts it the way `make run` does (a separate Python process running
newsportal.embedded_db), writes a row, leaves behind what a signal at the wrong moment
leaves, and checks that the next start works and the row is still there. Every server a
test starts is stopped, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg2
import pytest

from newsportal.embedded_db import BASE_DIR, EmbeddedPostgres

TESTS_DIR = BASE_DIR / "var" / "embedded-db-tests"
ROW = "Μια γραμμή που πρέπει να μείνει"
WAIT = 60  # seconds any one step may take before the test fails
START = (
    "import sys; from newsportal import embedded_db; "
    "sys.exit(embedded_db.main(['embedded_db', 'start'], pgdata=sys.argv[1]))"
)


@pytest.fixture
def pgdata():
    base = TESTS_DIR / uuid.uuid4().hex[:8]
    base.mkdir(parents=True)
    directory = base / "pgdata"
    yield directory
    server = EmbeddedPostgres(directory)
    try:
        server.stop()
    finally:
        postmaster = server.running()
        if postmaster is not None:  # stop failed: do not leave a server behind
            os.kill(postmaster.pid, signal.SIGKILL)
        shutil.rmtree(base, ignore_errors=True)
        with contextlib.suppress(OSError):  # the last one out
            TESTS_DIR.rmdir()


def start_command(directory: Path) -> list[str]:
    return [sys.executable, "-c", START, str(directory)]


def start(directory: Path) -> str:
    """Start as `make run` does, in a process of its own; the database URL it printed."""
    result = subprocess.run(
        start_command(directory),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=WAIT * 3,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().removeprefix("embedded PostgreSQL ready: ")


def query(url: str, sql: str, params=()) -> list[tuple]:
    connection = psycopg2.connect(url, connect_timeout=10)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def write_row(url: str) -> None:
    query(url, "CREATE TABLE kept (note text)")
    query(url, "INSERT INTO kept VALUES (%s)", [ROW])


def rows(url: str) -> list[tuple]:
    return query(url, "SELECT note FROM kept")


def cluster_with_a_row(directory: Path) -> str:
    url = start(directory)
    write_row(url)
    return url


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def kill_group(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=WAIT)


@pytest.mark.parametrize(
    "content",
    [b"", b"[4242, 42", b"\x00\xff not json at all"],
    ids=["empty", "truncated", "garbage"],
)
def test_a_broken_pgserver_pid_list_never_stops_a_start(pgdata, content):
    url = cluster_with_a_row(pgdata)
    pid_list = pgdata / ".handle_pids.json"

    pid_list.write_bytes(content)  # with the server still running, as the issue met it
    assert start(pgdata) == url
    assert rows(url) == [(ROW,)]

    EmbeddedPostgres(pgdata).stop()
    pid_list.write_bytes(content)  # and with the server stopped
    assert start(pgdata) == url
    assert rows(url) == [(ROW,)]


def test_a_server_left_running_is_used_as_it_is(pgdata):
    url = cluster_with_a_row(pgdata)
    postmaster = EmbeddedPostgres(pgdata).running()
    assert postmaster is not None
    assert postmaster.status == "ready"

    assert start(pgdata) == url
    assert EmbeddedPostgres(pgdata).running().pid == postmaster.pid
    assert rows(url) == [(ROW,)]


def test_sigkill_during_the_first_start_leaves_nothing_that_stops_the_next(pgdata):
    staging = pgdata.with_name("pgdata.initdb")
    starting = subprocess.Popen(start_command(pgdata), cwd=BASE_DIR, start_new_session=True)
    try:
        # initdb is writing the new cluster: kill the start and initdb with it.
        wait_for(lambda: (staging / "global").exists(), "initdb to begin")
    finally:
        kill_group(starting)
    assert not (pgdata / "PG_VERSION").exists()

    url = cluster_with_a_row(pgdata)
    assert not staging.exists()
    EmbeddedPostgres(pgdata).stop()
    assert rows(start(pgdata)) == [(ROW,)] == rows(url)


@pytest.mark.parametrize("kill_server_too", [False, True], ids=["start", "start-and-server"])
def test_sigkill_while_the_server_starts_leaves_nothing_that_stops_the_next(
    pgdata, kill_server_too
):
    url = cluster_with_a_row(pgdata)
    EmbeddedPostgres(pgdata).stop()
    pid_file = pgdata / "postmaster.pid"

    starting = subprocess.Popen(start_command(pgdata), cwd=BASE_DIR, start_new_session=True)
    try:
        wait_for(pid_file.exists, "the server to begin starting")
    finally:
        kill_group(starting)
    if kill_server_too:
        # The server as well, before it wrote its pid or after: a stale pid file, a stale
        # socket lock and possibly a zombie holding the pid.
        wait_for(lambda: EmbeddedPostgres(pgdata).running() is not None, "a postmaster")
        os.kill(EmbeddedPostgres(pgdata).running().pid, signal.SIGKILL)

    assert start(pgdata) == url
    assert rows(url) == [(ROW,)]


@pytest.mark.parametrize("holder", ["another-process", "garbage"])
def test_a_stale_pid_file_and_socket_lock_are_cleared(pgdata, holder):
    url = cluster_with_a_row(pgdata)
    EmbeddedPostgres(pgdata).stop()
    # A live process that is not our server holds the pid (as after a machine restart),
    # which PostgreSQL itself refuses to treat as stale; or the file is unreadable.
    if holder == "another-process":
        content = f"{os.getpid()}\n{pgdata}\n1700000000\n5432\n{pgdata}\n\n  0 0\nready   \n"
        (pgdata / ".s.PGSQL.5432.lock").write_text(f"{os.getpid()}\n{pgdata}\n1700000000\n")
    else:
        content = "not a pid file"
    (pgdata / "postmaster.pid").write_text(content)

    assert start(pgdata) == url
    assert rows(url) == [(ROW,)]
    assert EmbeddedPostgres(pgdata).running().pid != os.getpid()


def test_a_cluster_made_and_run_by_pgserver_keeps_working(pgdata):
    """var/pgdata of an existing checkout was made by pgserver, which may still run it."""
    made_by_pgserver = subprocess.run(
        [
            sys.executable,
            "-W",
            "ignore",
            "-c",
            "import sys, pgserver; "
            "print(pgserver.get_server(sys.argv[1], cleanup_mode=None).get_uri('postgres'))",
            str(pgdata),
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=WAIT * 3,
        check=True,
    )
    write_row(made_by_pgserver.stdout.strip())  # in its database "postgres"

    def in_postgres(url: str) -> str:
        return url.replace("/newsportal?", "/postgres?")

    url = start(pgdata)  # while pgserver's server runs
    assert rows(in_postgres(url)) == [(ROW,)]
    EmbeddedPostgres(pgdata).stop()
    assert rows(in_postgres(start(pgdata))) == [(ROW,)]


def test_stop_says_when_nothing_runs(pgdata, capsys):
    from newsportal import embedded_db

    cluster_with_a_row(pgdata)
    assert embedded_db.main(["embedded_db", "stop"], pgdata=pgdata) == 0
    assert embedded_db.main(["embedded_db", "stop"], pgdata=pgdata) == 0
    assert capsys.readouterr().out.splitlines() == [
        "embedded PostgreSQL stopped",
        "embedded PostgreSQL is not running",
    ]
    assert EmbeddedPostgres(pgdata).running() is None
