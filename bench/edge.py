"""nginx in front of the bench's gunicorn, as deployed, and the stampede at an expiry.

The configuration is deploy/nginx.conf.template with its placeholders filled (as
scripts/serve_prod.sh and tests/faults/servers.py fill them), in a private folder under
var/bench/ on a free port. Requests that reached gunicorn are counted by the benchmark
settings (bench/middleware.py): every request carrying ``X-Bench-Tag: <tag>`` that
arrives in Django adds a byte to ``<upstream dir>/<tag>``, also when nginx sends it
from a background update or a lock holder (it forwards the client's headers).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bench.server import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
TAG_HEADER = "X-Bench-Tag"
TAG_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


def render_config(*, run_dir: Path, port: int, upstream: str, static_root: Path,
                  media_root: Path) -> Path:  # fmt: skip
    """deploy/nginx.conf.template with its placeholders filled for this run."""
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    values = {
        "@RUN_DIR@": str(run_dir),
        "@USER_LINE@": "user www-data;" if os.geteuid() == 0 else "",
        "@LISTEN@": f"127.0.0.1:{port}",
        "@UPSTREAM_SERVERS@": f"server {upstream};",
        "@SERVER_NAMES@": "127.0.0.1 localhost",
        "@STATIC_ROOT@": str(static_root),
        "@MEDIA_ROOT@": str(media_root),
        "@MAX_BODY@": "12m",
    }
    for placeholder, value in values.items():
        template = template.replace(placeholder, value)
    directives = "\n".join(line.split("#", 1)[0] for line in template.splitlines())
    left = re.findall(r"@[A-Z_]+@", directives)
    if left:
        raise RuntimeError(f"deploy/nginx.conf.template has placeholders we do not fill: {left}")
    config = run_dir / "nginx.conf"
    config.write_text(template)
    return config


def ensure_nginx() -> str:
    if Path(NGINX).exists():
        return NGINX
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("==> installing nginx (Debian package) for the benchmark's edge rows")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, capture_output=True, env=env)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*sudo, "apt-get", "install", "-y", "-qq", "nginx-light"], check=True,
        capture_output=True, env=env,
    )  # fmt: skip
    return NGINX


class Nginx:
    """nginx from the repository's template on a free port, in front of ``upstream``."""

    def __init__(self, *, upstream: str, static_root: Path, media_root: Path, out: Path):
        self.binary = ensure_nginx()
        out.mkdir(parents=True, exist_ok=True)
        self.run_dir = Path(tempfile.mkdtemp(prefix="nginx-", dir=out))
        os.chmod(self.run_dir, 0o755)  # noqa: S103 - nginx's workers write their cache here
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = render_config(run_dir=self.run_dir, port=self.port, upstream=upstream,
                                    static_root=static_root, media_root=media_root)  # fmt: skip
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Nginx:
        self.process = subprocess.Popen(  # noqa: S603 - fixed command line
            [self.binary, "-c", str(self.config), "-p", str(self.run_dir), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error_log = self.run_dir / "error.log"
                detail = error_log.read_text() if error_log.exists() else ""
                raise RuntimeError(f"nginx exited at start:\n{detail}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nginx did not listen on {self.port} within 15 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.run_dir, ignore_errors=True)


class UpstreamCounter:
    """How many requests with a given tag reached Django (see bench/middleware.py)."""

    def __init__(self, directory: Path):
        self.directory = directory
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)

    def count(self, tag: str) -> int:
        path = self.directory / tag
        return path.stat().st_size if path.exists() else 0


# --- The stampede --------------------------------------------------------------------------


async def _one(port: int, path: str, headers: dict, start: asyncio.Event) -> tuple[int, str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        await start.wait()
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        await reader.read()  # the body, until nginx closes the connection
        status = int(head.split(b" ", 2)[1])
        found = re.search(rb"\r\nX-Cache-Status: (\S+)", head, re.IGNORECASE)
        return status, found.group(1).decode() if found else ""
    finally:
        writer.close()


async def _burst(port: int, path: str, headers: dict, connections: int) -> list:
    start = asyncio.Event()
    tasks = [asyncio.create_task(_one(port, path, headers, start)) for _ in range(connections)]
    await asyncio.sleep(0.3)  # every connection open and waiting, then all at once
    start.set()
    return await asyncio.gather(*tasks, return_exceptions=True)


def burst(port: int, path: str, *, headers: dict, connections: int) -> dict:
    """``connections`` requests for ``path`` sent at the same instant on as many
    connections; the statuses and X-Cache-Status values they got."""
    answers = asyncio.run(_burst(port, path, headers, connections))
    statuses: dict[str, int] = {}
    cache: dict[str, int] = {}
    failed = 0
    for answer in answers:
        if isinstance(answer, BaseException):
            failed += 1
            continue
        status, cache_status = answer
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        cache[cache_status or "-"] = cache.get(cache_status or "-", 0) + 1
    return {"statuses": statuses, "cache_status": cache, "failed": failed}
