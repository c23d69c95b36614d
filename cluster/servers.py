"""Real servers on 127.0.0.1, each in a private folder: `make cluster` (cluster/run.py) and
the fault tests (tests/faults/) start the same ones.

- PostgreSQL from pgserver's binaries, in a fresh data directory, on a free TCP port (never
  the machine's own server), and a streaming replica of it made by pg_basebackup;
- redis-server (Debian's binary) on a free port, stopped, restarted or frozen (SIGSTOP);
- nginx with a configuration rendered from deploy/nginx.conf.template (edge cache and the
  upstream list of app servers);
- gunicorn (deploy/gunicorn.conf.py, production profile) and any other long-running
  command (the task worker), each in a process group of its own so that stopping it stops
  its workers too.

Debian's nginx and redis-server are installed with apt-get when missing, as
scripts/serve_prod.sh does for nginx.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
REDIS_SERVER = "/usr/bin/redis-server"
NGINX = "/usr/sbin/nginx"
# What a pid file of ours may name (a reused pid running anything else is left alone).
SERVER_PROGRAMS = (
    "redis-server",
    "gunicorn",
    "nginx",
    "db_worker",
    "run_worker",
    "weed",
    "cluster.run",
)


class MissingProgram(RuntimeError):
    """A server's program is missing and could not be installed."""


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


def remember(home: Path, name: str, pid: int) -> None:
    """Note a server's process id in ``home``, so a run that was killed can be cleaned up
    by the next one (only what we started: the pid files are ours)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / f"{name}.pid").write_text(str(pid))


def child_pids(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            children += [int(p) for p in task.read_text().split()]
    return sorted(children)


def is_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


def ensure_debian_program(program: str, packages: Iterable[str], log: Path) -> None:
    """Install the first of ``packages`` that apt-get can when ``program`` is missing."""
    if Path(program).exists():
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        installed = subprocess.run([*sudo, "apt-get", "update", "-qq"], stdout=output,
                                   stderr=output, env=env, check=False).returncode == 0 and any(
            subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", package], stdout=output,
                           stderr=output, env=env, check=False).returncode == 0
            for package in packages
        )  # fmt: skip
    if not installed or not Path(program).exists():
        raise MissingProgram(f"{program} is missing and apt-get could not install it (log: {log}).")


def ensure_nginx() -> None:
    """Debian's nginx, installed when missing, as scripts/serve_prod.sh does."""
    ensure_debian_program(NGINX, ("nginx-light", "nginx"), ROOT / "var" / "apt-nginx.log")


def ensure_redis() -> None:
    ensure_debian_program(REDIS_SERVER, ("redis-server",), ROOT / "var" / "apt-redis.log")


def clean_up_after_a_killed_run(home: Path) -> None:
    """Stop the servers an interrupted run left behind (only ours: each is
    found by the pid file we wrote or the data directory we created under ``home``)."""
    for pidfile in home.glob("*.pid"):
        try:
            pid = int(pidfile.read_text())
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            command = ""
        if command and any(name in command for name in SERVER_PROGRAMS):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGCONT)
                os.killpg(pid, signal.SIGTERM)
        pidfile.unlink(missing_ok=True)
    for pgdata in home.glob("pg-*/data"):
        if (pgdata / "postmaster.pid").exists():
            from pgserver import _commands

            user = "pgserver" if os.geteuid() == 0 else None
            with contextlib.suppress(Exception):
                _commands.pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=user)
        shutil.rmtree(pgdata.parent, ignore_errors=True)
    for leftover in home.glob("nginx-*"):
        shutil.rmtree(leftover, ignore_errors=True)


# --- PostgreSQL ----------------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of our own: initialised by pgserver, then run on a TCP port,
    in a new folder under ``home``."""

    def __init__(self, home: Path, *, database: str = "faults", prefix: str = "pg-") -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        self.root = Path(tempfile.mkdtemp(prefix=prefix, dir=home))
        self.pgdata = self.root / "data"
        self.port = free_port()
        self.database = database
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{database}"
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

        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.database}"')
        connection.close()

    @property
    def admin_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.pgdata}"
        self._pg_ctl("-w", "-o", options, "-l", str(self.pgdata / "log"), "start")

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def destroy(self) -> None:
        with contextlib.suppress(Exception):  # already stopped
            self._pg_ctl("-w", "-m", "immediate", "stop", timeout=15)
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateReplica(PrivatePostgres):
    """A streaming replica of a PrivatePostgres: pg_basebackup (from pgserver's binaries)
    with a replication slot, then the copy started on a port of its own."""

    def __init__(self, primary: PrivatePostgres, slot: str = "replica1") -> None:
        super().__init__(primary.home, database=primary.database, prefix="pg-replica-")
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

    def __init__(self, home: Path) -> None:
        ensure_redis()
        self.home = home
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        remember(self.home, "redis", self.process.pid)
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


# --- nginx ---------------------------------------------------------------------------------


def upstream_servers(upstreams: str | Iterable[str]) -> str:
    """The upstream block's ``server`` lines for app servers "host:port". A server that
    failed once is left out for two seconds, then tried again by one request."""
    addresses = [upstreams] if isinstance(upstreams, str) else list(upstreams)
    return "\n        ".join(
        f"server {address} max_fails=1 fail_timeout=2s;" for address in addresses
    )


def render_nginx_conf(
    *,
    run_dir: Path,
    port: int,
    upstream: str | Iterable[str],
    static_root: Path,
    media_root: Path | None = None,
) -> Path:
    """deploy/nginx.conf.template with its placeholders filled, as scripts/serve_prod.sh does."""
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    values = {
        "@RUN_DIR@": str(run_dir),
        "@USER_LINE@": "user www-data;" if os.geteuid() == 0 else "",
        "@LISTEN@": f"127.0.0.1:{port}",
        "@UPSTREAM_SERVERS@": upstream_servers(upstream),
        "@SERVER_NAMES@": "127.0.0.1 localhost",
        "@STATIC_ROOT@": str(static_root),
        "@MEDIA_ROOT@": str(media_root or run_dir / "media"),
        "@MAX_BODY@": "12m",
    }
    for placeholder, value in values.items():
        template = template.replace(placeholder, value)
    config = run_dir / "nginx.conf"
    config.write_text(template)
    return config


class PrivateNginx:
    """nginx in a new folder under ``home``, in front of ``upstream`` (one "host:port" or
    a list of them), on ``port`` or a free one."""

    def __init__(
        self,
        *,
        home: Path,
        upstream: str | Iterable[str],
        static_root: Path,
        media_root: Path | None = None,
        port: int | None = None,
    ) -> None:
        ensure_nginx()
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        self.run_dir = Path(tempfile.mkdtemp(prefix="nginx-", dir=home))
        os.chmod(self.run_dir, 0o755)  # noqa: S103 - nginx's workers create temp files here
        (self.run_dir / "media").mkdir()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = render_nginx_conf(
            run_dir=self.run_dir,
            port=self.port,
            upstream=upstream,
            static_root=static_root,
            media_root=media_root,
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        checked = subprocess.run(
            [NGINX, "-t", "-q", "-c", str(self.config), "-p", str(self.run_dir)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if checked.returncode != 0:
            raise RuntimeError(f"the rendered nginx configuration is invalid: {checked.stderr}")
        self.process = subprocess.Popen(
            [NGINX, "-c", str(self.config), "-p", str(self.run_dir), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        remember(self.home, "nginx", self.process.pid)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> PrivateNginx:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stored_entries(self) -> int:
        """Responses kept in nginx's cache (proxy_cache_path @RUN_DIR@/cache: a file each)."""
        return sum(1 for path in (self.run_dir / "cache").rglob("*") if path.is_file())

    def access_log(self) -> str:
        return (self.run_dir / "access.log").read_text(errors="replace")


# --- gunicorn and other long-running commands -----------------------------------------------


class Service:
    """A long-running command in a process group of its own, its output in ``log_path``;
    stopped with SIGTERM to the whole group (SIGKILL after ``grace`` seconds)."""

    def __init__(self, name: str, command: list[str], *, env: dict, log_path: Path,
                 home: Path, grace: float = 20) -> None:  # fmt: skip
        self.name = name
        self.command = command
        self.env = env
        self.log_path = log_path
        self.home = home
        self.grace = grace
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # The child keeps its own copy of the file: ours is closed at once.
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        remember(self.home, self.name, self.process.pid)

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pids(self) -> list[int]:
        """The command's process and its children (gunicorn's workers)."""
        return [self.pid, *child_pids(self.pid)] if self.running() else []

    def kill(self) -> None:
        """SIGKILL to the whole group, as when a machine loses the process at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if not self.running():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(self.grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(10)


class AppServer(Service):
    """gunicorn with deploy/gunicorn.conf.py on 127.0.0.1:``port``; ``env`` is the
    production profile's environment."""

    def __init__(self, name: str, *, port: int, env: dict, workers: int, log_path: Path,
                 home: Path) -> None:  # fmt: skip
        self.port = port
        super().__init__(
            name,
            [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "newsportal.wsgi:application"],
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)},
            log_path=log_path,
            home=home,
        )  # fmt: skip

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def wait_until_healthy(self, timeout: float = 90) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            try:
                url = f"http://{self.address}/healthz"
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {timeout} s; see {self.log_path}")
