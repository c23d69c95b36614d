"""The benchmark's arithmetic: the ceiling of a run, its targets and partial runs."""

from bench.report import evaluate
from bench.run import ceiling_of, chosen_pages


def page(rps, p50=10.0, queries=0):
    return {"rps": rps, "p50_ms": p50, "p99_ms": p50 * 2, "errors": 0, "queries": queries}


def run(dataset, cache, pages, ceiling=1000.0):
    for result in pages.values():
        result.setdefault("ratio", result["rps"] / ceiling)
    return {
        "label": f"{dataset}/cache {cache}", "dataset": dataset, "cache": cache,
        "pages": pages, "worker_rss_mb": [60.0], "ceiling": {"rps": ceiling},
    }  # fmt: skip


def by_name(targets):
    return {target["target"]: target for target in targets}


def test_the_ceiling_is_the_mean_of_its_measurements():
    samples = [
        {"path": "/c/", "rps": rps, "p50_ms": p50, "p99_ms": p99, "queries": 1}
        for rps, p50, p99 in [(2000, 10, 30), (1600, 14, 50), (1800, 12, 40)]
    ]
    ceiling = ceiling_of(samples)
    assert ceiling["rps"] == 1800
    assert ceiling["p50_ms"] == 12
    assert ceiling["p99_ms"] == 50
    assert ceiling["samples"] == [2000, 1600, 1800]


def test_ratio_targets_pass_and_miss_on_the_line():
    report = {"runs": [run("small", "off", {"home": page(150), "article 50 comments": page(199)})]}
    targets = by_name(evaluate(report))
    assert targets["uncached home >= 15% of ceiling"]["pass"]
    article = targets["uncached article (50 comments) >= 20% of ceiling"]
    assert article["measured"]
    assert not article["pass"]
    assert article["details"] == ["small/cache off: 20% (0 queries)"]


def test_a_cache_hit_target_needs_zero_queries():
    pages = {"home": page(1500, queries=1)}
    targets = by_name(evaluate({"runs": [run("small", "redis", pages)]}))
    assert not targets["cached home >= 100% of ceiling, 0 queries"]["pass"]


def test_a_partial_run_leaves_other_targets_unmeasured():
    targets = by_name(evaluate({"runs": [run("small", "off", {"home": page(150)})]}))
    search = targets["uncached search >= 15% of ceiling"]
    assert not search["measured"]
    assert not search["pass"]


def test_large_against_small_compares_each_page_p50():
    small = run("small", "off", {"home": page(200, p50=100), "rss": page(900, p50=20)})
    large = run("large", "off", {"home": page(180, p50=125), "rss": page(700, p50=27)})
    targets = by_name(evaluate({"runs": [small, large]}))
    target = targets["large vs small p50 within 1.3x (cache off)"]
    assert target["details"] == ["home: 1.25x", "rss: 1.35x"]
    assert not target["pass"]


def test_pages_can_be_chosen_by_name():
    marks = {
        "articles": {"zero": "/a/0/", "fifty": "/a/50/", "five_hundred": "/a/500/"},
        "category": "agores", "category_pages": 3, "tag": "t", "search_word": "λέξη",
    }  # fmt: skip
    assert [p["name"] for p in chosen_pages(marks, ["rss", "home"])] == ["home", "rss"]
    assert len(chosen_pages(marks, None)) == len(chosen_pages(marks, []))
    assert [p["path"] for p in chosen_pages(marks, ["category p3"])] == ["/agores/?page=3"]
