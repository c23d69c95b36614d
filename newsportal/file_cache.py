"""Django's file cache, culled now and then instead of on every write.

Without Redis, production workers share a file cache (the freshness token, rate-limit
counters, fragments). Django's FileBasedCache lists its whole directory on every set to
decide whether to cull: with a few thousand rate-limit entries that listing was a
quarter of the time of a comment post. Here each process looks every CULL_EVERY writes,
so the directory may exceed MAX_ENTRIES by at most that many entries per process.
"""

from __future__ import annotations

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 100


class OccasionallyCulledFileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._writes = 0

    def _cull(self):
        self._writes += 1
        if self._writes % CULL_EVERY == 0:
            super()._cull()
