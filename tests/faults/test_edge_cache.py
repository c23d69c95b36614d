"""nginx's edge cache, from deploy/nginx.conf.template, in front of the fault server's gunicorn.

Each test starts an nginx of its own (an empty cache). What reached gunicorn is read from
its access log: one line per request it answered, and those that came through nginx carry
nginx's X-Request-ID (direct requests of other tests log ``rid=-``).

nginx counts a lifetime in whole seconds: an answer with ``s-maxage=1`` is kept for one
to two seconds, then the next request fetches a new copy in the background while it and
those after it still get the old one (STALE, UPDATING).
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cluster.servers import PrivateNginx
from tests.faults.conftest import ACCESS_LOG, acknowledged
from tests.faults.servers import FAULTS_DIR, Answer, request
from tests.faults.writer import Writer

STAMPEDE = 200
JUNK = 200
MADE_UP_PORTS = 50
POLL_EVERY = 0.05
# Answers for which nginx sent a request to gunicorn: MISS and EXPIRED (the reader waited
# for it), STALE (the old copy, while that request runs in the background), REVALIDATED
# (gunicorn said 304), BYPASS (the cache was not used). HIT and UPDATING: nginx alone.
FETCHED = {"MISS", "EXPIRED", "STALE", "REVALIDATED", "BYPASS"}
FROM_THE_CACHE = {"HIT", "STALE", "UPDATING", "REVALIDATED"}
LOG_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<target>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) .* rid=(?P<rid>\S+)$'
)


class UpstreamLog:
    """The requests gunicorn answered for nginx since ``mark()``."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def requests(self) -> list[tuple[str, str]]:
        with self.path.open("rb") as log:
            log.seek(self.offset)
            lines = log.read().decode(errors="replace").splitlines()
        matches = (LOG_LINE.search(line) for line in lines)
        return [(m["method"], m["target"]) for m in matches if m and m["rid"] != "-"]

    def count(self, target: str, *, method: str = "GET", at_least: int = 0) -> int:
        """Requests for ``target``, once at least ``at_least`` are logged (gunicorn writes a
        line after its answer is sent, and a background refresh ends after its reader's
        answer) and half a second has brought no other."""
        deadline = time.monotonic() + 15
        found = self.requests().count((method, target))
        while found < at_least and time.monotonic() < deadline:
            time.sleep(0.05)
            found = self.requests().count((method, target))
        time.sleep(0.5)
        return self.requests().count((method, target))


@pytest.fixture
def edge(fault_site):
    static_root = FAULTS_DIR / "static"
    with PrivateNginx(
        home=FAULTS_DIR, upstream=f"127.0.0.1:{fault_site.port}", static_root=static_root
    ) as nginx:
        yield nginx


@pytest.fixture
def upstream(fault_site):
    log = UpstreamLog(ACCESS_LOG)
    log.mark()
    return log


def get(nginx: PrivateNginx, path: str, **headers) -> Answer:
    return request(nginx.port, "GET", path, headers=headers, timeout=10)


def cache_status(answer: Answer) -> str:
    return answer.headers.get("x-cache-status", "")


def edge_lifetime(answer: Answer) -> int:
    """The s-maxage the app gave an answer: how long nginx may keep it."""
    found = re.search(r"s-maxage=(\d+)", answer.headers.get("cache-control", ""))
    assert found, answer.headers
    return int(found[1])


def served_from_the_cache(nginx: PrivateNginx, path: str) -> Answer:
    """Ask until nginx answers from a stored copy (the page is in the edge cache)."""
    deadline = time.monotonic() + 10
    answer = get(nginx, path)
    while cache_status(answer) != "HIT" and time.monotonic() < deadline:
        time.sleep(POLL_EVERY)
        answer = get(nginx, path)
    assert cache_status(answer) == "HIT", (path, answer.status, answer.headers)
    return answer


def test_a_hit_is_answered_by_nginx_alone(edge, upstream, fault_site, record_figure):
    path = fault_site.data["category_url"]
    answers = [get(edge, path) for _ in range(20)]
    statuses = [cache_status(a) for a in answers]
    fetched = sum(status in FETCHED for status in statuses)
    reached = upstream.count(path, at_least=fetched)

    record_figure("20 requests in a row: answers by X-Cache-Status",
                  dict(Counter(statuses)))  # fmt: skip
    record_figure("20 requests in a row: requests that reached gunicorn", reached)
    assert [a.status for a in answers] == [200] * 20
    assert edge_lifetime(answers[0]) >= 1
    assert statuses[0] == "MISS"
    # A stall of the machine between two requests may let the entry expire (then one
    # STALE answer and one refresh): every answer that did not fetch is a hit.
    assert statuses.count("HIT") >= 10
    assert reached == fetched


@pytest.mark.parametrize(
    "cookie",
    ["sessionid=8f1c2d9e0a7b4c3d", "csrftoken=abc; messages=W1siX19qc29uX21lc3NhZ2UiXV0"],
    ids=["session", "messages"],
)
def test_a_visitor_with_a_session_or_a_message_always_reaches_gunicorn(
    edge, upstream, fault_site, cookie
):
    path = fault_site.data["pre_url"]
    with_cookie = [get(edge, path, Cookie=cookie) for _ in range(3)]
    assert [a.status for a in with_cookie] == [200] * 3
    assert [cache_status(a) for a in with_cookie] == ["BYPASS"] * 3
    assert all("private" in a.headers["cache-control"] for a in with_cookie)
    assert edge.stored_entries() == 0  # nothing kept for them
    assert upstream.count(path, at_least=3) == 3

    anonymous = get(edge, path)  # the first reader without the cookie finds nothing
    assert cache_status(anonymous) == "MISS"
    assert edge.stored_entries() == 1
    served_from_the_cache(edge, path)
    upstream.mark()
    again = get(edge, path, Cookie=cookie)  # a stored copy exists, and is not for them
    assert cache_status(again) == "BYPASS"
    assert upstream.count(path, at_least=1) == 1


def test_posts_health_admin_and_comment_tokens_never_come_from_the_cache(
    edge, upstream, fault_site
):
    article = fault_site.data["pre_article"]
    served_from_the_cache(edge, "/")
    stored = edge.stored_entries()
    upstream.mark()

    post = request(edge.port, "POST", "/", body=b"q=1",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    comment = fault_site.post_comment(article, f"edge-{uuid.uuid4().hex[:8]}", port=edge.port)
    never = ["/healthz", "/admin/login/", f"/comments/token/?article={article}"]
    answers = {path: [get(edge, path) for _ in range(3)] for path in never}

    assert post.status in (403, 405)  # gunicorn's answer, never the stored home page
    assert cache_status(post) == "BYPASS"
    assert acknowledged(comment)
    assert cache_status(comment) == "BYPASS"
    for path, replies in answers.items():
        assert [a.status for a in replies] == [200] * 3, path
        assert not {cache_status(a) for a in replies} & FROM_THE_CACHE, path
        assert upstream.count(path, at_least=3) == 3, path
    assert upstream.count("/", method="POST", at_least=1) == 1
    assert upstream.count(f"/comments/post/{article}/", method="POST", at_least=1) == 1
    assert edge.stored_entries() == stored


def first_seen(nginx: PrivateNginx, path: str, shows, since: float, limit: float) -> float:
    """Seconds from ``since`` to the first answer through nginx for which ``shows`` is true
    (asked every POLL_EVERY seconds, for at most ``limit`` + 5 seconds)."""
    deadline = since + limit + 5
    while time.monotonic() < deadline:
        answer = get(nginx, path)
        if shows(answer):
            return answer.finished - since
        time.sleep(POLL_EVERY)
    return float("inf")


def test_a_change_is_seen_through_nginx_within_the_edge_lifetime(edge, fault_site, record_figure):
    writer = Writer(fault_site.server.env)
    try:
        lifetime = edge_lifetime(served_from_the_cache(edge, "/"))
        # Kept for up to a second more than s-maxage (whole seconds), then one refresh.
        limit = lifetime + 2
        assert writer.reply().get("ready")
        marker = uuid.uuid4().hex[:8]
        seconds = {}

        served_from_the_cache(edge, "/")
        headline = f"Έκτακτο {marker}: σεισμός στη θάλασσα"
        article, committed = writer.send(do="publish", headline=headline)
        seconds["publish (home page)"] = first_seen(
            edge, "/", lambda a: headline in a.body, committed, limit
        )

        served_from_the_cache(edge, article["url"])
        corrected = f"Διόρθωση {marker}: σεισμός 4,1 Ρίχτερ"
        _, committed = writer.send(do="edit", pk=article["pk"], headline=corrected)
        seconds["headline edit (article page)"] = first_seen(
            edge, article["url"], lambda a: corrected in a.body, committed, limit
        )

        served_from_the_cache(edge, "/")
        flash = f"Flash {marker}: κλειστή η Εθνική Οδός"
        _, committed = writer.send(do="flash", text=flash)
        seconds["flash item (home page)"] = first_seen(
            edge, "/", lambda a: flash in a.body, committed, limit
        )

        # A live blog's entry, through its one poll URL (the article turned live first).
        live, _ = writer.send(do="live_entry", pk=article["pk"], text=f"Πρώτη {marker}")
        served_from_the_cache(edge, live["url"])
        entry = f"Ενημέρωση {marker}: άνοιξε ξανά η Εθνική Οδός"
        _, committed = writer.send(do="live_entry", pk=article["pk"], text=entry)
        seconds["live blog entry (its poll URL)"] = first_seen(
            edge, live["url"], lambda a: entry in a.body, committed, limit
        )

        served_from_the_cache(edge, article["url"])
        _, committed = writer.send(do="withdraw", pk=article["pk"])
        seconds["withdrawal (article page 404)"] = first_seen(
            edge, article["url"], lambda a: a.status == 404, committed, limit
        )
    finally:
        writer.close()

    for change, value in seconds.items():
        record_figure(f"seconds from commit to the first reader through nginx: {change}",
                      f"{value:.2f}")  # fmt: skip
    record_figure("limit (s-maxage + 1 whole second + one refresh)", f"{limit} s")
    assert max(seconds.values()) <= limit, seconds


async def _stampede(port: int, path: str, clients: int, fire_at: float) -> list[str]:
    """``clients`` connections opened first, each then sends one GET at ``fire_at``;
    the X-Cache-Status of each answer ("" for anything but a 200)."""
    connections = await asyncio.gather(
        *(asyncio.open_connection("127.0.0.1", port) for _ in range(clients))
    )
    await asyncio.sleep(max(0.0, fire_at - time.monotonic()))
    get_line = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    for _, writer in connections:
        writer.write(get_line.encode())

    async def answer(reader, writer) -> str:
        await writer.drain()
        head = (await reader.read()).split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        writer.close()
        if not head[0].startswith("HTTP/1.1 200"):
            return ""
        found = [line.split(":", 1)[1].strip() for line in head if
                 line.lower().startswith("x-cache-status:")]  # fmt: skip
        return found[0] if found else "none"

    return await asyncio.wait_for(
        asyncio.gather(*(answer(reader, writer) for reader, writer in connections)), 30
    )


def test_two_hundred_readers_of_an_expired_page_send_one_request_to_gunicorn(
    edge, upstream, fault_site, record_figure
):
    path = fault_site.data["post_url"]
    first = get(edge, path)
    assert cache_status(first) == "MISS"
    assert upstream.count(path, at_least=1) == 1
    upstream.mark()
    # Expired for sure: s-maxage, plus the second nginx may add (it counts whole seconds).
    fire_at = first.finished + edge_lifetime(first) + 1.2

    # In a thread of its own: the browser tests' Playwright may leave an event loop running
    # in this one when the whole suite runs in one process.
    with ThreadPoolExecutor(1) as runner:
        statuses = runner.submit(
            asyncio.run, _stampede(edge.port, path, STAMPEDE, fire_at)
        ).result()
    reached = upstream.count(path, at_least=1)

    answers = Counter(statuses)
    record_figure("200 simultaneous readers of an expired page: answers by X-Cache-Status",
                  dict(answers))  # fmt: skip
    record_figure("200 simultaneous readers of an expired page: requests that reached gunicorn",
                  reached)  # fmt: skip
    assert "" not in answers, answers  # every reader got the page
    # The entry had expired: refreshed behind an old copy (STALE), or while a reader waited.
    assert answers["STALE"] + answers["EXPIRED"] + answers["REVALIDATED"] >= 1, answers
    assert reached <= 1, answers


def test_junk_parameters_and_made_up_ports_store_nothing_at_the_edge(
    edge, fault_site, record_figure
):
    path = fault_site.data["category_url"]
    served_from_the_cache(edge, path)
    stored = edge.stored_entries()

    ports = range(20000, 20000 + MADE_UP_PORTS)
    made_up = [get(edge, path, Host=f"127.0.0.1:{port}") for port in ports]
    with ThreadPoolExecutor(8) as pool:
        junk = list(pool.map(lambda n: get(edge, f"{path}?x={n}"), range(JUNK)))
    again = [get(edge, f"{path}?x={n}") for n in range(5)]

    record_figure(f"{JUNK} distinct ?x=<n>: answers by X-Cache-Status",
                  dict(Counter(cache_status(a) for a in junk)))  # fmt: skip
    record_figure("entries in nginx's cache before / after junk parameters and ports",
                  f"{stored} / {edge.stored_entries()}")  # fmt: skip
    assert [a.status for a in junk] == [200] * JUNK
    assert {cache_status(a) for a in junk + again} == {"MISS"}
    assert all("no-cache" in a.headers["cache-control"] for a in junk)
    # A made-up port in Host is the same page, from the same entry, with our own links.
    assert [a.status for a in made_up] == [200] * MADE_UP_PORTS
    assert "MISS" not in {cache_status(a) for a in made_up}
    assert not any(f":{port}" in a.body for a, port in zip(made_up, ports, strict=True))
    assert edge.stored_entries() == stored
