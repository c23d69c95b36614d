"""`make bench`: the portal's pages under load, as ratios to the framework's ceiling.

For each data set (small, large) and each cache mode (off, and Redis when REDIS_URL is
set), it starts the production profile (gunicorn, DEBUG off) on a free port against its
own database, measures the ceiling (a tiny template and one query through the whole
middleware stack) and then every page with wrk, and prints a table with PASS/MISS for
each target. Results go to var/bench/<time>.json and var/bench/latest.json.

The runs with Redis also measure the breaking-news moment (issue 13) against the same
ceiling: nginx from deploy/nginx.conf.template in front of the same gunicorn (edge rows),
the same pages while the desk and the moderators write (churn rows, bench/newsroom.py),
a stampede on an entry that just expired, and how soon a change shows through nginx.
Every run measures a cold article render in-process (bench/cold_render.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode

from bench import churn, datagen, edge, load
from bench.comment_posts import prepare_comment_posts
from bench.server import Gunicorn
from newsportal.pg_tools import create_database

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PYTHON = sys.executable
# Requests before a page's queries are counted, and requests counted.
WARM_UP_REQUESTS = 12
COUNTED_REQUESTS = 4
# The pages of the breaking-news rows: through nginx, and under churn.
BREAKING_PAGES = ("home", "category p1", "article 50 comments", "feed poll 200")
STAMPEDE_CONNECTIONS = 200
FRESHNESS_CHANGES = 20
COLD_RENDERS = 40
# Seconds nginx keeps a page fresh (the app's s-maxage, EDGE_CACHE_SECONDS).
EDGE_SECONDS = 1


def base_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    sys.path.insert(0, str(ROOT))
    from newsportal import embedded_db

    return embedded_db.database_url()


def database_url_for(base: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + name))


def ensure_database(base: str, name: str, *, replace: bool = False) -> str:
    create_database(database_url_for(base, "postgres"), name, replace=replace)
    return database_url_for(base, name)


def django_env(url: str, media_root: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "newsportal.settings",
        "PYTHONPATH": str(ROOT),
    }


def prepare_dataset(base: str, dataset: datagen.DataSet, media_root: Path) -> tuple[str, dict]:
    name = f"newsportal_bench_{dataset.name}"
    url = ensure_database(base, name)
    if datagen.stored_fingerprint(url) == datagen.fingerprint(dataset):
        print(f"data set {dataset.name}: reused ({name})")
        return url, datagen.landmarks(url)
    print(f"data set {dataset.name}: generating into {name}")
    started = time.monotonic()
    url = ensure_database(base, name, replace=True)
    env = django_env(url, media_root)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],  # noqa: S603
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    made = subprocess.run([PYTHON, "-m", "bench.make_images"], cwd=ROOT, env=env,  # noqa: S603
                          check=True, capture_output=True, text=True)  # fmt: skip
    image_ids = json.loads(made.stdout.strip().splitlines()[-1])
    marks = datagen.generate(url, dataset, image_ids=image_ids, image_renditions={},
                             log=lambda m: print(m, flush=True))  # fmt: skip
    print(f"data set {dataset.name}: generated in {time.monotonic() - started:.0f} s")
    return url, marks


def collect_static(static_root: Path, media_root: Path, url: str) -> None:
    env = {**django_env(url, media_root), "NEWSPORTAL_PROFILE": "production",
           "SECRET_KEY": "collectstatic-only", "ALLOWED_HOSTS": "localhost",
           "STATIC_ROOT": str(static_root)}  # fmt: skip
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],  # noqa: S603
                   cwd=ROOT, env=env, check=True)  # fmt: skip


def pages(marks: dict) -> list[dict]:
    articles = marks["articles"]
    deep = min(2000, marks["category_pages"])
    return [
        {"name": "home", "path": "/"},
        {"name": "category p1", "path": f"/{marks['category']}/"},
        {"name": f"category p{deep}", "path": f"/{marks['category']}/?page={deep}"},
        {"name": "article 0 comments", "path": articles["zero"]},
        {"name": "article 50 comments", "path": articles["fifty"]},
        {"name": "article 500 comments", "path": articles["five_hundred"]},
        {"name": "tag", "path": f"/tag/{marks['tag']}/"},
        {"name": "search", "path": "/search/?" + urlencode({"q": marks["search_word"]})},
        # One reader at a time: the latency a reader sees, without other requests queued.
        {
            "name": "search (1 reader)",
            "path": "/search/?" + urlencode({"q": marks["search_word"]}),
            "connections": 1,
        },
        {"name": "feed poll 200", "path": "/roi-eidiseon/latest/"},
        {"name": "feed poll 304", "path": "/roi-eidiseon/latest/", "etag": True},
        {"name": "rss", "path": "/rss/"},
        {"name": "sitemap", "path": "/sitemap.xml"},
    ]


def edge_pages(marks: dict) -> list[dict]:
    """The breaking-news pages through nginx, each compared with its page in Django."""
    named = {page["name"]: page for page in pages(marks)}
    return [{**named[name], "name": f"edge {name}", "via": "nginx", "base": name}
            for name in BREAKING_PAGES]  # fmt: skip


def churn_pages(marks: dict) -> list[dict]:
    """The same pages, in Django alone and through nginx, while the newsroom writes; each
    compared with its quiet twin, measured in windows alternating with it."""
    named = {page["name"]: page for page in pages(marks)}
    alone = [{**named[name], "name": f"churn {name}", "churn": True}
             for name in BREAKING_PAGES]  # fmt: skip
    through = [{**named[name], "name": f"edge churn {name}", "via": "nginx", "churn": True}
               for name in BREAKING_PAGES]  # fmt: skip
    return alone + through


def quiet_twin(page: dict) -> dict:
    """``page`` without churn ("churn home": "quiet home"), measured in windows alternating
    with it (bench/churn.py): its figure to compare with."""
    return {**page, "name": page["name"].replace("churn ", "quiet ", 1), "churn": False,
            "twin": True}  # fmt: skip


def chosen_pages(marks: dict, only: list[str] | None, *, breaking: bool = False) -> list[dict]:
    """The pages measured between ceilings (with ``breaking``, the edge rows too)."""
    every = pages(marks) + (edge_pages(marks) if breaking else [])
    return [page for page in every if not only or page["name"] in only]


def wanted(name: str, only: list[str] | None) -> bool:
    return not only or name in only


def measure_run(*, label: str, url: str, marks: dict, redis_url: str | None, seconds: int,
                wrk: str, static_root: Path, media_root: Path,
                only: list[str] | None = None) -> dict:  # fmt: skip
    log_path = OUT / "gunicorn.log"
    results = {"label": label, "pages": {}}
    tag = label.replace("/", "-").replace(" ", "-")
    counter = edge.UpstreamCounter(OUT / f"upstream-{tag}")
    # The breaking-news rows need the shared cache (the configuration they are for).
    breaking = redis_url is not None
    extra_env = {
        "MEDIA_ROOT": str(media_root),
        "COMMENTS_RATE_PER_MINUTE": "100000000",
        "COMMENTS_RATE_PER_HOUR": "100000000",
        "BENCH_UPSTREAM_DIR": str(counter.directory),
        # Bench data is dated when it was generated; keep its comments open.
        "COMMENTS_CLOSE_AFTER_DAYS": "0",
    }
    with (
        Gunicorn(database_url=url, redis_url=redis_url, static_root=static_root,
                 log_path=log_path, extra_env=extra_env) as server,
        contextlib.ExitStack() as stack,
    ):  # fmt: skip
        nginx = None
        if breaking:
            nginx = stack.enter_context(edge.Nginx(
                upstream=f"127.0.0.1:{server.port}", static_root=static_root,
                media_root=media_root, out=OUT))  # fmt: skip
        bases = {"gunicorn": server.url, "nginx": nginx.url if nginx else None}

        def show(name: str, result: dict) -> None:
            upstream = result.get("upstream")
            print(
                f"  {label}: {name:<30} {result['rps']:8.0f} req/s  "
                f"p50 {result['p50_ms']:.1f} ms  queries {result['queries']}"
                + ("" if upstream is None else f"  upstream {upstream}")
            )

        # The machine is shared and its speed drifts during a run (the ceiling moved by
        # 15-25% within one, and by several points within a minute): each page is measured
        # in windows alternating with the ceiling (page, ceiling, ceiling, page) and is a
        # ratio to the ceiling of its own windows.
        ceiling_page = {"name": "ceiling", "path": "/__bench__/ceiling/"}
        ceiling = prepared(server.url, ceiling_page)
        samples: list[dict] = []

        def measure(page: dict) -> dict:
            base = bases[page.get("via", "gunicorn")]
            page_tag = f"{tag}-{len(results['pages'])}"
            result, around = measure_with_ceiling(
                base, page, ceiling, seconds, wrk, counter=counter, tag=page_tag
            )
            samples.append(around)
            result["ceiling_rps"] = around["rps"]
            result["ratio"] = result["rps"] / around["rps"] if around["rps"] else 0
            results["pages"][page["name"]] = result
            show(page["name"], result)
            return result

        def ceiling_for(group: list[dict]) -> None:
            """One ceiling for rows compared with each other, not with it (churn)."""
            measured = load.run_wrk(wrk, ceiling.url, seconds)
            samples.append(figures(ceiling_page, ceiling.status, ceiling.counted, measured, None))
            print(f"  {label}: ceiling {samples[-1]['rps']:.0f} req/s")
            for page in group:
                result = results["pages"][page["name"]]
                result["ceiling_rps"] = samples[-1]["rps"]
                result["ratio"] = result["rps"] / samples[-1]["rps"] if samples[-1]["rps"] else 0

        for page in chosen_pages(marks, only, breaking=breaking):
            measure(page)
        if breaking:
            churning = [p for p in churn_pages(marks) if wanted(p["name"], only)]
            if churning:
                # Each page without churn and with the newsroom writing (a newsroom of its
                # own), in alternating windows (bench/churn.py): the machine's drift over a
                # run (the ceiling moves by 15-25%) is not taken for churn's effect.
                newsrooms, measured = [], []
                busy_article = article_id(marks["articles"]["fifty"])
                budget = len(churn.WINDOWS) * (churn.window_seconds(seconds) + 5) + 60
                for page in churning:
                    twin = quiet_twin(page)
                    page = {**page, "base": twin["name"]}
                    base = bases[page.get("via", "gunicorn")]
                    with churn.Newsroom(server.env, busy_article, budget) as newsroom:
                        pair = measure_under_churn(
                            base, twin, page, seconds, wrk, newsroom, counter=counter,
                            tag=f"{tag}-{len(results['pages'])}",
                        )  # fmt: skip
                    for row, result in zip((twin, page), pair, strict=True):
                        results["pages"][row["name"]] = result
                        show(row["name"], result)
                    newsrooms.append(newsroom.figures)
                    measured += [twin, page]
                results["churn"] = churn.newsroom_totals(newsrooms)
                print(f"  {label}: newsroom {results['churn']}")
                ceiling_for(measured)
            if wanted("stampede", only):
                results["stampede"] = measure_stampede(nginx, counter, marks, tag)
            if wanted("freshness", only) and (fresh := measure_freshness(server, nginx, marks)):
                results["freshness"] = fresh
                print(f"  {label}: freshness worst {fresh['worst_s']} s ({fresh['worst_kind']})")
        if not samples:
            ceiling_for([])
        results["ceiling"] = ceiling_of(samples)
        if wanted("comment POST", only):
            post = measure_comment_post(server, marks, seconds, wrk)
            mean = results["ceiling"]["rps"]
            post["ratio"] = post["rps"] / mean if mean else 0
            results["pages"]["comment POST"] = post
            print(f"  {label}: {'comment POST':<30} {post['rps']:8.0f} req/s  "
                  f"stored {post['stored']}")  # fmt: skip
        if wanted("cold article", only) and (cold := measure_cold_article(server, marks)):
            results["cold_article"] = cold
            print(f"  {label}: cold article render {results['cold_article']['median_ms']} ms "
                  f"in-process ({results['cold_article']['queries']} queries)")  # fmt: skip
        results["worker_rss_mb"] = server.worker_rss_mb()
    return results


def article_id(path: str) -> int:
    return int(path.split("/articles/")[1].split("/")[0])


def measure_stampede(nginx: edge.Nginx, counter: edge.UpstreamCounter, marks: dict,
                     tag: str) -> list[dict]:  # fmt: skip
    """STAMPEDE_CONNECTIONS requests at once on an entry that has just expired (and on one
    never stored): how many reached gunicorn."""
    rounds = []
    expired = [(name, page["path"]) for name, page in
               ((p["name"], p) for p in pages(marks)) if name in BREAKING_PAGES[:3]]  # fmt: skip
    missing = [(f"tag {number} (never stored)", f"/tag/thema-{number}/") for number in (2, 3)]
    for number, (name, path) in enumerate(expired + missing):
        if "never" not in name:
            load.probe(nginx.url + path)
            time.sleep(0.5)
            load.probe(nginx.url + path)  # stored afresh
            time.sleep(EDGE_SECONDS + 0.5)  # expired, still within stale-while-revalidate
        round_tag = f"{tag}-stampede-{number}"
        answer = edge.burst(nginx.port, path, headers={edge.TAG_HEADER: round_tag},
                            connections=STAMPEDE_CONNECTIONS)  # fmt: skip
        time.sleep(1.0)  # the refresh started by the burst has ended
        answer.update(url=name, path=path, upstream=counter.count(round_tag),
                      state="missing" if "never" in name else "expired")  # fmt: skip
        print(f"  stampede on {name}: {answer['upstream']} upstream request(s); "
              f"{answer['cache_status']}")  # fmt: skip
        rounds.append(answer)
    return rounds


def measure_freshness(server: Gunicorn, nginx: edge.Nginx, marks: dict) -> dict | None:
    """bench/newsroom.py makes FRESHNESS_CHANGES changes and polls nginx for each."""
    zero = article_id(marks["articles"]["zero"])
    edited = zero - 3  # an ordinary article among the newest (the landmarks are the newest)
    return run_helper(["bench.newsroom", "freshness", nginx.url, str(edited), str(zero),
                       str(FRESHNESS_CHANGES)], server)  # fmt: skip


def measure_cold_article(server: Gunicorn, marks: dict) -> dict | None:
    return run_helper(["bench.cold_render", marks["articles"]["fifty"], str(COLD_RENDERS)], server)


def run_helper(args: list[str], server: Gunicorn) -> dict | None:
    """A helper module's JSON figures; None (and its error printed) when it failed, so
    one failure leaves the rest of the run measured."""
    made = subprocess.run(  # noqa: S603 - fixed command line
        [PYTHON, "-m", *args], cwd=ROOT, env=server.env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    if made.returncode:
        print(f"  {args[0]} failed (exit {made.returncode}):\n{made.stderr[-2000:]}")
        return None
    return json.loads(made.stdout.strip().splitlines()[-1])


def ceiling_of(samples: list[dict]) -> dict:
    """The run's ceiling: the mean of its measurements (each kept in "samples")."""
    return {
        "path": samples[0]["path"],
        "rps": sum(s["rps"] for s in samples) / len(samples),
        "p50_ms": sum(s["p50_ms"] for s in samples) / len(samples),
        "p99_ms": max(s["p99_ms"] for s in samples),
        "queries": samples[0]["queries"],
        "samples": [round(s["rps"]) for s in samples],
    }


class Prepared(NamedTuple):
    url: str
    headers: dict  # what wrk sends
    status: int
    counted: list[int]  # the queries of a few requests once every worker is warm


def prepared(base: str, page: dict) -> Prepared:
    """The page probed, every worker warmed, its queries counted: what measuring it needs."""
    url = base + page["path"]
    headers = {}
    status, response_headers = load.probe(url)
    if page.get("etag"):
        headers = {"If-None-Match": response_headers.get("ETag")}
    # Warm every worker a little (which worker takes a request is a race), then count the
    # queries of a few requests: the fewest is a warm worker's, the most a cold one's.
    for _ in range(WARM_UP_REQUESTS):
        load.probe(url, headers)
    counted = []
    for _ in range(0 if page.get("via") == "nginx" else COUNTED_REQUESTS):
        status, response_headers = load.probe(url, headers)
        if response_headers.get("X-Queries") is not None:
            counted.append(int(response_headers["X-Queries"]))
    return Prepared(url, headers, status, counted)


def figures(page: dict, status: int, counted: list[int], result: load.Result,
            upstream: int | None) -> dict:  # fmt: skip
    return {
        "path": page["path"], "status": status, "rps": result.requests_per_second,
        "p50_ms": result.p50_ms, "p99_ms": result.p99_ms, "errors": result.errors,
        "non_2xx_3xx": result.non_2xx_3xx, "queries": min(counted) if counted else None,
        "queries_most": max(counted) if counted else None, "requests": result.requests,
        "via": page.get("via", "gunicorn"), "churn": page.get("churn", False),
        "base": page.get("base"), "twin": page.get("twin", False), "upstream": upstream,
    }  # fmt: skip


def measure_with_ceiling(base: str, page: dict, ceiling: Prepared, seconds: int, wrk: str, *,
                         counter: edge.UpstreamCounter | None = None,
                         tag: str = "") -> tuple[dict, dict]:  # fmt: skip
    """The page and the ceiling (``prepared``) in alternating windows: their figures."""
    url, headers, status, counted = prepared(base, page)
    tagged = page.get("via") == "nginx" and counter is not None
    if tagged:
        headers = {**headers, edge.TAG_HEADER: tag}
    connections = page.get("connections", load.CONNECTIONS)
    window = load.window_seconds(seconds, load.ABBA.count(0))
    measured = load.alternating(
        lambda: load.run_wrk(wrk, url, window, headers=headers, connections=connections),
        lambda: load.run_wrk(wrk, ceiling.url, window, headers=ceiling.headers),
    )
    upstream = counter.count(tag) if tagged else None
    page_result = figures(page, status, counted, measured[0], upstream)
    around = figures({"path": "/__bench__/ceiling/"}, ceiling.status, ceiling.counted,
                     measured[1], None)  # fmt: skip
    return page_result, around


def measure_under_churn(base: str, twin: dict, page: dict, seconds: int, wrk: str,
                        newsroom: churn.Newsroom, *, counter: edge.UpstreamCounter,
                        tag: str) -> tuple[dict, dict]:  # fmt: skip
    """``twin`` (the page without churn) and ``page`` (with it), in alternating windows
    (bench/churn.py)."""
    url, headers, status, counted = prepared(base, page)
    tagged = page.get("via") == "nginx"

    tags = [f"{tag}-{name}" for name in churn.KIND_NAMES]

    def window(kind: int) -> load.Result:
        sent = {**headers, edge.TAG_HEADER: tags[kind]} if tagged else headers
        return load.run_wrk(wrk, url, churn.window_seconds(seconds), headers=sent)

    measured = churn.alternate(newsroom, window)
    return tuple(
        figures(row, status, counted, measured[kind], counter.count(tags[kind]) if tagged else None)
        for row, kind in ((twin, churn.QUIET), (page, churn.CHURN))
    )


def measure_comment_post(server: Gunicorn, marks: dict, seconds: int, wrk: str) -> dict:
    script, count_stored = prepare_comment_posts(server, marks, OUT, seconds)
    before = count_stored()
    result = load.run_wrk(wrk, server.url + "/comments/post/0/", seconds, script=script)
    stored = count_stored() - before
    return {
        "path": "/comments/post/<id>/", "rps": result.requests_per_second,
        "p50_ms": result.p50_ms, "p99_ms": result.p99_ms, "errors": result.errors,
        "non_2xx_3xx": result.non_2xx_3xx, "queries": None, "stored": stored,
        "requests": result.requests,
    }  # fmt: skip


def local_redis() -> str | None:
    """This machine's Redis on 127.0.0.1:6379 (database 14), when one answers."""
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return "redis://127.0.0.1:6379/14"
    except OSError:
        return None
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--sets", default=os.environ.get("BENCH_SETS", "small,large"))
    parser.add_argument("--prepare-only", action="store_true", help="Make the data sets only.")
    parser.add_argument(
        "--pages",
        default=os.environ.get("BENCH_PAGES", ""),
        help="Only these pages (names as printed, comma-separated; also stampede, "
        "freshness, cold article).",
    )
    parser.add_argument("--caches", default=os.environ.get("BENCH_CACHES", "off,redis"),
                        help="Cache modes to run: off, redis.")  # fmt: skip
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    wrk = load.ensure_wrk()
    base = base_database_url()
    media_root = OUT / "media"
    static_root = OUT / "static"
    redis_url = os.environ.get("REDIS_URL") or local_redis()
    chosen = [s for s in (datagen.SMALL, datagen.LARGE) if s.name in args.sets.split(",")]
    report = {"time": datetime.now().isoformat(timespec="seconds"), "seconds": args.seconds,
              "runs": []}  # fmt: skip
    collected = False
    for dataset in chosen:
        url, marks = prepare_dataset(base, dataset, media_root)
        if args.prepare_only:
            continue
        if not collected:
            collect_static(static_root, media_root, url)
            collected = True
        modes = [("off", None)] + ([("redis", redis_url)] if redis_url else [])
        for mode, redis in [m for m in modes if m[0] in args.caches.split(",")]:
            label = f"{dataset.name}/cache {mode}"
            run = measure_run(label=label, url=url, marks=marks, redis_url=redis,
                              seconds=args.seconds, wrk=wrk, static_root=static_root,
                              media_root=media_root,
                              only=[p for p in args.pages.split(",") if p])  # fmt: skip
            run.update(dataset=dataset.name, cache=mode)
            report["runs"].append(run)
    if args.prepare_only:
        return 0
    from bench.report import evaluate, print_report

    report["targets"] = evaluate(report)
    print_report(report)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for path in (OUT / f"{stamp}.json", OUT / "latest.json"):
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwritten: {OUT / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
