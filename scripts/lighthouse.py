"""`make lighthouse`: Lighthouse 12 on four reader pages, scores printed, JSON under var/.

Run by the virtualenv's Python from `make lighthouse` (after the bootstrap). It

1. installs the npm package lighthouse@12.2.3 into var/node/ when it is missing (Debian's
   nodejs and npm are installed first when they are missing: never a global npm install);
2. starts the production profile on free ports, the way `make serve-prod` does
   (scripts/serve_prod.sh: nginx in front of gunicorn, DEBUG off, hashed and compressed
   static files, the same database and demo content as `make run`), because `make run`'s
   runserver sends every file uncompressed and without cache lifetimes, which Lighthouse
   rightly counts against a page; with LIGHTHOUSE_URL=http://host:port it measures that
   server instead and starts nothing;
3. runs Lighthouse with Debian's chromium (mobile emulation, default throttling) on the home
   page, a section page, the article with the most approved comments and the news feed
   page, writes var/lighthouse/<page>.json, prints the four category scores of each page,
   and stops the servers it started.

It exits 1 when any score is below LIGHTHOUSE_MIN_SCORE (default 95).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
NODE_DIR = VAR / "node"
REPORTS = VAR / "lighthouse"
LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
MIN_SCORE = int(os.environ.get("LIGHTHOUSE_MIN_SCORE", "95"))


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, **kwargs)  # noqa: S603 - fixed commands


def apt_install(*packages: str) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    log = (VAR / "apt-lighthouse.log").open("ab")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        run([*sudo, "apt-get", "update", "-qq"], stdout=log, stderr=log, env=env)
        run([*sudo, "apt-get", "install", "-y", "-qq", *packages], stdout=log, stderr=log, env=env)
    except (subprocess.CalledProcessError, FileNotFoundError):
        fail(f"apt-get install {' '.join(packages)} failed (log: var/apt-lighthouse.log).")


def ensure_tools() -> None:
    if not Path(CHROME).exists():
        say("installing Debian's chromium")
        apt_install("chromium")
    if not shutil.which("node") or not shutil.which("npm"):
        say("installing Debian's nodejs and npm")
        apt_install("nodejs", "npm")
    installed = NODE_DIR / "node_modules" / "lighthouse" / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != LIGHTHOUSE_VERSION:
        say(f"installing lighthouse@{LIGHTHOUSE_VERSION} into var/node/")
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        log = (VAR / "npm-lighthouse.log").open("ab")
        try:
            run(
                ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                 "--prefix", str(NODE_DIR), f"lighthouse@{LIGHTHOUSE_VERSION}"],
                stdout=log, stderr=log,
            )  # fmt: skip
        except subprocess.CalledProcessError:
            fail("npm install lighthouse failed (log: var/npm-lighthouse.log).")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen | None, seconds: int = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            fail("the production profile stopped while starting (log: var/lighthouse/server.log).")
        try:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    fail(f"{url} did not answer within {seconds} s (log: var/lighthouse/server.log).")


class ProductionProfile:
    """scripts/serve_prod.sh on free ports, in its own process group; stopped on exit."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> ProductionProfile:
        REPORTS.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PORT": str(self.port),
            "GUNICORN_BIND": f"127.0.0.1:{free_port()}",
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        }
        log = (REPORTS / "server.log").open("wb")
        say(f"starting the production profile (nginx + gunicorn) on {self.url}")
        self.process = subprocess.Popen(  # noqa: S603 - our own script
            [str(ROOT / "scripts" / "serve_prod.sh")],
            cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        wait_for(self.url + "/healthz", self.process)
        return self

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # SIGTERM to the script's process group: gunicorn stops, the script's trap stops nginx.
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        nginx_conf = VAR / "nginx" / "nginx.conf"
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if nginx_conf.exists() and (VAR / "nginx" / "nginx.pid").exists():
            subprocess.run(  # noqa: S603 - our own nginx, in case the trap did not run
                [nginx, "-c", str(nginx_conf), "-p", str(VAR / "nginx"), "-s", "quit"],
                check=False, capture_output=True,
            )  # fmt: skip


def pages_to_measure() -> dict[str, str]:
    """Paths of the four pages, read from the database the server uses."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
    import django

    django.setup()
    from django.urls import reverse

    from articles.models import Article, Category

    published = Article.objects.published()
    article = published.order_by("-comment_count", "-published_at").first()
    category = Category.objects.filter(articles__in=published).first()
    if article is None or category is None:
        fail("no published article: `make run` (or manage.py seed_demo) creates the demo content.")
    if not article.comment_count:
        say("warning: no article has approved comments yet; measuring one without")
    return {
        "home": "/",
        "category": category.get_absolute_url(),
        "article": article.get_absolute_url(),
        "feed": reverse("articles:feed"),
    }


def lighthouse(name: str, url: str, attempts: int = 3) -> dict[str, int]:
    report = REPORTS / f"{name}.json"
    for attempt in range(1, attempts + 1):
        say(f"lighthouse {url}")
        completed = subprocess.run(  # noqa: S603 - our own installed lighthouse
            [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}",
             f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
             "--quiet"],
            check=False, env={**os.environ, "CHROME_PATH": CHROME},
        )  # fmt: skip
        if completed.returncode == 0:
            break
        # Lighthouse's own runtime errors (NO_NAVSTART and the like) ask to run it again.
        if attempt == attempts:
            raise SystemExit(f"error: lighthouse failed {attempts} times on {url}")
        say(f"lighthouse failed (exit {completed.returncode}); running it again")
    data = json.loads(report.read_text())
    return {
        category: round((data["categories"][category]["score"] or 0) * 100)
        for category in CATEGORIES
    }


def main() -> int:
    ensure_tools()
    REPORTS.mkdir(parents=True, exist_ok=True)
    given = os.environ.get("LIGHTHOUSE_URL", "").rstrip("/")
    results: dict[str, dict[str, int]] = {}
    if given:
        wait_for(given + "/healthz", None, seconds=10)
        for name, path in pages_to_measure().items():
            results[name] = lighthouse(name, given + path)
    else:
        # The server's start migrates and seeds the demo content: pages are chosen after it.
        with ProductionProfile() as server:
            for name, path in pages_to_measure().items():
                results[name] = lighthouse(name, server.url + path)

    print()
    print(
        f"{'page':<10} {'performance':>12} {'accessibility':>14} {'best-practices':>15} {'seo':>5}"
    )
    for name, scores in results.items():
        print(f"{name:<10} " + " ".join(
            f"{scores[c]:>{w}}" for c, w in zip(CATEGORIES, [12, 14, 15, 5], strict=True)
        ))  # fmt: skip
    print(
        f"\nJSON reports: {REPORTS.relative_to(ROOT)}/<page>.json (open one in a Lighthouse viewer)"
    )
    low = [(n, c, s) for n, scores in results.items() for c, s in scores.items() if s < MIN_SCORE]
    for name, category, score in low:
        print(f"BELOW {MIN_SCORE}: {name} {category} {score}")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
