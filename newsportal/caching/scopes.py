"""Versions per scope: what a change makes stale, and nothing else.

A scope names a part of what readers see: ``site`` (sections, tags, menus, the page
furniture), ``feed`` (the news feed and the headline strip), ``articles`` (any list of
articles: home, search, syndication, sitemaps), ``article:<id>`` (one article's text,
picture, tags), ``comments:<id>`` (its comments section), ``section:<id>`` and
``tag:<id>`` (their lists), ``author:<id>`` (an author's page and bylines),
``liveblog:<id>`` (the entries of article <id>'s live coverage, and its poll answer).
Each has a version in the shared cache; whatever is cached records the versions of the
scopes it shows and is never used once one of them moved.
So approving a comment re-renders one comments section, a flash item the feed, an
article edit that article and the lists that show it.

Scheduled items change what readers see with no write at all: the cache also holds when
the next one is due, and the first read after that time asks the publishing rule
(setting CACHE_SCHEDULE, a callable: ``rule(since, now) -> (scopes, next_due)``) which
scopes fell due. No cron.

Within one request each version is read from the shared cache once (one page is
rendered from one set of versions); outside requests (commands, tests) on every call.

Every change also increments one shared counter and writes down, under the counter's new
number, the scopes it moved (a change log kept a few minutes). Each process keeps the
versions it read: a request reads the counter (with the time the next scheduled item is
due, in the same round trip) and, when nothing changed since, takes the versions from
this process's memory. A stored home page shows about ninety scopes; reading them all on
every hit cost more than the whole framework ceiling. When the counter moved, the
process reads the log entries since its last number and forgets only the scopes they
name: under twenty comments a second, a worker re-reads one article's versions, not the
ninety of every page. When the log cannot tell (a gap, an entry not written yet or
evicted, a process far behind) it forgets them all.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import cache as memoized

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

SITE = "site"
FEED = "feed"
ARTICLES = "articles"
KEY_PREFIX = "ver:"
NEXT_DUE_KEY = "ver:next-due"
CHANGES_KEY = "ver:changes"
CHANGE_LOG_PREFIX = "ver:moved:"
# Where a new counter starts: at random, so no process takes it for one it knew; below
# 2**53, because django-redis increments through a Lua script, whose numbers are doubles
# (a larger count came back rounded, and named no entry of the log).
COUNTER_START_BITS = 48
# A change log entry outlives any gap between two requests of a busy process.
CHANGE_LOG_SECONDS = 300
# A process further behind than this forgets every version rather than reading the log.
CHANGE_LOG_READ_LIMIT = 256
NOTHING_SCHEDULED = 0.0
# This process's memory of versions is dropped when it grows past this many scopes (a
# crawler walking every article between two changes).
KNOWN_SCOPES_LIMIT = 50_000


def article(pk: int) -> str:
    return f"article:{pk}"


def comments(pk: int) -> str:
    return f"comments:{pk}"


def section(pk: int) -> str:
    return f"section:{pk}"


def tag(pk: int) -> str:
    return f"tag:{pk}"


def author(pk: int) -> str:
    return f"author:{pk}"


def liveblog(pk: int) -> str:
    return f"liveblog:{pk}"


_request = threading.local()
# Scopes changed by this process in a transaction that has not committed yet: this process
# shows its own change at once (a suffix on the shared version), the others after the
# commit. An override left by a rollback only costs this process some sharing of entries.
_LOCAL_CHANGES: dict[str, str] = {}
# Moved with every change to _LOCAL_CHANGES: what was found current under one state of
# them may not be under the next.
_local_generation = 0


class _Known:
    """The versions this process read while the shared change counter stood at ``changes``."""

    def __init__(self, changes: int | None) -> None:
        self.changes = changes
        self.versions: dict[str, str] = {}


# Replaced, never mutated across counters: a request keeps the one it started with.
_known = _Known(None)


def request_began(**kwargs) -> None:
    """Connected to request_started (newsportal/apps.py): versions are read afresh."""
    _request.versions = {}
    _request.due_checked = False
    _request.known = None
    _request.recorders = []


def request_ended(**kwargs) -> None:
    _request.versions = None
    _request.recorders = []


def _memo() -> dict | None:
    return getattr(_request, "versions", None)


def in_a_request() -> bool:
    """Whether versions read now are kept for the rest of a request."""
    return _memo() is not None


def _new_token() -> str:
    return uuid.uuid4().hex[:12]


def versions_of(scopes: Iterable[str]) -> dict[str, str]:
    """The current version of each scope (one shared-cache read for those not yet read)."""
    scopes = tuple(scopes)
    memo = _memo()
    _check_schedule(memo)
    known = memo if memo is not None else {}
    wanted = [scope for scope in scopes if scope not in known]
    process = getattr(_request, "known", None) if memo is not None else None
    if wanted and process is not None:
        remembered = process.versions
        memo.update({s: v for s in wanted if (v := remembered.get(s)) is not None})
        wanted = [scope for scope in wanted if scope not in memo]
    if wanted:
        found = cache.get_many([KEY_PREFIX + scope for scope in wanted])
        fresh = {}
        for scope in wanted:
            version = found.get(KEY_PREFIX + scope)
            if version is None:
                # Never set, or evicted: every process must agree on one new version.
                token = _new_token()
                version = token if cache.add(KEY_PREFIX + scope, token, None) else None
                version = version or cache.get(KEY_PREFIX + scope) or token
            fresh[scope] = version
        if memo is None:
            return {**fresh, **{s: known[s] for s in scopes if s in known}}
        memo.update(fresh)
        if process is not None:
            if len(process.versions) > KNOWN_SCOPES_LIMIT:
                process.versions.clear()
            process.versions.update(fresh)
        known = memo
    result = {scope: known[scope] + _LOCAL_CHANGES.get(scope, "") for scope in scopes}
    for recorder in getattr(_request, "recorders", None) or ():
        recorder.update(result)
    return result


def changed(*scopes: str) -> None:
    """New versions for ``scopes`` now (after a change readers could see)."""
    if not scopes:
        return
    tokens = {scope: _new_token() for scope in scopes}
    cache.set_many({KEY_PREFIX + scope: token for scope, token in tokens.items()}, None)
    _count_a_change(scopes)  # after the versions: a process that sees the count sees them
    memo = _memo()
    if memo is not None:
        memo.update(tokens)


def _count_a_change(scopes: Iterable[str] = ()) -> None:
    """Move the shared counter and log ``scopes`` under its new number (a change logged
    with no scopes makes every process forget every version)."""
    try:
        number = cache.incr(CHANGES_KEY)
    except ValueError:  # never counted, or evicted: start where no process has been
        if cache.add(CHANGES_KEY, secrets.randbits(COUNTER_START_BITS), None):
            return  # a new count: every process forgets what it read anyway
        number = cache.incr(CHANGES_KEY)
    if scopes:
        cache.set(f"{CHANGE_LOG_PREFIX}{number}", tuple(scopes), CHANGE_LOG_SECONDS)


def changed_on_commit(*scopes: str) -> None:
    """New versions for ``scopes`` once the current transaction commits; in this process at
    once (it never shows its old text again, even before the commit)."""
    global _local_generation
    token = "+" + _new_token()
    for scope in scopes:
        _LOCAL_CHANGES[scope] = token
    _local_generation += 1

    def commit() -> None:
        global _local_generation
        for scope in scopes:
            if _LOCAL_CHANGES.get(scope) == token:
                del _LOCAL_CHANGES[scope]
        _local_generation += 1
        changed(*scopes)

    transaction.on_commit(commit)


def forget_local_changes() -> None:
    """Drop this process's uncommitted overrides and remembered versions (tests start
    afresh)."""
    global _known, _local_generation
    _LOCAL_CHANGES.clear()
    _local_generation += 1
    _known = _Known(None)


class Recorder(dict):
    """The scopes (and the versions read) of whatever renders while it is recording."""

    def __enter__(self) -> Recorder:
        if getattr(_request, "recorders", None) is None:
            _request.recorders = []
        _request.recorders.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _request.recorders.remove(self)


def depends_on(*scopes: str) -> None:
    """Say that what is being rendered shows ``scopes`` (a view that reads rows itself)."""
    versions_of(scopes)


# --- Scheduled items ----------------------------------------------------------------------


@memoized
def _schedule_rule():
    return import_string(settings.CACHE_SCHEDULE) if settings.CACHE_SCHEDULE else None


_rule = threading.local()


def _check_schedule(memo: dict | None) -> None:
    """Once per request: if a scheduled item fell due, move the scopes it shows."""
    if getattr(_rule, "running", False):
        return  # the rule itself reads versions
    if memo is not None and _request.due_checked:
        return
    if memo is not None:
        _request.due_checked = True
        # One round trip for both: when the next item is due, and whether anything changed.
        found = cache.get_many([NEXT_DUE_KEY, CHANGES_KEY])
        _request.known = _known_while(found.get(CHANGES_KEY))
        next_due = found.get(NEXT_DUE_KEY)
    else:
        next_due = cache.get(NEXT_DUE_KEY)
    if next_due is not None and not (NOTHING_SCHEDULED < next_due <= time.time()):
        return
    # What the rule moves is in this request's versions, and counted; nothing this request
    # found current before may be taken as current again without comparing.
    _request.known = None
    schedule_changed()


def unchanged_since() -> tuple | None:
    """A token that stays equal while no scope can have moved for this process: the shared
    change counter's memory and this process's own uncommitted changes (None outside a
    request, or when the counter cannot be read). Whatever was found current under one
    token is current under an equal one, without comparing its versions again."""
    memo = _memo()
    if memo is None:
        return None
    _check_schedule(memo)  # reads the counter (once per request), and moves what fell due
    known = getattr(_request, "known", None)
    return None if known is None else (known, _local_generation)


def _known_while(changes: int | None) -> _Known | None:
    """This process's versions if nothing changed since they were read, else a new memory."""
    global _known
    if changes is None:  # never counted, or evicted
        start = secrets.randbits(COUNTER_START_BITS)
        changes = start if cache.add(CHANGES_KEY, start, None) else cache.get(CHANGES_KEY)
        if changes is None:  # the shared cache is away: nothing can be remembered
            return None
    if _known.changes != changes:
        _known = _moved_on(_known, changes)
    return _known


def _moved_on(known: _Known, changes: int) -> _Known:
    """The versions this process read, under the counter's new number ``changes``: less
    the scopes the change log names since ``known.changes`` (all of them when the log
    cannot tell). The remembered versions pass to the new memory; the old one keeps none."""
    fresh = _Known(changes)
    behind = changes - known.changes if known.changes is not None else 0
    if not (0 < behind <= CHANGE_LOG_READ_LIMIT and known.versions):
        return fresh
    keys = [f"{CHANGE_LOG_PREFIX}{number}" for number in range(known.changes + 1, changes + 1)]
    logged = cache.get_many(keys)
    if len(logged) != len(keys):
        return fresh
    versions, known.versions = known.versions, {}
    for moved in logged.values():
        for scope in moved:
            versions.pop(scope, None)
    fresh.versions = versions
    return fresh


def schedule_changed() -> None:
    """Ask the publishing rule what fell due since the stored time (if it has passed) and
    when the next item is due. Called when that time passed, and after any change to
    what is scheduled."""
    rule = _schedule_rule()
    if rule is None:
        cache.set(NEXT_DUE_KEY, NOTHING_SCHEDULED, None)
        return
    stored = cache.get(NEXT_DUE_KEY)
    since = stored if stored and stored <= time.time() else None
    _rule.running = True
    try:
        _apply_rule(rule, since)
    finally:
        _rule.running = False


def _apply_rule(rule, since: float | None) -> None:
    since_time = (
        datetime.fromtimestamp(since, tz=timezone.get_current_timezone()) if since else None
    )
    scopes, due = rule(since_time, timezone.now())
    changed(*scopes)
    cache.set(NEXT_DUE_KEY, due.timestamp() if due else NOTHING_SCHEDULED, None)


def seconds_until_next_due(now: float | None = None) -> float | None:
    """How long before the next scheduled item is due (None: nothing is scheduled)."""
    next_due = cache.get(NEXT_DUE_KEY)
    if not next_due:
        return None
    return max(0.0, next_due - (now or time.time()))
