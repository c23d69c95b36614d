"""Real servers for the fault tests, each private to the test run and on 127.0.0.1.

- PostgreSQL from pgserver's binaries, in a fresh data directory under var/faults/, on a
  free TCP port, so the tests can stop and start it (never the machine's own server);
- redis-server (Debian's binary) on a free port, stopped, restarted or frozen (SIGSTOP);
- gunicorn with the repository's deploy/gunicorn.conf.py and the production profile
  (bench/server.py's launcher, pointed at tests/faults/settings.py);
- nginx with a configuration rendered from deploy/nginx.conf.template on a free port.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAULTS_DIR = ROOT / "var" / "faults"
VENV_BIN = Path(sys.executable).parent
REDIS_SERVER = "/usr/bin/redis-server"
NGINX = "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on 127.0.0.1:{port} after {timeout} s")


def remember(name: str, pid: int) -> None:
    """Note a server's process id, so a run that was killed can be cleaned up by the next."""
    FAULTS_DIR.mkdir(parents=True, exist_ok=True)
    (FAULTS_DIR / f"{name}.pid").write_text(str(pid))


def clean_up_after_a_killed_run() -> None:
    """Stop the servers an interrupted run of these tests left behind (only ours: each is
    found by the pid file we wrote or the data directory we created under var/faults/)."""
    for pidfile in FAULTS_DIR.glob("*.pid"):
        try:
            pid = int(pidfile.read_text())
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            command = ""
        if command and any(name in command for name in ("redis-server", "gunicorn", "nginx")):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGCONT)
                os.killpg(pid, signal.SIGTERM)
        pidfile.unlink(missing_ok=True)
    for pgdata in FAULTS_DIR.glob("pg-*/data"):
        if (pgdata / "postmaster.pid").exists():
            from pgserver import _commands

            user = "pgserver" if os.geteuid() == 0 else None
            with contextlib.suppress(Exception):
                _commands.pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=user)
        shutil.rmtree(pgdata.parent, ignore_errors=True)
    for leftover in FAULTS_DIR.glob("nginx-*"):
        shutil.rmtree(leftover, ignore_errors=True)


# --- PostgreSQL ----------------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of our own: initialised by pgserver, then run on a TCP port."""

    def __init__(self) -> None:
        FAULTS_DIR.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix="pg-", dir=FAULTS_DIR))
        self.pgdata = self.root / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/faults"
        self._user = None

    def _pg_ctl(self, *args: str, timeout: float = 30) -> None:
        from pgserver import _commands

        _commands.pg_ctl(list(args), pgdata=self.pgdata, user=self._user, timeout=timeout)

    def initialise(self) -> None:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
        # pgserver runs initdb (as its own system user when we are root) and starts the
        # server on a Unix socket; it is restarted on our TCP port right away.
        server = pgserver.get_server(self.pgdata, cleanup_mode=None)
        self._user = server.system_user
        self._pg_ctl("-w", "-m", "fast", "stop")
        self.start()
        import psycopg2

        connection = psycopg2.connect(self.url.replace("/faults", "/postgres"))
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE faults")
        connection.close()

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.pgdata}"
        self._pg_ctl("-w", "-o", options, "-l", str(self.pgdata / "log"), "start")

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(Exception):  # already stopped
            self._pg_ctl("-w", "-m", "immediate", "stop", timeout=15)
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateReplica(PrivatePostgres):
    """A streaming replica of a PrivatePostgres: pg_basebackup (from pgserver's binaries)
    with a replication slot, then the copy started on a port of its own."""

    def __init__(self, primary: PrivatePostgres, slot: str = "replica1") -> None:
        super().__init__()
        self.primary = primary
        self.slot = slot
        self._user = primary._user

    def initialise(self) -> None:
        from pgserver import _commands

        if self._user:  # pgserver's system user owns the clusters when we are root
            shutil.chown(self.root, self._user)
        _commands.pg_basebackup(
            ["-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
             "-D", str(self.pgdata), "-R", "-X", "stream", "-c", "fast", "-C", "-S", self.slot],
            user=self._user, timeout=120,
        )  # fmt: skip
        self.start()

    def sql(self, statement: str) -> list[tuple]:
        import psycopg2

        connection = psycopg2.connect(self.url, connect_timeout=5)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def delay(self, seconds: float) -> None:
        """Apply the primary's changes ``seconds`` late (recovery_min_apply_delay)."""
        self.sql(f"ALTER SYSTEM SET recovery_min_apply_delay = '{int(seconds * 1000)}ms'")
        self.sql("SELECT pg_reload_conf()")

    def destroy(self) -> None:
        super().destroy()
        import psycopg2

        with contextlib.suppress(psycopg2.Error):  # the primary may be down
            connection = psycopg2.connect(self.primary.url, connect_timeout=5)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_drop_replication_slot(%s)", [self.slot])
            connection.close()


# --- Redis ---------------------------------------------------------------------------------


class PrivateRedis:
    """redis-server on a free port, without persistence, started and stopped at will."""

    def __init__(self) -> None:
        if not Path(REDIS_SERVER).exists():
            pytest.fail(
                f"{REDIS_SERVER} is missing: the Redis fault tests start their own redis-server "
                "(Debian: apt-get install redis-server)."
            )
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        remember("redis", self.process.pid)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # a frozen server cannot exit
            self.process.terminate()
            self.process.wait(10)

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


# --- gunicorn and nginx --------------------------------------------------------------------


def child_pids(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(p) for p in task.read_text().split()]
    return sorted(children)


def render_nginx_conf(*, run_dir: Path, port: int, upstream: str, static_root: Path) -> Path:
    """deploy/nginx.conf.template with its placeholders filled, as scripts/serve_prod.sh does."""
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    values = {
        "@RUN_DIR@": str(run_dir),
        "@USER_LINE@": "user www-data;" if os.geteuid() == 0 else "",
        "@LISTEN@": f"127.0.0.1:{port}",
        "@UPSTREAM@": upstream,
        "@SERVER_NAMES@": "127.0.0.1 localhost",
        "@STATIC_ROOT@": str(static_root),
        "@MEDIA_ROOT@": str(run_dir / "media"),
        "@MAX_BODY@": "12m",
    }
    for placeholder, value in values.items():
        template = template.replace(placeholder, value)
    config = run_dir / "nginx.conf"
    config.write_text(template)
    return config


def ensure_nginx() -> None:
    """Debian's nginx, installed when missing, as scripts/serve_prod.sh does."""
    if Path(NGINX).exists():
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    log = ROOT / "var" / "apt-nginx.log"
    with log.open("ab") as output:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        installed = subprocess.run([*sudo, "apt-get", "update", "-qq"], stdout=output,
                                   stderr=output, env=env, check=False).returncode == 0 and any(
            subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", package], stdout=output,
                           stderr=output, env=env, check=False).returncode == 0
            for package in ("nginx-light", "nginx")
        )  # fmt: skip
    if not installed or not Path(NGINX).exists():
        pytest.fail(f"nginx is missing and apt-get could not install it (log: {log}).")


class PrivateNginx:
    def __init__(self, *, upstream: str, static_root: Path) -> None:
        ensure_nginx()
        FAULTS_DIR.mkdir(parents=True, exist_ok=True)
        self.run_dir = Path(tempfile.mkdtemp(prefix="nginx-", dir=FAULTS_DIR))
        os.chmod(self.run_dir, 0o755)  # noqa: S103 - nginx's workers create temp files here
        (self.run_dir / "media").mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = render_nginx_conf(
            run_dir=self.run_dir, port=self.port, upstream=upstream, static_root=static_root
        )
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> PrivateNginx:
        self.process = subprocess.Popen(
            [NGINX, "-c", str(self.config), "-p", str(self.run_dir), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        remember("nginx", self.process.pid)
        wait_for_port(self.port)
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def stored_entries(self) -> int:
        """Responses kept in nginx's cache (proxy_cache_path @RUN_DIR@/cache: a file each)."""
        return sum(1 for path in (self.run_dir / "cache").rglob("*") if path.is_file())

    def access_log(self) -> str:
        return (self.run_dir / "access.log").read_text(errors="replace")


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict = field(default_factory=dict)
    body: str = ""
    started: float = 0.0
    elapsed: float = 0.0
    error: str = ""

    @property
    def finished(self) -> float:
        return self.started + self.elapsed


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = 30.0,
) -> Answer:
    """One HTTP request on a new connection; network errors become status 0."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            text,
            started,
            time.monotonic() - started,
        )
    except OSError as error:
        return Answer(0, {}, "", started, time.monotonic() - started, repr(error))
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
