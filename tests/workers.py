"""Real job workers (`manage.py run_worker`) on the test database, for the tests that
kill them or run several at once (tests/newsportal/test_job_workers.py, tests/faults/)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def tests_database_url() -> str:
    """The test database, as a DATABASE_URL for a worker process."""
    d = connection.settings_dict
    user = quote(d["USER"] or "")
    password = quote(d["PASSWORD"] or "")
    host, port = d["HOST"] or "", d["PORT"] or ""
    if host.startswith("/"):  # a Unix socket directory
        return f"postgresql://{user}:{password}@/{d['NAME']}?host={host}" + (
            f"&port={port}" if port else ""
        )
    return f"postgresql://{user}:{password}@{host}:{port or 5432}/{d['NAME']}"


def start_worker(*options: str, env: dict | None = None, log: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": tests_database_url(),
        "TASKS_BACKEND": "database",
        "TASKS_ABANDONED_AFTER": "1",
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    for name in ("DATABASE_REPLICA_URLS", "NEWSPORTAL_PROFILE", "DEBUG"):
        environment.pop(name, None)
    with open(log, "ab") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-startup-delay",
             "--interval", "0.1", "--reap-every", "0.2", *options],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def wait_for(condition, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(5)
