"""`make cluster`: the whole multi-machine topology on one machine, each part a process of
its own on 127.0.0.1, in private folders under var/cluster/.

    nginx (edge cache, upstream of two app servers)        CLUSTER_PORT (8080)
      -> gunicorn app server 1, gunicorn app server 2      free ports
    task worker (manage.py run_worker: db_worker with the reaper)
    PostgreSQL primary  ->  streaming replica (replica1)  free ports
    redis-server (the shared cache)                       free port
    SeaweedFS (the object store for media)                when cluster/seaweed.py is there

Each start is fresh: new databases (migrations and the demo content), an empty cache.
Ctrl-C (SIGINT) or SIGTERM stops, in reverse order, everything this run started and
nothing else; a run that was killed outright is cleaned up by the next start (the pid
files and data folders under var/cluster/ are its own). What runs where is written to
var/cluster/cluster.json once everything answers (the fault tests read it).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from cluster.servers import (
    ROOT,
    AppServer,
    PrivateNginx,
    PrivatePostgres,
    PrivateRedis,
    PrivateReplica,
    Service,
    clean_up_after_a_killed_run,
    ensure_nginx,
    ensure_redis,
    free_port,
)

try:
    from cluster import seaweed
except ImportError:  # cluster/seaweed.py comes with the object store (issue 14, point 2)
    seaweed = None

# CLUSTER_HOME: another folder (the fault tests run a cluster of their own under var/faults/).
HOME = Path(os.environ.get("CLUSTER_HOME") or ROOT / "var" / "cluster")
STATE = HOME / "cluster.json"
APP_SERVERS = 2
# Two gunicorn workers per app server: the whole topology fits a two-core machine.
WORKERS_PER_APP_SERVER = 2
# The task worker: django-tasks-db's db_worker with the reaper (README, "Background jobs").
WORKER_COMMAND = "run_worker"


class Stopped(Exception):
    """SIGINT or SIGTERM arrived: stop what was started."""


def on_signal(signum, frame):
    raise Stopped(signal.Signals(signum).name)


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def step(message: str, started: float) -> None:
    say(f"{message} ({time.monotonic() - started:.1f} s)")


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def secret_key() -> str:
    """The key `make serve-prod` keeps in var/ (made on first use)."""
    kept = ROOT / "var" / "prod-secret-key"
    if not kept.exists():
        kept.write_text(secrets.token_urlsafe(50) + "\n")
    return kept.read_text().strip()


def manage(env: dict, *args: str, timeout: float = 600) -> None:
    """One management command with the app servers' environment; its output in a log."""
    log = HOME / "manage.log"
    with log.open("ab") as output:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=output,
            stderr=output, timeout=timeout, check=False,
        )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed; see {log}")


def start_object_store(stack: contextlib.ExitStack):
    """SeaweedFS with its S3 gateway (its django_env() puts media on it), or None.

    The hook for cluster/seaweed.py (written with the object-store work, issue 14 point 2):
    while that module is missing, media stay on the local disk, which both app servers
    share on this one machine."""
    if seaweed is None:
        say("SeaweedFS: not started (cluster/seaweed.py is not in this tree); media on disk")
        return None
    started = time.monotonic()
    store = seaweed.SeaweedS3(HOME / "seaweed")
    stack.callback(store.stop)
    store.start()
    step(f"SeaweedFS, S3 gateway on {store.endpoint}", started)
    return store


def base_environment(port: int, *, home: Path = HOME, environ=os.environ) -> dict:
    """What every app process of the cluster (app servers, worker, commands) runs with,
    before the addresses of the databases and Redis are added."""
    env = {
        **environ,
        "NEWSPORTAL_PROFILE": "production",
        "DEBUG": "0",
        "SECRET_KEY": environ.get("SECRET_KEY") or secret_key(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # A local trial speaks plain HTTP; a real deployment terminates TLS in nginx.
        "SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port},http://localhost:{port}",
        "STATIC_ROOT": str(home / "static"),
        "MEDIA_ROOT": str(home / "media"),
        "TASKS_BACKEND": "database",
        # Every app server and the worker share one key space in the one Redis.
        "CACHE_KEY_PREFIX": "cluster",
        "PYTHONPATH": str(ROOT),
    }
    env.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
    return env


def start(stack: contextlib.ExitStack, port: int) -> dict:
    began = time.monotonic()
    ensure_nginx()
    ensure_redis()
    env = base_environment(port)

    started = time.monotonic()
    primary = PrivatePostgres(HOME, database="newsportal", prefix="pg-primary-")
    stack.callback(primary.destroy)
    primary.initialise()
    step(f"PostgreSQL primary on 127.0.0.1:{primary.port}", started)

    started = time.monotonic()
    replica = PrivateReplica(primary, slot="replica1")
    stack.callback(replica.destroy)
    replica.initialise()
    step(f"PostgreSQL streaming replica on 127.0.0.1:{replica.port} (pg_basebackup)", started)

    redis = PrivateRedis(HOME)
    stack.callback(redis.stop)
    redis.start()
    say(f"redis-server on 127.0.0.1:{redis.port}")

    store = start_object_store(stack)
    if store is not None:
        env.update(store.django_env())
    env["DATABASE_URL"] = primary.url
    env["DATABASE_REPLICA_URLS"] = replica.url
    env["REDIS_URL"] = redis.url

    started = time.monotonic()
    # Static files first: the URLconf names a hashed file, so nothing loads before the manifest.
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", *([] if env.get("DEMO_PASSWORD") else ["--no-users"]))
    step("static files, migrations, demo content", started)

    started = time.monotonic()
    app_servers = []
    for number in range(1, APP_SERVERS + 1):
        app = AppServer(
            f"app{number}",
            port=free_port(),
            env={**env, "GUNICORN_ACCESS_LOG": str(HOME / f"app{number}-access.log")},
            workers=WORKERS_PER_APP_SERVER,
            log_path=HOME / f"app{number}.log",
            home=HOME,
        )
        stack.callback(app.stop)
        app.start()
        app_servers.append(app)
    for app in app_servers:
        app.wait_until_healthy()
    step("app servers " + ", ".join(app.address for app in app_servers), started)

    command = WORKER_COMMAND
    worker = Service(
        "worker",
        [sys.executable, "manage.py", command, "--queue-name", "*"],
        env=env,
        log_path=HOME / "worker.log",
        home=HOME,
    )
    stack.callback(worker.stop)
    worker.start()
    say(f"task worker: manage.py {command}")

    nginx = PrivateNginx(
        home=HOME,
        upstream=[app.address for app in app_servers],
        static_root=HOME / "static",
        media_root=HOME / "media",
        port=port,
    )
    stack.callback(nginx.stop)
    nginx.start()
    say(f"nginx on 127.0.0.1:{port} in front of both app servers")

    state = {
        "url": nginx.url,
        "port": port,
        "secret_key_file": None if os.environ.get("SECRET_KEY") else "var/prod-secret-key",
        "nginx": {"pid": nginx.process.pid, "run_dir": str(nginx.run_dir)},
        "app_servers": [
            {"name": app.name, "port": app.port, "pid": app.pid, "log": str(app.log_path)}
            for app in app_servers
        ],
        "worker": {"pid": worker.pid, "command": command},
        "redis": {"pid": redis.process.pid, "url": redis.url},
        "primary": {"url": primary.url, "pgdata": str(primary.pgdata), "port": primary.port,
                    "pid": primary.postmaster_pid()},
        "replica": {"url": replica.url, "pgdata": str(replica.pgdata), "port": replica.port,
                    "pid": replica.postmaster_pid()},
        "object_store": store and {"endpoint": store.endpoint, "pid": store.process.pid},
        "startup_seconds": round(time.monotonic() - began, 1),
    }  # fmt: skip
    STATE.write_text(json.dumps(state, indent=2))
    return state


def print_urls(state: dict) -> None:
    url = state["url"]
    users = (
        "demo users admin, editor, moderator (password: DEMO_PASSWORD)"
        if os.environ.get("DEMO_PASSWORD")
        else "no demo users (DEMO_PASSWORD=... make cluster creates them)"
    )
    print(
        f"""
  News portal (nginx):  {url}/
  Admin:                {url}/admin/   ({users})
  App servers:          {", ".join(f"http://127.0.0.1:{a['port']}/" for a in state["app_servers"])}
  PostgreSQL primary:   {state["primary"]["url"]}
  PostgreSQL replica:   {state["replica"]["url"]}
  Redis:                {state["redis"]["url"]}
  Media:                {(state["object_store"] or {}).get("endpoint", "var/cluster/media/")}
  Logs and data:        var/cluster/   (what runs where: var/cluster/cluster.json)
  Started in {state["startup_seconds"]} s. Ctrl-C stops everything.
""",
        flush=True,
    )
    say("cluster ready")


def main() -> int:
    port = int(os.environ.get("CLUSTER_PORT") or 8080)
    HOME.mkdir(parents=True, exist_ok=True)
    clean_up_after_a_killed_run(HOME)
    if seaweed is not None:
        seaweed.stop_leftover(HOME / "seaweed")
    STATE.unlink(missing_ok=True)
    if not port_is_free(port):
        print(f"error: 127.0.0.1:{port} is in use; CLUSTER_PORT=8091 make cluster", file=sys.stderr)
        return 1
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    stack = contextlib.ExitStack()
    code = 0
    try:
        print_urls(start(stack, port))
        while True:
            time.sleep(3600)
    except Stopped as stop:
        say(f"{stop}: stopping everything this run started")
    except Exception as error:  # a part that would not start: say which, stop the rest
        print(f"error: {error}", file=sys.stderr)
        code = 1
    finally:
        # A second Ctrl-C must not cut the stopping short (each stop is bounded).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.close()
        STATE.unlink(missing_ok=True)
        for pidfile in HOME.glob("*.pid"):
            pidfile.unlink()
        say("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
