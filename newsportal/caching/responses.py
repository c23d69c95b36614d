"""One response cache for reader pages, syndication, sitemaps and the feed poll.

Each URL name that may be cached has a Policy (setting CACHE_POLICIES): the query
parameters it reads and how to normalise them, the scopes it always shows, and how long
a shared cache in front of us (nginx, a CDN) may keep it. The middleware, placed outside
sessions, CSRF and messages:

- answers anonymous visitors (no session, no pending message) from a stored response when
  the versions of every scope it showed are still current (newsportal/caching/scopes.py):
  first this worker's memory, then the shared cache; otherwise the view renders it while
  the scopes it reads are recorded, and it is stored under its *canonical* URL: only the
  parameters the URL reads, normalised, so junk parameters never mint an entry;
- fills the live parts of every HTML response (newsportal/caching/live.py);
- gives every response of a policy URL a weak ETag of its final bytes and answers a
  matching If-None-Match with 304 (Django's get_conditional_response);
- tells shared caches what they may keep: ``public, max-age=0, s-maxage=N`` (and a
  CDN-Cache-Control with stale-while-revalidate) for a canonical anonymous answer,
  ``public, no-cache`` for a URL with parameters it does not read, ``private`` for a
  visitor with a session.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache as memoized
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.module_loading import import_string

from newsportal.caching import live
from newsportal.caching.fragments import bounded
from newsportal.caching.memory import Memory
from newsportal.caching.scopes import SITE, Recorder, depends_on, unchanged_since, versions_of
from newsportal.caching.view_names import view_name_of

Normaliser = Callable[[str], str | None]


@dataclass(frozen=True)
class Policy:
    """How one URL name is cached. ``params``: each query parameter the view reads and its
    normaliser (the canonical value, or None for its default or an invalid value, which the
    view shows as the default). ``unstored``: parameters whose every value is a page of its
    own (a cursor): such pages go to shared caches in front of us but not into ours."""

    params: Mapping[str, Normaliser] = field(default_factory=dict)
    scopes: tuple[str, ...] = (SITE,)
    unstored: frozenset[str] = frozenset()
    edge_seconds: int | None = None  # None: settings.EDGE_CACHE_SECONDS
    browser_seconds: int | str = 0  # or the name of the setting that says it
    # How long a stored answer may live. None: PAGE_CACHE_SECONDS (0 stores no page: a
    # production instance without Redis). A number: always stored, also without Redis
    # (small answers, asked all day: the feed poll, syndication).
    lifetime: int | None = None
    # The view reads no session, user or cookie: signed-in visitors get the same answer.
    same_for_everyone: bool = False
    # Parameters that make the answer one visitor's own (the notice after posting a
    # comment): rendered afresh, never stored, never kept in front of us.
    personal: frozenset[str] = frozenset()
    # Headers decided afresh for every answer, stored or not (a server-side lever such as
    # the feed's poll interval must act at once, not when the content next changes); given
    # the answer, whose own headers say what its content decided (an ended live blog).
    live_headers: Callable[[HttpResponse], dict[str, str]] | None = None


def page_number(value: str) -> str | None:
    """``page=2`` ... ; 1, nothing or anything else is the first page (None)."""
    if value.isascii() and value.isdigit() and len(value) <= 6 and int(value) > 1:
        return str(int(value))
    return None


def one_of(*choices: str, default: str | None = None) -> Normaliser:
    def normalise(value: str) -> str | None:
        return value if value in choices and value != default else None

    return normalise


def matching(pattern) -> Normaliser:
    def normalise(value: str) -> str | None:
        return value if pattern.fullmatch(value) else None

    return normalise


# Headers set per response by middleware outside this one, or about this response only.
NOT_REPLAYED_HEADERS = {
    "set-cookie", "date", "etag", "cache-control", "content-length", "x-request-id",
    "content-security-policy", "content-security-policy-report-only",
}  # fmt: skip


class Entry(NamedTuple):
    chunks: list  # bytes and live-part markers (newsportal/caching/live.py)
    headers: list[tuple[str, str]]
    versions: dict[str, str]  # what it showed, as read while it was rendered
    live_scopes: tuple[str, ...] = ()  # what its live parts follow (live.dependencies)
    clock: int = 0  # and how often they may change by themselves (0: never)
    digest: str = ""  # of the versions: which rendering this is (see _digest)
    # time.time() of this rendering and of the ones before it (the last FLOOD_RENDERS):
    # whether the page is in a flood of changes (PAGE_RENEW_SECONDS).
    renders: tuple[float, ...] = ()


STORED_RESPONSES = Memory(max_bytes=settings.PAGE_CACHE_LOCAL_BYTES)
# Stored answers with their live parts filled in, per state of those parts' scopes (and
# clock): a hit whose feed, counts and banner have not moved is sent as it was last time,
# its ETag already computed. Bounded with the stored answers.
FILLED_RESPONSES = Memory(max_bytes=settings.PAGE_CACHE_LOCAL_BYTES)


@memoized
def _policies() -> dict[str, Policy]:
    return import_string(settings.CACHE_POLICIES) if settings.CACHE_POLICIES else {}


def policy_for(request) -> Policy | None:
    if request.method not in ("GET", "HEAD"):
        return None
    return _policies().get(view_name_of(request.path_info))


def canonical_query(request, policy: Policy) -> tuple[str, bool]:
    """The query string of the answer (parameters the URL reads, normalised and sorted),
    and whether every parameter it reads was given in that form. A parameter it does not
    read changes nothing; one it reads with another form of a value (``page=1``,
    ``page=abc``) is for the view to answer, and that answer is not stored."""
    pairs, exact = [], True
    for name, normalise in policy.params.items():
        values = request.GET.getlist(name)
        if not values:
            continue
        value = normalise(values[-1])
        exact = exact and len(values) == 1 and value == values[0]
        if value is not None:
            pairs.append((name, value))
    return urlencode(sorted(pairs)), exact


def shows_another_page(request) -> None:
    """Said by a view whose answer is not the one its URL names (``?page=99`` of a list
    of five pages shows the fifth): such an answer is never stored."""
    request._caching_not_canonical = True


def _has_visitor_cookie(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or settings.MESSAGES_COOKIE_NAME in cookies
        # Read replicas: who has just written reads from the primary (newsportal/db_router.py).
        or getattr(settings, "MULTIDB_PINNING_COOKIE", "pin_primary") in cookies
    )


def _key(request, query: str) -> str:
    identity = f"{request.get_host()}|{request.path}|{query}|{timezone.localdate()}"
    return "resp:" + hashlib.sha256(identity.encode()).hexdigest()[:32]


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return False
    return "cookie" not in response.get("Vary", "").lower()


def _without_language_vary(response) -> None:
    """Language is in the URL (Greek unprefixed, English under /en/): the answer does not
    depend on Accept-Language, and caches in front of us must not split on it."""
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    kept = [v for v in vary if v.lower() != "accept-language"]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif "Vary" in response:
        del response["Vary"]


# While one process renders a stored answer again (its scopes moved), the others serve the
# previous one for at most this long instead of all rendering it at once: twenty comments
# a second on one article must not make every worker render that article twenty times.
RENEWING_SECONDS = 2


# Stored answers this process found current, by key, with the scopes.unchanged_since()
# token and the digest of the answer: while nothing moved, a hit compares no versions
# (a home page shows about ninety).
_FOUND_CURRENT: dict[str, tuple] = {}
FOUND_CURRENT_LIMIT = 10_000
# Stored answers this process found stale, with the token, the digest and the versions
# read: a page kept stale by a flood of changes (served as it is while it is renewed) is
# asked for many times between two changes, and comparing its versions on each request
# cost a third of a hit. Few pages are stale at once: a small bound.
_FOUND_STALE: dict[str, tuple] = {}
FOUND_STALE_LIMIT = 256


def _current(key: str, entry: Entry) -> tuple[bool, dict[str, str]]:
    """Whether the entry is current, and the versions of its scopes and its live parts'
    (one read of the shared cache for all of them)."""
    token = unchanged_since()
    digest = _digest(entry)
    if token is not None:
        if _FOUND_CURRENT.get(key) == (token, digest):
            return True, versions_of(entry.live_scopes)
        stale = _FOUND_STALE.get(key)
        if stale is not None and stale[0] == token and stale[1] == digest:
            return False, stale[2]
    versions = versions_of({*entry.versions, *entry.live_scopes})
    current = all(versions[scope] == version for scope, version in entry.versions.items())
    if token is not None:
        found, limit = (
            (_FOUND_CURRENT, FOUND_CURRENT_LIMIT) if current else (_FOUND_STALE, FOUND_STALE_LIMIT)
        )
        if len(found) >= limit:
            found.clear()
        found[key] = (token, digest) if current else (token, digest, versions)
    return current, versions


def versions_digest(versions: dict[str, str]) -> str:
    return hashlib.blake2b(repr(sorted(versions.items())).encode(), digest_size=8).hexdigest()


def _digest(entry: Entry) -> str:
    """Which rendering an entry is (the versions it showed): two processes holding the
    same digest hold the same answer. Computed when it is stored."""
    return entry.digest or versions_digest(entry.versions)


class Found(NamedTuple):
    entry: Entry | None  # the stored answer (or the previous one, when not current)
    current: bool
    versions: dict[str, str]  # of its scopes and its live parts, as read now
    renewed: bool = False  # in a flood of changes and renewed lately: serve it as it is


# A page rendered this many times within FLOOD_SECONDS is in a flood of changes (an article
# taking twenty comments a second): it is then rendered again at most once per
# PAGE_RENEW_SECONDS. A page that changes now and then is rendered on the next request.
FLOOD_RENDERS = 4
FLOOD_SECONDS = 2.0


def _in_a_flood(times: tuple[float, ...]) -> bool:
    """``times`` (of renderings or fillings) show a flood of changes, FLOOD_RENDERS within
    FLOOD_SECONDS, and the last is younger than PAGE_RENEW_SECONDS."""
    renew = settings.PAGE_RENEW_SECONDS
    if renew <= 0 or len(times) < FLOOD_RENDERS:
        return False
    last = times[-1]
    return time.time() - last < renew and last - times[-FLOOD_RENDERS] < FLOOD_SECONDS


def _renewed(entry: Entry) -> bool:
    """Rendered less than PAGE_RENEW_SECONDS ago (by any process) while in a flood of
    changes: served as it is however often its scopes moved since. Decided from the entry
    itself, so a process whose copy is that young asks the shared cache nothing."""
    return _in_a_flood(entry.renders)


def _renders(previous: Entry | None) -> tuple[float, ...]:
    """The rendering times a new rendering of ``previous``'s page carries."""
    kept = previous.renders[-(FLOOD_RENDERS - 1) :] if previous is not None else ()
    return (*kept, time.time())


def _lookup(key: str) -> Found:
    """The stored answer and whether it is current.

    A stale copy in this process is compared with the shared one by digest first (a few
    bytes): while twenty comments a second keep an article's entry stale and one process
    renders it again, the others serve their own copy without fetching the shared one
    (eighty kilobytes) on every request. A copy younger than PAGE_RENEW_SECONDS is served
    without even that."""
    local = STORED_RESPONSES.get(key)
    if local is not None:
        current, versions = _current(key, local)
        if current:
            return Found(local, True, versions)
        if _renewed(local):
            return Found(local, False, versions, True)
        digest_key = f"{key}:digest"
        if cache.get_many([digest_key]).get(digest_key) == _digest(local):
            return Found(local, False, versions)
    shared = cache.get(key)
    if shared is None:
        return Found(local, False, versions if local is not None else {})
    if not shared.digest:  # stored by an earlier release, without it
        shared = shared._replace(digest=versions_digest(shared.versions))
    current, versions = _current(key, shared)
    # Kept even when stale: the next request compares digests, not pages.
    STORED_RESPONSES.set(
        key, shared, size=sum(len(c) for c in shared.chunks if isinstance(c, bytes))
    )
    return Found(shared, current, versions, not current and _renewed(shared))


class Filling(NamedTuple):
    """The last filling of a stored answer in this process."""

    digest: str  # of the rendering it filled
    state: tuple  # of the live parts it was filled for (its key in FILLED_RESPONSES)
    times: tuple[float, ...]  # of the last FLOOD_RENDERS fillings of that rendering


_LAST_FILLED: dict[str, Filling] = {}


def _filled(request, key: str, entry: Entry, versions: dict[str, str]) -> tuple[bytes, str]:
    """The entry with its live parts filled, and its ETag: kept per state of the parts.

    A page whose live parts are in a flood of changes (the home page showing the count of
    an article taking twenty comments a second) is filled again at most once per
    PAGE_RENEW_SECONDS, as a page in a flood is rendered: each filling reads the moved
    counter and joins and hashes the whole page again."""
    digest = _digest(entry)
    state = (
        key,
        digest,
        tuple(versions.get(scope, "") for scope in entry.live_scopes),
        int(time.time() // entry.clock) if entry.clock else 0,
    )
    filled = FILLED_RESPONSES.get(state)
    if filled is not None:
        return filled
    last = _LAST_FILLED.get(key)
    if last is not None and last.digest != digest:
        last = None  # another rendering: filled at once
    if last is not None and _in_a_flood(last.times):
        kept = FILLED_RESPONSES.get(last.state)
        if kept is not None:
            return kept
    with translation.override(_language_of(request)):
        content = live.fill(request, entry.chunks)
    filled = (content, weak_etag(content))
    if entry.live_scopes or not live.has_markers(content):
        FILLED_RESPONSES.set(state, filled, size=len(content))
        if len(_LAST_FILLED) >= FOUND_CURRENT_LIMIT:
            _LAST_FILLED.clear()
        times = last.times[-(FLOOD_RENDERS - 1) :] if last is not None else ()
        _LAST_FILLED[key] = Filling(digest, state, (*times, time.time()))
    return filled


def _forget(key: str) -> None:
    cache.delete_many([key, f"{key}:digest"])
    STORED_RESPONSES.delete(key)


def _store(key: str, entry: Entry, lifetime: int) -> None:
    size = sum(len(c) for c in entry.chunks if isinstance(c, bytes))
    lifetime = max(1, int(bounded(lifetime)))
    cache.set_many({key: entry, f"{key}:digest": _digest(entry)}, lifetime)
    STORED_RESPONSES.set(key, entry, size=size, timeout=lifetime)


def _language_of(request) -> str:
    """The page's language, from its path: on a stored answer LocaleMiddleware never ran."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def fill_live_parts(request, response) -> None:
    """Replace the live-part markers of an HTML response by their current HTML."""
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return
    if live.has_markers(response.content):
        with translation.override(_language_of(request)):
            content = live.fill(request, live.split(response.content))
        _set_content(response, content)


def _set_content(response, content: bytes) -> None:
    response.content = content
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(content))


def weak_etag(content: bytes) -> str:
    """The one ETag rule: weak, from the bytes the visitor gets. SHA-256 runs on the CPU's
    own instructions here (twice as fast as BLAKE2 over a 90 KB page)."""
    return f'W/"{hashlib.sha256(content).hexdigest()[:24]}"'


def shared_cache_control(policy: Policy) -> tuple[dict, str]:
    """Cache-Control for browsers and shared caches, and a CDN-Cache-Control (RFC 9213) for
    a CDN. stale-while-revalidate goes only to the CDN: browsers honour it too, and would
    show a reader the previous page (or an open page's script the previous poll answer)
    while fetching the new one. nginx serves stale while updating by its own directive."""
    edge = settings.EDGE_CACHE_SECONDS if policy.edge_seconds is None else policy.edge_seconds
    browser = (
        getattr(settings, policy.browser_seconds)
        if isinstance(policy.browser_seconds, str)
        else policy.browser_seconds
    )
    cdn = f"public, max-age={edge}, stale-while-revalidate={settings.EDGE_STALE_SECONDS}"
    return {"public": True, "max_age": browser, "s_maxage": edge}, cdn


class ResponseCacheMiddleware:
    """Answers a stored response before sessions, CSRF, locale, messages and the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _render_and_store(
        self, request, policy: Policy, key: str, lifetime: int, stores: bool,
        previous: Entry | None = None,
    ):  # fmt: skip
        """The view's answer, its live parts filled; stored when it may be (``previous``:
        the answer it replaces)."""
        with Recorder() as recorder:
            depends_on(*policy.scopes)
            response = self.get_response(request)
        if not _storable(response):
            fill_live_parts(request, response)
            if response.status_code in (404, 410) and "Cache-Control" not in response:
                # A withdrawn article: caches in front of us replace their copy with the
                # answer "gone" as fast as they would with a new page.
                control, _cdn = shared_cache_control(policy)
                patch_cache_control(response, **{**control, "max_age": 0})
            return response
        _without_language_vary(response)
        chunks = live.split(response.content)
        if stores and not getattr(request, "_caching_not_canonical", False):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in NOT_REPLAYED_HEADERS
            ]
            live_scopes, clock = live.dependencies(chunks)
            versions = dict(recorder)
            entry = Entry(
                chunks, headers, versions, live_scopes, clock, versions_digest(versions),
                _renders(previous),
            )  # fmt: skip
            _store(key, entry, lifetime)
        with translation.override(_language_of(request)):
            _set_content(response, live.fill(request, chunks))
        return response

    def __call__(self, request):
        policy = policy_for(request)
        if policy is None:
            response = self.get_response(request)
            fill_live_parts(request, response)
            return response
        personal = policy.personal & request.GET.keys()
        if personal or (not policy.same_for_everyone and _has_visitor_cookie(request)):
            response = self.get_response(request)
            fill_live_parts(request, response)
            if "public" not in response.get("Cache-Control", ""):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        query, exact = canonical_query(request, policy)
        canonical = query == request.META.get("QUERY_STRING", "")
        lifetime = settings.PAGE_CACHE_SECONDS if policy.lifetime is None else policy.lifetime
        stores = exact and lifetime > 0 and not (policy.unstored & request.GET.keys())
        key = _key(request, query)
        entry, current, versions, renewed = _lookup(key) if stores else Found(None, False, {})
        etag = None
        renewing = previous = None
        if (
            entry is not None
            and not current
            and not renewed
            and cache.add(f"{key}:renewing", 1, RENEWING_SECONDS)
        ):
            # This request renders it again.
            renewing, previous, entry = f"{key}:renewing", entry, None
        if entry is not None:  # current, or the previous one while another process renders
            content, etag = _filled(request, key, entry, versions)
            response = HttpResponse(content)
            for name, value in entry.headers:
                response[name] = value
        else:
            try:
                response = self._render_and_store(request, policy, key, lifetime, stores, previous)
            finally:
                if renewing:
                    cache.delete(renewing)
            if not _storable(response):
                if renewing:
                    _forget(key)  # gone (a withdrawn article): no previous answer either
                return response
        canonical = canonical and not getattr(request, "_caching_not_canonical", False)
        for name, value in (policy.live_headers(response) if policy.live_headers else {}).items():
            response[name] = value
        if "Cache-Control" in response:
            del response["Cache-Control"]
        if canonical:
            control, cdn_control = shared_cache_control(policy)
            patch_cache_control(response, **control)
            response["CDN-Cache-Control"] = cdn_control
        else:
            patch_cache_control(response, public=True, no_cache=True)
        response["ETag"] = etag or weak_etag(response.content)
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        if conditional is not response:
            # A 304 carries what the full answer would have said about itself (language,
            # framing, the poll interval), not only what Django copies.
            for name, value in response.items():
                if name.lower() not in ("content-type", "content-length"):
                    conditional[name] = value
        return conditional
