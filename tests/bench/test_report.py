"""The benchmark's arithmetic: the ceiling of a run, its targets and partial runs."""

from bench import churn
from bench.churn import newsroom_totals
from bench.load import Result, alternating, combined, parse_wrk, window_seconds
from bench.report import churn_shares, evaluate
from bench.run import ceiling_of, chosen_pages, churn_pages, quiet_twin


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
    article = targets["uncached article (50 comments) >= 40% of ceiling"]
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


def test_large_against_small_leaves_out_answers_from_nginx_s_cache():
    edge = {"via": "nginx", "base": "home", "upstream": 2, "requests": 1000}
    small = run(
        "small",
        "redis",
        {"home": page(2000, p50=14), "edge home": {**page(40000, p50=0.3), **edge}},
    )
    large = run(
        "large",
        "redis",
        {"home": page(2000, p50=15), "edge home": {**page(30000, p50=0.5), **edge}},
    )
    target = by_name(evaluate({"runs": [small, large]}))[
        "large vs small p50 within 1.3x (cache redis)"
    ]
    assert target["details"] == ["home: 1.07x"]
    assert target["pass"]


def test_large_against_small_leaves_out_the_churn_rows():
    rows = {
        "home": page(2000, p50=14),
        "quiet home": {**page(2000, p50=14), "twin": True},
        "churn home": {**page(1700, p50=16), "churn": True, "base": "quiet home"},
    }
    slower = {**rows, "churn home": {**rows["churn home"], "p50_ms": 30.0}}
    target = by_name(
        evaluate({"runs": [run("small", "redis", rows), run("large", "redis", slower)]})
    )["large vs small p50 within 1.3x (cache redis)"]
    assert target["details"] == ["home: 1.00x"]
    assert target["pass"]


def test_pages_can_be_chosen_by_name():
    marks = {
        "articles": {"zero": "/a/0/", "fifty": "/a/50/", "five_hundred": "/a/500/"},
        "category": "agores", "category_pages": 3, "tag": "t", "search_word": "λέξη",
    }  # fmt: skip
    assert [p["name"] for p in chosen_pages(marks, ["rss", "home"])] == ["home", "rss"]
    assert len(chosen_pages(marks, None)) == len(chosen_pages(marks, []))
    assert [p["path"] for p in chosen_pages(marks, ["category p3"])] == ["/agores/?page=3"]


WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:41419/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.14ms    4.48ms 106.19ms   86.42%
    Req/Sec     2.61k     0.99k    6.56k    87.50%
  Latency Distribution
     50%    4.24ms
     75%    6.97ms
     90%    9.77ms
     99%   19.45ms
  10619 requests in 2.08s, 1.27GB read
Requests/sec:   5116.10
Transfer/sec:    625.75MB
"""


def test_wrk_latencies_are_read_from_the_distribution_not_a_column_ending_in_50_percent():
    result = parse_wrk(WRK_OUTPUT)
    assert (result.p50_ms, result.p99_ms) == (4.24, 19.45)
    assert result.requests_per_second == 5116.10
    assert result.requests == 10619


def breaking_run(*, edge=12.0, churn=(0.9, 11.0), pace=20.0, stampede=(1, 1), fresh=1.5,
                 cold=11.0, dataset="large"):  # fmt: skip
    """A Redis run with the breaking-news rows: ratios as given (the ceiling is 1000)."""
    ceiling = 1000.0
    pages = {
        "home": page(1100.0),
        "edge home": {**page(edge * ceiling), "via": "nginx", "base": "home", "upstream": 3},
        "churn home": {**page(churn[0] * 1100.0), "churn": True, "base": "home"},
        "edge churn home": {**page(churn[1] * ceiling), "via": "nginx", "churn": True,
                            "base": "edge home", "upstream": 4},
    }  # fmt: skip
    result = run(dataset, "redis", pages, ceiling)
    result["churn"] = {"comments_per_second": pace, "flash_items": 9}
    result["stampede"] = [
        {"url": name, "state": "expired", "upstream": upstream, "failed": 0,
         "statuses": {"200": 200}}
        for name, upstream in zip(("home", "article"), stampede, strict=True)
    ]  # fmt: skip
    changes = [{"kind": "flash item", "seconds": 0.4}] * 19 + [
        {"kind": "headline", "seconds": fresh}
    ]
    result["freshness"] = {"changes": changes, "worst_s": fresh, "worst_kind": "headline",
                           "median_s": 0.4}  # fmt: skip
    result["cold_article"] = {"median_ms": cold, "queries": 7}
    return result


def test_churn_rows_are_compared_with_the_same_page_without_churn():
    shares = {(via, page): round(share, 3) for via, page, share in churn_shares(breaking_run())}
    assert shares == {("gunicorn", "home"): 0.9, ("nginx", "edge home"): round(11 / 12, 3)}


def test_each_churn_row_has_a_quiet_twin_measured_in_windows_alternating_with_it():
    marks = {
        "articles": {"zero": "/a/0/", "fifty": "/a/50/", "five_hundred": "/a/500/"},
        "category": "agores", "category_pages": 3, "tag": "t", "search_word": "λέξη",
    }  # fmt: skip
    for page in churn_pages(marks):
        twin = quiet_twin(page)
        assert twin["path"] == page["path"]
        assert twin.get("via") == page.get("via")
        assert twin["name"] == page["name"].replace("churn", "quiet")
        assert twin["twin"]
        assert not twin["churn"]


def test_a_quiet_twin_through_nginx_is_not_an_edge_row():
    run_ = breaking_run()
    run_["pages"]["edge quiet home"] = {**page(3.0 * 1000.0), "via": "nginx",
                                        "twin": True}  # fmt: skip
    targets = by_name(evaluate({"runs": [run_]}))
    assert targets["edge hits >= 10x the ceiling"]["pass"]  # its 3x is not judged here


def test_a_churn_row_is_named_after_its_page_when_compared_with_its_quiet_twin():
    pages = {
        "quiet home": page(1000.0),
        "churn home": {**page(850.0), "churn": True, "base": "quiet home"},
        "edge quiet home": {**page(20000.0), "via": "nginx", "twin": True},
        "edge churn home": {**page(19000.0), "via": "nginx", "churn": True,
                            "base": "edge quiet home"},
    }  # fmt: skip
    shares = {(via, name): round(share, 3) for via, name, share in
              churn_shares(run("small", "redis", pages))}  # fmt: skip
    assert shares == {("gunicorn", "home"): 0.85, ("nginx", "edge home"): 0.95}


def test_windows_alternate_quiet_and_churn_so_a_steady_drift_weighs_on_both_alike():
    windows = churn.WINDOWS
    assert windows.count(churn.QUIET) == windows.count(churn.CHURN)
    # A machine slowing down steadily: the mean position of each kind's windows is the same.
    positions = {kind: [i for i, k in enumerate(windows) if k == kind] for kind in set(windows)}
    assert sum(positions[churn.QUIET]) == sum(positions[churn.CHURN])
    assert [churn.window_seconds(seconds) for seconds in (1, 5, 9, 16)] == [2, 2, 2, 4]


def test_windows_of_a_page_add_up_to_their_requests_over_their_time():
    fast = Result(2000.0, 10.0, 30.0, 0, 0, 4000)  # 2 s
    slow = Result(1000.0, 20.0, 50.0, 1, 2, 2000)  # 2 s
    middle = Result(1500.0, 15.0, 40.0, 0, 0, 3000)  # 2 s
    both = combined([fast, slow, middle])
    assert both.requests_per_second == 1500.0  # 9,000 requests in 6 s
    assert (both.p50_ms, both.p99_ms, both.errors, both.non_2xx_3xx) == (15.0, 50.0, 1, 2)
    assert both.requests == 9000


def test_the_newsroom_writes_during_the_churn_windows_only(monkeypatch):
    monkeypatch.setattr(churn, "SETTLE_SECONDS", 0)

    class Newsroom:
        writing = False

        def write(self):
            self.writing = True

        def hold(self):
            self.writing = False

    newsroom, seen = Newsroom(), []

    def window(kind):
        seen.append((kind, newsroom.writing))
        return Result(2000.0 if kind == churn.QUIET else 1600.0, 10.0, 20.0, 0, 0, 4000)

    quiet, busy = churn.alternate(newsroom, window)
    assert seen == [(kind, kind == churn.CHURN) for kind in churn.WINDOWS]
    assert (quiet.requests_per_second, busy.requests_per_second) == (2000.0, 1600.0)
    assert not newsroom.writing  # held once the page is measured


def test_a_page_and_the_ceiling_are_measured_in_alternating_windows():
    calls = []

    def run_of(name, rps):
        def run():
            calls.append(name)
            return Result(rps, 10.0, 20.0, 0, 0, int(rps * 2))

        return run

    page_result, ceiling = alternating(run_of("page", 1000.0), run_of("ceiling", 2000.0))
    assert calls == ["page", "ceiling", "ceiling", "page"]
    assert (page_result.requests_per_second, ceiling.requests_per_second) == (1000.0, 2000.0)
    assert (page_result.requests, ceiling.requests) == (4000, 8000)
    assert [window_seconds(s, 2) for s in (1, 5, 10)] == [2, 2, 5]


def test_the_churn_rows_newsrooms_are_added_up():
    one = {"seconds": 10.0, "comments_published": 200, "held_then_approved": 25,
           "flash_items": 10, "comments_per_second": 20.0, "most_late_s": 0.01}  # fmt: skip
    slow = {**one, "comments_published": 100, "most_late_s": 0.5}
    totals = newsroom_totals([one, slow])
    assert totals["comments_per_second"] == 15.0
    assert (totals["flash_items"], totals["most_late_s"], totals["newsrooms"]) == (20, 0.5, 2)
    assert newsroom_totals([one, {"failed": True}])["failed"]
    assert newsroom_totals([])["failed"]


def test_breaking_news_targets_pass_on_good_figures():
    targets = by_name(evaluate({"runs": [breaking_run()]}))
    for name in (
        "edge hits >= 10x the ceiling",
        "under churn, cached pages >= 80% of no churn (Django alone)",
        "under churn, cached pages >= 80% of no churn (through nginx)",
        "stampede: <= 1 upstream request per URL per expiry",
        "freshness through nginx <= 2 s (worst of the changes)",
        "cold article render <= 12 ms in-process on the large set",
    ):
        assert targets[name]["pass"], name
    assert targets["edge hits >= 10x the ceiling"]["details"] == [
        "large/cache redis home: 12.0x (3 of ? upstream)"
    ]


def test_breaking_news_targets_miss_past_their_lines():
    bad = breaking_run(edge=9.5, churn=(0.79, 7.0), stampede=(1, 2), fresh=2.01, cold=12.5)
    targets = by_name(evaluate({"runs": [bad]}))
    assert not targets["edge hits >= 10x the ceiling"]["pass"]
    django = targets["under churn, cached pages >= 80% of no churn (Django alone)"]
    assert django["details"] == ["large/cache redis home: 79%"]
    assert not django["pass"]
    nginx = targets["under churn, cached pages >= 80% of no churn (through nginx)"]
    assert nginx["details"] == ["large/cache redis edge home: 74%"]
    assert not nginx["pass"]
    stampede = targets["stampede: <= 1 upstream request per URL per expiry"]
    assert stampede["details"][1] == "large/cache redis article expired: 2 (200/200 answered 200)"
    assert not stampede["pass"]
    assert not targets["freshness through nginx <= 2 s (worst of the changes)"]["pass"]
    assert not targets["cold article render <= 12 ms in-process on the large set"]["pass"]


def test_churn_does_not_count_when_the_newsroom_fell_behind():
    targets = by_name(evaluate({"runs": [breaking_run(pace=12.0)]}))
    target = targets["under churn, cached pages >= 80% of no churn (Django alone)"]
    assert not target["pass"]
    assert target["details"] == ["large/cache redis home: 90% (the newsroom kept only 12.0/s)"]


def test_the_cold_render_target_reads_the_large_set_only():
    targets = by_name(evaluate({"runs": [breaking_run(dataset="small", cold=30.0)]}))
    assert not targets["cold article render <= 12 ms in-process on the large set"]["measured"]


def test_breaking_news_rows_are_chosen_by_name():
    marks = {
        "articles": {"zero": "/a/0/", "fifty": "/a/50/", "five_hundred": "/a/500/"},
        "category": "agores", "category_pages": 3, "tag": "t", "search_word": "λέξη",
    }  # fmt: skip
    assert chosen_pages(marks, ["edge home"]) == []  # only in runs with Redis
    edge = chosen_pages(marks, ["edge home", "edge feed poll 200"], breaking=True)
    assert [(p["path"], p["via"], p["base"]) for p in edge] == [
        ("/", "nginx", "home"),
        ("/roi-eidiseon/latest/", "nginx", "feed poll 200"),
    ]


def test_the_markdown_table_has_a_column_per_run_and_a_row_per_target():
    from bench.report import markdown

    report = {"runs": [breaking_run(dataset="small")]}
    report["runs"][0]["ceiling"].update(p50_ms=14.0)
    report["targets"] = evaluate(report)
    text = markdown(report)
    assert "| page | small/cache redis |" in text
    assert "| ceiling (req/s, p50) | 1000, 14.0 ms |" in text
    assert "| edge home | 12000 (1200%), 10.0 ms, up 3 |" in text
    assert "| home | 1100 (110%), 10.0 ms, 0 q |" in text
    assert "| edge hits >= 10x the ceiling | PASS | small/cache redis home: 12.0x" in text
