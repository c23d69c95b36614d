"""The fault server: gunicorn (production profile) over a private PostgreSQL and Redis.

Started once per test session, the first time a fault test asks for it (`fault_site`),
and stopped at the end; every fault test is marked `faults` and runs in `make test`.
Each comment post carries a CSRF cookie and token chosen here and a signed form token
made here with the server's SECRET_KEY, backdated past the minimum fill time (both
processes share the key, not the clock), so posts are judged exactly as a reader's.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import psycopg2
import pytest
from django.test import override_settings

from bench.server import Gunicorn
from cluster.servers import ROOT, PrivatePostgres, PrivateRedis, child_pids
from comments import tokens
from tests.faults.servers import (
    FAULTS_DIR,
    Answer,
    clean_up_after_a_killed_run,
    remember,
    request,
)

FAULTS_SECRET = "faults-only-" + secrets.token_urlsafe(40)
# Django accepts the unmasked 32-character secret as the form's token.
CSRF = secrets.token_hex(16)
WORKERS = 4
STATEMENT_TIMEOUT_MS = 2000
GUNICORN_TIMEOUT = 10
ERROR_PAGE = 'class="error-page'
TOKEN_LOCK = threading.Lock()
ACCESS_LOG = FAULTS_DIR / "gunicorn-access.log"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


@dataclass
class FaultSite:
    server: Gunicorn
    postgres: PrivatePostgres
    redis: PrivateRedis
    data: dict
    log_path: object

    @property
    def port(self) -> int:
        return self.server.port

    def form_token(self, article_id: int) -> str:
        # override_settings changes the process's settings: one thread at a time.
        with TOKEN_LOCK, override_settings(SECRET_KEY=FAULTS_SECRET):
            return tokens.issue(article_id, now=time.time() - 30)

    def post_comment(
        self, article_id: int, body: str, token: str | None = None, *, port: int | None = None
    ) -> Answer:
        """A reader's comment form, sent to gunicorn (or to ``port``: nginx in front of it)."""
        form = {
            "csrfmiddlewaretoken": CSRF,
            "name": "Αναγνώστης δοκιμής",
            "email": "",
            "body": body,
            "token": token or self.form_token(article_id),
            "parent": "",
            "website": "",
        }
        return request(
            port or self.port,
            "POST",
            f"/comments/post/{article_id}/",
            body=urlencode(form).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={CSRF}",
            },
        )

    def get(self, path: str, **headers) -> Answer:
        return request(self.port, "GET", path, headers=headers)

    def rows(self, sql: str, params=()) -> list[tuple]:
        connection = psycopg2.connect(self.postgres.url, connect_timeout=5)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def stored(self, marker: str) -> dict[str, list[tuple]]:
        """Stored comments whose body starts with ``marker``: {body: [(status, rule), ...]}."""
        found: dict[str, list[tuple]] = {}
        for body, status, rule in self.rows(
            "SELECT body, status, rule FROM comments_comment WHERE body LIKE %s",
            [marker.replace("%", r"\%") + "%"],
        ):
            found.setdefault(body, []).append((status, rule))
        return found

    def processes(self) -> tuple[int, list[int]]:
        """gunicorn's master and worker process ids (a restart would change them)."""
        return self.server.process.pid, child_pids(self.server.process.pid)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def acknowledged(answer: Answer) -> bool:
    return answer.status == 302 and answer.headers.get("location", "").endswith("#comment-notice")


@pytest.fixture(scope="session")
def fault_postgres():
    clean_up_after_a_killed_run()
    postgres = PrivatePostgres(FAULTS_DIR)
    postgres.initialise()
    yield postgres
    postgres.destroy()


@pytest.fixture(scope="session")
def fault_redis():
    redis = PrivateRedis(FAULTS_DIR)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture(scope="session")
def fault_site(fault_postgres, fault_redis):
    started = time.monotonic()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
        "DATABASE_URL": fault_postgres.url,
        "SECRET_KEY": FAULTS_SECRET,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("NEWSPORTAL_PROFILE", None)
    env.pop("REDIS_URL", None)
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.faults.seed"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    data = json.loads(seeded.stdout.strip().splitlines()[-1])
    static_root = FAULTS_DIR / "static"
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**env, "NEWSPORTAL_PROFILE": "production", "ALLOWED_HOSTS": "127.0.0.1",
             "STATIC_ROOT": str(static_root)},
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr[-3000:]
    log_path = FAULTS_DIR / "gunicorn.log"
    log_path.unlink(missing_ok=True)
    # Every request gunicorn answers, one line each (tests/faults/test_edge_cache.py counts
    # what reached it through nginx).
    ACCESS_LOG.unlink(missing_ok=True)
    server = Gunicorn(
        database_url=fault_postgres.url,
        redis_url=fault_redis.url,
        static_root=static_root,
        log_path=log_path,
        workers=WORKERS,
        extra_env={
            "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
            "SECRET_KEY": FAULTS_SECRET,
            # Thousands of posts from one address: the limits are not what is tested here.
            "COMMENTS_RATE_PER_MINUTE": "1000000",
            "COMMENTS_RATE_PER_HOUR": "1000000",
            "COMMENTS_FLOOD_PER_HOUR": "1000000",
            "DATABASE_STATEMENT_TIMEOUT_MS": str(STATEMENT_TIMEOUT_MS),
            "GUNICORN_TIMEOUT": str(GUNICORN_TIMEOUT),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": str(ACCESS_LOG),
        },
    )
    with server:
        remember("gunicorn", server.process.pid)
        deadline = time.monotonic() + 30
        while len(child_pids(server.process.pid)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.1)  # gunicorn answers once the first worker is up
        site = FaultSite(server, fault_postgres, fault_redis, data, log_path)
        site.data["startup_seconds"] = round(time.monotonic() - started, 1)
        yield site
