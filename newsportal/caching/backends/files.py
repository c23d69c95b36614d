"""Django's file cache, culled now and then instead of on every write, with counters that
several processes can share.

Without Redis, production workers share a file cache (scope versions, rate-limit
counters, fragments). Django's FileBasedCache lists its whole directory on every set to
decide whether to cull: with a few thousand rate-limit entries that listing was a
quarter of the time of a comment post. Here each process looks every CULL_EVERY writes,
so the directory may exceed MAX_ENTRIES by at most that many entries per process.

Its add() and incr() read the file and then write it: two workers counting the same
comment rate limit at once could both write the same number and lose a count. Here they
hold an exclusive lock (flock on one file beside the entries) for that read and write.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 100
LOCK_NAME = "counters.lock"  # not a cache entry: entries end in .djcache


class OccasionallyCulledFileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._writes = 0
        self._lock_file = None
        self._lock_pid = None

    def _cull(self):
        self._writes += 1
        if self._writes % CULL_EVERY == 0:
            super()._cull()

    @contextmanager
    def _counters_locked(self):
        # Opened once per process: a lock file inherited through fork() would be one lock
        # shared by every worker, which is no lock between them.
        if self._lock_pid != os.getpid():
            os.makedirs(self._dir, exist_ok=True)
            self._lock_file = open(os.path.join(self._dir, LOCK_NAME), "a")  # noqa: SIM115
            self._lock_pid = os.getpid()
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._counters_locked():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._counters_locked():
            return super().incr(key, delta, version)
