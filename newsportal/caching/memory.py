"""Each worker's own memory for what it rendered, bounded in bytes.

Keys carry the versions of the scopes a value depends on (newsportal/caching/scopes.py),
so an entry is never read after a change readers could see: a new version makes new
keys, and old entries fall out as the least recently used. cachetools' TLRUCache gives
the bound (``getsizeof``) and per-entry lifetimes (``ttu``); a lock makes it safe for
threaded servers (runserver, the tests' live server).
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import NamedTuple

from cachetools import TLRUCache

_ALL: weakref.WeakSet[Memory] = weakref.WeakSet()


def forget_everything() -> None:
    """Empty every memory of this process (tests, and a migration that changes rows)."""
    for memory in list(_ALL):
        memory.clear()


def size_of(value) -> int:
    """About the bytes a stored value or key holds: text (mostly Greek), or tuples and
    lists of it (numbers and other objects: 8)."""
    if isinstance(value, str | bytes):
        return len(value) * 2
    if isinstance(value, tuple | list):
        # Keys are flat tuples of text (ninety versions for a home page): no call per item.
        total = 8 * len(value)
        for item in value:
            total += len(item) * 2 if isinstance(item, str | bytes) else size_of(item)
        return total
    if isinstance(value, dict):
        return sum(size_of(k) + size_of(v) for k, v in value.items()) + 16 * len(value)
    return 8


class _Entry(NamedTuple):
    value: object
    size: int
    expires: float


def _entry_size(entry: _Entry) -> int:
    return entry.size


def _entry_expiry(key, entry: _Entry, now: float) -> float:
    return entry.expires


class Memory:
    """A bounded map in this process's memory; ``get`` answers None for a missing entry."""

    def __init__(self, max_bytes: int, clock: Callable[[], float] = time.monotonic):
        self.max_bytes = max_bytes
        self.clock = clock
        self._entries = TLRUCache(
            maxsize=max(1, max_bytes), ttu=_entry_expiry, timer=clock, getsizeof=_entry_size
        )
        self._lock = threading.Lock()
        _ALL.add(self)

    def get(self, key: Hashable):
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else entry.value

    def get_many(self, keys: list[Hashable]) -> list:
        """``get`` of each key, under one acquisition of the lock."""
        with self._lock:
            entries = [self._entries.get(key) for key in keys]
        return [None if entry is None else entry.value for entry in entries]

    def set(self, key: Hashable, value, size: int | None = None, timeout: float | None = None):
        """Keep ``value`` (about ``size`` bytes; the key's bytes count too, so keys made of
        long unique URLs cannot outgrow the bound with small values)."""
        size = (size_of(value) if size is None else size) + size_of(key)
        if size > self.max_bytes:
            return
        expires = math.inf if timeout is None else self.clock() + timeout
        with self._lock:
            self._entries[key] = _Entry(value, size, expires)

    def remember(self, key: Hashable, render: Callable[[], object], timeout: float | None = None):
        """The stored value for ``key``, rendered (and stored) on a miss."""
        value = self.get(key)
        if value is None:
            value = render()
            self.set(key, value, timeout=timeout)
        return value

    def delete(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            self._entries.expire()
            return len(self._entries)

    @property
    def size(self) -> int:
        with self._lock:
            self._entries.expire()
            return self._entries.currsize
