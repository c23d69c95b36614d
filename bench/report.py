"""The benchmark's targets (issue 7) judged on one run's figures, and the printed table."""

from __future__ import annotations


def _runs(report, *, dataset=None, cache=None):
    return [
        run
        for run in report["runs"]
        if (dataset is None or run["dataset"] == dataset)
        and (cache is None or run["cache"] == cache)
    ]


def _target(name, checks):
    """checks: list of (label, passed, figure); the target passes when all do (and exist).
    A target with no figures in this run (a partial run) is "not measured"."""
    return {
        "target": name,
        "measured": bool(checks),
        "pass": bool(checks) and all(passed for _, passed, _ in checks),
        "details": [f"{label}: {figure}" for label, _, figure in checks],
    }


def evaluate(report) -> list[dict]:
    targets = []

    def ratio_target(name, page, minimum, cache, zero_queries=False):
        checks = []
        for run in _runs(report, cache=cache):
            result = run["pages"].get(page)
            if not result:
                continue
            ok = result["ratio"] >= minimum and not result["errors"]
            if zero_queries:
                ok = ok and result["queries"] == 0
            figure = f"{result['ratio'] * 100:.0f}% ({result['queries']} queries)"
            checks.append((run["label"], ok, figure))
        targets.append(_target(name, checks))

    ratio_target(
        "uncached article (50 comments) >= 20% of ceiling", "article 50 comments", 0.20, "off"
    )
    for page in ("home", "category p1", "search"):
        ratio_target(f"uncached {page} >= 15% of ceiling", page, 0.15, "off")
    ratio_target("uncached RSS >= 25% of ceiling", "rss", 0.25, "off")
    for page in ("article 50 comments", "home", "category p1"):
        ratio_target(f"cached {page} >= 100% of ceiling, 0 queries", page, 1.0, "redis", True)
    ratio_target("feed poll 304 >= 100% of ceiling, 0 queries (cache off)", "feed poll 304", 1.0,
                 "off", True)  # fmt: skip
    ratio_target("feed poll 304 >= 100% of ceiling, 0 queries (cache on)", "feed poll 304", 1.0,
                 "redis", True)  # fmt: skip

    for cache in ("off", "redis"):
        small, large = (
            _runs(report, dataset="small", cache=cache),
            _runs(report, dataset="large", cache=cache),
        )
        if not (small and large):
            continue
        checks = []
        for page, result in large[0]["pages"].items():
            deep_page = page.startswith("category p") and page != "category p1"
            if deep_page or page == "comment POST":
                continue
            base = small[0]["pages"].get(page)
            if base and base["p50_ms"]:
                factor = result["p50_ms"] / base["p50_ms"]
                checks.append((page, factor <= 1.3, f"{factor:.2f}x"))
        targets.append(_target(f"large vs small p50 within 1.3x (cache {cache})", checks))

    checks = []
    for run in _runs(report, dataset="large"):
        pages = run["pages"]
        deep = next(
            (p for n, p in pages.items() if n.startswith("category p") and n != "category p1"), None
        )
        if deep and pages.get("category p1"):
            factor = deep["p50_ms"] / pages["category p1"]["p50_ms"]
            checks.append((run["label"], factor <= 1.5, f"{factor:.2f}x"))
    targets.append(_target("deep category page p50 within 1.5x of page 1", checks))

    checks = []
    for run in report["runs"]:
        post = run["pages"].get("comment POST")
        if post:
            checks.append((run["label"], post["rps"] >= 200 and post["stored"] > 0,
                           f"{post['rps']:.0f}/s, {post['stored']} stored"))  # fmt: skip
    targets.append(_target("comment POST >= 200/s (pre-moderation)", checks))

    checks = []
    for run in _runs(report, dataset="large"):
        search = run["pages"].get("search (1 reader)")
        if search:
            checks.append((run["label"], search["p50_ms"] < 50, f"{search['p50_ms']:.1f} ms"))
    targets.append(_target("search p50 < 50 ms on the large set (one reader)", checks))

    checks = [
        (run["label"], bool(run["worker_rss_mb"]) and max(run["worker_rss_mb"]) < 150,
         f"max {max(run['worker_rss_mb'] or [0]):.0f} MB")
        for run in report["runs"]
    ]  # fmt: skip
    targets.append(_target("each gunicorn worker < 150 MB RSS after the run", checks))
    return targets


def print_report(report) -> None:
    print()
    for run in report["runs"]:
        ceiling = run["ceiling"]
        samples = ", ".join(str(rps) for rps in ceiling["samples"])
        print(
            f"== {run['label']}  (ceiling {ceiling['rps']:.0f} req/s, "
            f"p50 {ceiling['p50_ms']:.1f} ms; measured {len(ceiling['samples'])} times: "
            f"{samples} req/s; each page's ratio is to the two measured around it)"
        )
        print(
            f"   {'page':<24} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8}"
        )
        for name, page in run["pages"].items():
            queries = "-" if page["queries"] is None else str(page["queries"])
            print(f"   {name:<24} {page['rps']:8.0f} {page['ratio'] * 100:6.1f}% "
                  f"{page['p50_ms']:8.1f} {page['p99_ms']:8.1f} {queries:>8}")  # fmt: skip
        print(f"   worker RSS (MB): {', '.join(f'{m:.0f}' for m in run['worker_rss_mb'])}")
    print("\n== targets")
    for target in report["targets"]:
        mark = "PASS" if target["pass"] else "MISS" if target["measured"] else "----"
        print(f"   {mark}  {target['target']}")
        for detail in target["details"]:
            print(f"         {detail}")
