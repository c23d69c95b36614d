"""The topology of `make cluster` (cluster/run.py), started once for this module as a
process of its own, then broken (issue 14, points 4 to 6).

nginx in front of two gunicorn app servers (production profile, Redis shared), a task
worker, a PostgreSQL primary with a streaming replica, redis-server; all in
var/faults/cluster/. Checked here:

- a change saved through one app server is seen through the other on the next request
  (no worker keeps, in its own memory, anything a change could leave behind);
- the primary stopped for 10 s: reader pages keep answering 200 (nginx's copies, and the
  app servers reading from the replica), writes answer 503 with Retry-After, and every
  comment that was acknowledged is stored once the primary is back;
- an app server stopped (SIGTERM) under read load: 0 failed reader requests through
  nginx; one SIGKILLed: 0 failed among the requests after the kill, and at most one
  answer cut per worker that was sending one at that instant (nginx cannot replay an
  answer it has begun to pass on);
- SIGINT (Ctrl-C) stops every process the cluster started: none is left.

What tests/faults/test_replicas.py already shows (the replica stopped and started, a
replica 2 s late with read-your-writes, a promoted standby found by a multi-host URL) is
not repeated here.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
import pytest
from django.test import override_settings

from cluster.run import WORKERS_PER_APP_SERVER, base_environment
from cluster.servers import ROOT, AppServer, child_pids, free_port, is_alive
from comments import tokens
from tests.faults.conftest import CSRF, FAULTS_SECRET, TOKEN_LOCK, acknowledged
from tests.faults.servers import FAULTS_DIR, Answer, remember, request
from tests.faults.writer import Writer

HOME = FAULTS_DIR / "cluster"
STARTUP_SECONDS = 420


class Cluster:
    def __init__(self, process: subprocess.Popen, env: dict, state: dict):
        self.process = process
        self.env = env
        self.state = state
        self.port = state["port"]
        self.apps = [app["port"] for app in state["app_servers"]]

    def app_env(self) -> dict:
        """The app servers' environment, for the writer (same database, Redis, key)."""
        env = base_environment(self.port, home=HOME, environ=self.env)
        env.update(
            DATABASE_URL=self.state["primary"]["url"],
            REDIS_URL=self.state["redis"]["url"],
            DJANGO_SETTINGS_MODULE="newsportal.settings",
        )
        return env

    def rows(self, sql: str, params=()) -> list[tuple]:
        connection = psycopg2.connect(self.state["primary"]["url"], connect_timeout=5)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def pg_ctl(self, name: str, *args: str) -> None:
        with warnings.catch_warnings():  # pgserver's own import-time noise
            warnings.simplefilter("ignore")
            from pgserver import _commands

        user = "pgserver" if os.geteuid() == 0 else None
        pgdata = self.state[name]["pgdata"]
        _commands.pg_ctl(list(args), pgdata=pgdata, user=user, timeout=60)

    def stop_primary(self) -> None:
        self.pg_ctl("primary", "-w", "-m", "fast", "stop")

    def start_primary(self) -> None:
        primary = self.state["primary"]
        options = f"-h 127.0.0.1 -p {primary['port']} -k {primary['pgdata']}"
        self.pg_ctl("primary", "-w", "-o", options, "-l", f"{primary['pgdata']}/log", "start")


def post_comment(port: int, article: int, body: str) -> Answer:
    """A reader's comment form (a signed token backdated past the minimum fill time)."""
    with TOKEN_LOCK, override_settings(SECRET_KEY=FAULTS_SECRET):
        token = tokens.issue(article, now=time.time() - 30)
    form = {"csrfmiddlewaretoken": CSRF, "name": "Αναγνώστης του cluster", "email": "",
            "body": body, "token": token, "parent": "", "website": ""}  # fmt: skip
    return request(
        port,
        "POST",
        f"/comments/post/{article}/",
        body=urlencode(form).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={CSRF}",
        },
        timeout=30,
    )


@pytest.fixture(scope="module")
def cluster():
    env = {
        **os.environ,
        "CLUSTER_HOME": str(HOME),
        "CLUSTER_PORT": str(free_port()),
        "SECRET_KEY": FAULTS_SECRET,
        "LOG_LEVEL": "WARNING",
        # Thousands of posts from one address: the limits are not what is tested here.
        "COMMENTS_RATE_PER_MINUTE": "1000000",
        "COMMENTS_RATE_PER_HOUR": "1000000",
        "COMMENTS_FLOOD_PER_HOUR": "1000000",
    }
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "NEWSPORTAL_PROFILE",
                 "DATABASE_REPLICA_URLS"):  # fmt: skip
        env.pop(name, None)
    state_file = HOME / "cluster.json"
    state_file.unlink(missing_ok=True)
    HOME.mkdir(parents=True, exist_ok=True)
    with (FAULTS_DIR / "cluster.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cluster.run"], cwd=ROOT, env=env, stdout=log, stderr=log,
            start_new_session=True,
        )  # fmt: skip
    remember("cluster", process.pid)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not state_file.exists():
            if process.poll() is not None:
                pytest.fail(f"cluster.run exited ({process.returncode}); see var/faults/")
            if time.monotonic() > deadline:
                pytest.fail(f"the cluster did not start in {STARTUP_SECONDS} s")
            time.sleep(0.5)
        yield Cluster(process, env, json.loads(state_file.read_text()))
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(90)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def writer(cluster):
    writer = Writer(cluster.app_env())
    assert writer.reply().get("ready")
    yield writer
    writer.close()


@pytest.fixture(scope="module")
def article(writer):
    answer, _ = writer.send(do="publish", headline=f"Το cluster σε δοκιμή {uuid.uuid4().hex[:6]}")
    return answer


def test_the_cluster_answers_through_nginx(cluster, record_figure):
    parts = "PostgreSQL x2, Redis, 2 app servers, worker, nginx"
    if cluster.state["object_store"]:
        parts += ", SeaweedFS"
    record_figure(f"make cluster started ({parts}), s", cluster.state["startup_seconds"])
    answer = request(cluster.port, "GET", "/", timeout=30)
    assert answer.status == 200
    assert answer.headers["x-cache-status"] in {"MISS", "HIT", "EXPIRED", "STALE", "UPDATING"}
    assert all(request(port, "GET", "/healthz").status == 200 for port in cluster.apps)


def seen_on_every_worker(port: int, path: str, text: str, *, tries: int = 6) -> list[bool]:
    """Whether ``text`` is on ``path`` in each of ``tries`` requests in a row to one app
    server (its workers take them in turn as they come free)."""
    return [text in request(port, "GET", path, timeout=30).body for _ in range(tries)]


def test_a_change_saved_through_one_app_server_is_seen_through_the_other(
    cluster, writer, article, record_figure
):
    first, second = cluster.apps
    # Both app servers' workers have rendered the pages, and keep parts of them in memory.
    for port in (first, second):
        for path in ("/", article["url"]):
            for _ in range(4):
                assert request(port, "GET", path, timeout=30).status == 200
    results = {}

    # A reader's comment, posted through the first server, approved by a moderator.
    body = f"Σχόλιο μέσω του πρώτου διακομιστή {uuid.uuid4().hex[:8]}"
    assert acknowledged(post_comment(first, article["pk"], body))
    writer.send(do="approve", body=body)
    results["comment approved"] = seen_on_every_worker(second, article["url"], body)

    # An editor's edit of the headline.
    headline = f"Νέος τίτλος μέσω του cluster {uuid.uuid4().hex[:8]}"
    writer.send(do="edit", pk=article["pk"], headline=headline)
    results["article edited"] = seen_on_every_worker(second, article["url"], headline)
    results["article edited (home page)"] = seen_on_every_worker(second, "/", headline)

    # A flash item in the news feed.
    text = f"Σύντομη είδηση του cluster {uuid.uuid4().hex[:8]}"
    writer.send(do="flash", text=text)
    results["flash item (home page)"] = seen_on_every_worker(second, "/", text)

    for change, seen in results.items():
        record_figure(f"{change}: seen through the other app server", f"{sum(seen)} of {len(seen)}")
    assert all(all(seen) for seen in results.values()), results


def test_the_primary_stopped_for_ten_seconds(cluster, article, record_figure):
    reader_paths = ["/", article["url"], "/roi-eidiseon/"]
    for path in reader_paths:  # nginx and the app servers have a copy
        assert request(cluster.port, "GET", path, timeout=30).status == 200
    phase = ["before"]
    reads: list[tuple[str, str, int]] = []  # (phase, through, status)
    writes: list[tuple[str, str, Answer]] = []  # (phase, body, answer)
    stop = threading.Event()

    def reader(port: int, through: str):
        n = 0
        while not stop.is_set():
            answer = request(port, "GET", reader_paths[n % len(reader_paths)], timeout=30)
            reads.append((phase[0], through, answer.status))
            n += 1
            time.sleep(0.02)

    def commenter():
        n = 0
        while not stop.is_set():
            body = f"Σχόλιο στη διακοπή {n} {uuid.uuid4().hex[:8]}"
            writes.append((phase[0], body, post_comment(cluster.port, article["pk"], body)))
            n += 1
            time.sleep(0.1)

    threads = [
        threading.Thread(target=reader, args=(cluster.port, "nginx")),
        threading.Thread(target=reader, args=(cluster.apps[0], "app server")),
        threading.Thread(target=commenter),
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        phase[0] = "stopping"
        cluster.stop_primary()
        phase[0] = "stopped"
        time.sleep(10)
        phase[0] = "starting"
        cluster.start_primary()
        phase[0] = "started"
        time.sleep(4)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)

    down = {"stopping", "stopped", "starting"}
    reads_while_down = [(through, s) for p, through, s in reads if p in down]
    writes_while_down = [a for p, _, a in writes if p in down]
    refused = [a for a in writes_while_down if a.status == 503]
    acknowledged_bodies = [body for _, body, answer in writes if acknowledged(answer)]
    stored = {
        body
        for (body,) in cluster.rows(
            "SELECT body FROM comments_comment WHERE body LIKE %s", ["Σχόλιο στη διακοπή %"]
        )
    }
    lost = [body for body in acknowledged_bodies if body not in stored]
    record_figure("primary stopped 10 s: reader requests / not 200",
                  f"{len(reads_while_down)} / "
                  f"{dict(Counter(s for _, s in reads_while_down if s != 200))}")  # fmt: skip
    record_figure("primary stopped 10 s: comment posts / 503 with Retry-After",
                  f"{len(writes_while_down)} / "
                  f"{sum(1 for a in refused if a.headers.get('retry-after'))}")  # fmt: skip
    kept = len(acknowledged_bodies) - len(lost)
    record_figure(
        "acknowledged comments / stored after the primary came back",
        f"{len(acknowledged_bodies)} / {kept}",
    )
    assert reads_while_down
    assert [s for _, s in reads_while_down if s != 200] == []
    assert {through for through, _ in reads_while_down} == {"nginx", "app server"}
    assert refused, "no write was refused while the primary was down"
    assert all(a.headers.get("retry-after") for a in refused)
    # Every write was acknowledged (302) or refused with 503: never a 500 or a lost answer.
    assert {a.status for _, _, a in writes} <= {302, 503}
    assert any(acknowledged(a) for p, _, a in writes if p == "started")
    assert lost == []


def under_read_load(cluster, action, *, before: float = 3, after: float = 5):
    """4 readers of uncached URLs through nginx (a new query string each time: past its
    cache, to an app server) while ``action()`` runs; [(started, status)] and the moment
    the action began. nginx's access log says which server answered each."""
    log_path = f"{cluster.state['nginx']['run_dir']}/access.log"
    with open(log_path, encoding="utf-8", errors="replace") as log:
        since = len(log.read())
    answers: list[tuple[float, int]] = []
    stop = threading.Event()
    counter = iter(range(10**9))

    def reader():
        while not stop.is_set():
            answer = request(cluster.port, "GET", f"/?r={next(counter)}", timeout=30)
            answers.append((answer.started, answer.status))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(before)
        moment = time.monotonic()
        action()
        time.sleep(after)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    with open(log_path, encoding="utf-8", errors="replace") as log:
        served = upstream_counts(log.read(), since)
    return answers, moment, served


def upstream_counts(access_log: str, since: int) -> Counter:
    """How nginx's answers since byte ``since`` were served: by one app server (its
    port), after a retry on the next one ("retried"), or from the cache ("-")."""
    counts: Counter = Counter()
    for line in access_log[since:].splitlines():
        upstream = line.split(" up=", 1)[1].split(" ", 1)[0] if " up=" in line else "?"
        counts["retried" if "," in upstream else upstream.rpartition(":")[2] or "-"] += 1
    return counts


def test_an_app_server_stopped_under_read_load(cluster, record_figure):
    """SIGTERM, as systemd or a deployment stops an app server: its workers finish what
    they answer, the connections it never accepted are refused and sent to the other."""
    victim = cluster.state["app_servers"][1]
    stopped = [victim["pid"], *child_pids(victim["pid"])]

    def stop_it():
        os.kill(victim["pid"], signal.SIGTERM)
        deadline = time.monotonic() + 30
        while any(is_alive(pid) for pid in stopped) and time.monotonic() < deadline:
            time.sleep(0.05)

    answers, moment, served = under_read_load(cluster, stop_it)
    failed = [status for _, status in answers if status != 200]
    record_figure("app server stopped (SIGTERM) under read load: requests / failed",
                  f"{len(answers)} / {len(failed)}")  # fmt: skip
    record_figure("  answers by upstream port (retried: sent on to the other)", dict(served))
    assert not any(is_alive(pid) for pid in stopped)
    assert any(started > moment for started, _ in answers)
    assert failed == []


@pytest.fixture
def second_app_server_again(cluster):
    """The stopped app server started again on its port (as systemd's Restart= would)."""
    env = cluster.app_env()
    env.update(
        DATABASE_REPLICA_URLS=cluster.state["replica"]["url"],
        GUNICORN_ACCESS_LOG=str(HOME / "app2-again-access.log"),
    )
    app = AppServer(
        "app2-again",
        port=cluster.state["app_servers"][1]["port"],
        env=env,
        workers=2,
        log_path=HOME / "app2-again.log",
        home=FAULTS_DIR,
    )
    app.start()
    try:
        app.wait_until_healthy()
        time.sleep(2.5)  # nginx tries it again once its fail_timeout (2 s) has passed
        yield app
    finally:
        app.stop()


def test_an_app_server_killed_under_read_load(cluster, second_app_server_again, record_figure):
    """SIGKILL of a whole app server (master and workers), as when its host is lost. A
    request it had not begun to answer goes to the other server; an answer it was in the
    middle of sending is cut (nginx cannot replay what it already passed on to the reader),
    so at most one reader per worker that was busy at that instant sees an error."""
    victim = cluster.state["app_servers"][0]
    killed = [victim["pid"], *child_pids(victim["pid"])]
    answers, moment, served = under_read_load(
        cluster, lambda: os.killpg(victim["pid"], signal.SIGKILL)
    )
    failed = [(started, status) for started, status in answers if status != 200]
    after_the_kill = [answer for answer in failed if answer[0] > moment]
    record_figure("app server killed (SIGKILL) under read load: requests / failed",
                  f"{len(answers)} / {len(failed)} (cut at the kill; after it: "
                  f"{len(after_the_kill)})")  # fmt: skip
    record_figure("  answers by upstream port (retried: sent on to the other)", dict(served))
    assert not any(is_alive(pid) for pid in killed)
    assert any(started > moment for started, _ in answers)
    assert after_the_kill == []
    assert len(failed) <= WORKERS_PER_APP_SERVER


def test_ctrl_c_stops_everything_the_cluster_started(cluster, record_figure):
    state = cluster.state
    started = [state["nginx"]["pid"], state["worker"]["pid"], state["redis"]["pid"]]
    for app in state["app_servers"]:
        started += [app["pid"], *child_pids(app["pid"])]
    started += child_pids(state["nginx"]["pid"])
    if state["object_store"]:
        started += [state["object_store"]["pid"], *child_pids(state["object_store"]["pid"])]
    for name in ("primary", "replica"):
        postmaster = (Path(state[name]["pgdata"]) / "postmaster.pid").read_text().split()[0]
        started += [int(postmaster), *child_pids(int(postmaster))]
    alive_before = [pid for pid in started if is_alive(pid)]

    began = time.monotonic()
    cluster.process.send_signal(signal.SIGINT)
    code = cluster.process.wait(90)
    seconds = time.monotonic() - began
    left = [pid for pid in started if is_alive(pid)]
    record_figure("Ctrl-C: processes of the cluster running / left after it",
                  f"{len(alive_before)} / {len(left)} (stopped in {seconds:.1f} s)")  # fmt: skip
    assert code == 0
    assert len(alive_before) >= 10
    assert left == []
    assert child_pids(cluster.process.pid) == []
    assert not (HOME / "cluster.json").exists()
    assert request(cluster.port, "GET", "/", timeout=5).status == 0  # nothing answers
