"""Reads on PostgreSQL streaming replicas, with read-your-writes (issue 14, point 1).

`DATABASE_REPLICA_URLS` (settings.py) adds the aliases `replica1`, `replica2`... and
django-multidb-router's cookie pinning does the read-your-writes part: a POST sets its
cookie, and a request that carries it reads from the primary for MULTIDB_PINNING_SECONDS.
What we add around it:

- replicas serve reader pages only: a read goes to a replica only inside a GET or HEAD
  request without the cookie, outside the admin and without a session (an editor). The
  admin, management commands, the migrations, a task worker and anything else that runs
  outside such a request read from the primary, as do reads inside a transaction on the
  primary (a select_for_update of a job queue needs its own connection's transaction);
- a replica that is down, or whose replay lags more than DATABASE_REPLICA_MAX_LAG seconds,
  is skipped: its state is probed at most once a second per process;
- a reader request that failed with a 5xx after reading from a replica (the replica went
  away in the middle of it) is answered again from the primary, once, so a replica that
  dies never shows a reader an error page.

Without replicas the router and the middleware change nothing: every read is the
primary's, and no cookie is set.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections
from multidb import PinningReplicaRouter
from multidb.middleware import READ_ONLY_METHODS, PinningRouterMiddleware
from multidb.pinning import this_thread_is_pinned, unpin_this_thread

logger = logging.getLogger(__name__)

# How far behind the primary a replica is, in seconds. A replica that has replayed all it
# received is 0 behind (an idle primary sends nothing, so the time of the last replayed
# transaction alone would grow for ever); one that is replaying counts from the commit
# time of the last transaction it applied, which over-estimates after a quiet spell: it
# is then skipped a little longer, never used too early. A server that is not in
# recovery (a promoted standby) is 0 behind.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()),
                  'Infinity')
END
"""
CHECK_EVERY_SECONDS = 1.0
# App labels whose tables are only ever read on the primary, whatever the request: the job
# queue (its worker claims rows with select_for_update), sessions and the login throttle.
PRIMARY_ONLY_APPS = frozenset(
    {"django_tasks", "django_tasks_database", "django_tasks_db", "sessions", "axes"}
)

_clock = time.monotonic
_lock = threading.Lock()
_health: dict[str, tuple[float, bool]] = {}  # alias -> (checked at, usable), per process
_turn = itertools.count()
# .replica_ok: this thread serves a reader request; .alias: the replica it reads from.
_request = threading.local()


def replica_aliases() -> list[str]:
    return list(getattr(settings, "REPLICA_DATABASES", ()))


def replica_settings(urls: str, primary: dict, *, conn_max_age: int) -> dict[str, dict]:
    """The DATABASES entries of a comma-separated list of replica URLs: replica1, replica2...

    Each keeps the primary's options (connect and statement timeouts) and is the primary's
    test mirror, so a test run creates no database for it."""
    import dj_database_url

    replicas = {}
    for number, url in enumerate((u.strip() for u in urls.split(",") if u.strip()), start=1):
        entry = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
        options = entry.setdefault("OPTIONS", {})
        if options.get("host") and not entry.get("HOST"):
            entry["HOST"] = options.pop("host")
        for name, value in primary.get("OPTIONS", {}).items():
            options.setdefault(name, value)
        entry["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
        replicas[f"replica{number}"] = entry
    return replicas


def forget_health() -> None:
    """Probe every replica again at its next use (tests; after a failed request)."""
    with _lock:
        _health.clear()


def _usable_connection(alias: str) -> bool:
    """Whether this thread's connection to ``alias`` works (connecting when needed)."""
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        return True
    except Error:  # DatabaseError, or InterfaceError on a closed connection
        connection.close()
        return False


def _lag(alias: str) -> float:
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def replica_is_usable(alias: str) -> bool:
    """Up and within DATABASE_REPLICA_MAX_LAG; asked of the server at most once a second
    per process (in between, only this thread's connection is made sure of)."""
    now = _clock()
    with _lock:
        checked_at, usable = _health.get(alias, (None, False))
        fresh = checked_at is not None and now - checked_at < CHECK_EVERY_SECONDS
        if not fresh:
            # The other threads keep the previous answer while this one asks.
            _health[alias] = (now, usable)
    if fresh:
        return usable and _usable_connection(alias)
    usable = False
    if not _usable_connection(alias):
        logger.warning("replica %s skipped: unreachable", alias)
    else:
        try:
            lag = _lag(alias)
        except Error:  # DatabaseError, or InterfaceError on a closed connection
            connections[alias].close()
            logger.warning("replica %s skipped: its lag could not be read", alias)
        else:
            usable = lag <= settings.DATABASE_REPLICA_MAX_LAG
            if not usable:
                logger.warning("replica %s skipped: %.1f s behind the primary", alias, lag)
    with _lock:
        _health[alias] = (now, usable)
    return usable


def _in_a_transaction_on_the_primary() -> bool:
    # The test runner's own transaction (Django's TestCase) is not the code's: reads in a
    # test then see what a replica would, not the rows the test has not committed.
    return any(
        not getattr(block, "_from_testcase", False)
        for block in connections[DEFAULT_DB_ALIAS].atomic_blocks
    )


def reads_may_use_a_replica() -> bool:
    return getattr(_request, "replica_ok", False) and not this_thread_is_pinned()


class ReplicaRouter(PinningReplicaRouter):
    """django-multidb-router's pinning router, limited to reader requests and to replicas
    that are up and close enough behind."""

    def db_for_read(self, model, **hints):
        aliases = replica_aliases()
        if (
            not aliases
            or not reads_may_use_a_replica()
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or _in_a_transaction_on_the_primary()
        ):
            return DEFAULT_DB_ALIAS
        # One replica for the whole request (two may be at different points), taken in turn.
        chosen = getattr(_request, "alias", None)
        start = next(_turn)
        candidates = [aliases[(start + offset) % len(aliases)] for offset in range(len(aliases))]
        if chosen in candidates:
            candidates.remove(chosen)
            candidates.insert(0, chosen)
        for alias in candidates:
            if replica_is_usable(alias):
                _request.alias = alias
                return alias
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same rows


class ReplicaPinningMiddleware(PinningRouterMiddleware):
    """Marks reader requests, pins the others to the primary, sets the pinning cookie after
    a POST (django-multidb-router's middleware), and answers a reader request again from
    the primary when a replica failed under it. In MIDDLEWARE just before the 503 page's
    middleware (settings.py): outside it, to answer again, and outside the stored pages,
    whose live parts read through the router too."""

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        self.process_request(request)
        _request.replica_ok = not this_thread_is_pinned() and not self._primary_only(request)
        _request.alias = None
        try:
            response = self.get_response(request)
            if response.status_code >= 500 and self._replica_failed():
                logger.warning(
                    "a replica failed during %s: answered from the primary", request.path
                )
                _request.replica_ok = False
                response = self.get_response(request)
            return self.process_response(request, response)
        finally:
            _request.replica_ok = False
            unpin_this_thread()

    @staticmethod
    def _replica_failed() -> bool:
        """Whether the replica this request read from is now down or too far behind."""
        alias = getattr(_request, "alias", None)
        if alias is None:
            return False
        with _lock:
            _health.pop(alias, None)
        return not replica_is_usable(alias)

    @staticmethod
    def _primary_only(request) -> bool:
        return (
            request.method not in READ_ONLY_METHODS
            or request.path_info.startswith("/" + settings.ADMIN_URL)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        )


def stale_read_bound() -> float | None:
    """How long whatever this request renders may be kept (setting CACHE_STALE_READS): a
    render from a replica may predate a change the primary already has, under the change's
    new version; kept no longer than a replica may lag, it mends itself. None: no bound."""
    if replica_aliases() and reads_may_use_a_replica():
        return settings.DATABASE_REPLICA_MAX_LAG + 1
    return None
