"""A small store in this process's memory for rendered HTML, bounded in bytes.

Callers put the content version (articles/freshness.py) in every key, so an entry is
never read after a change readers could see: a new version makes new keys, and the old
entries fall out as the least recently used. Each gunicorn worker keeps its own; the
bound keeps a worker's memory flat however many pages readers open.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable

_ALL: weakref.WeakSet[LocalMemo] = weakref.WeakSet()


def forget_everything() -> None:
    """Empty every memo of this process (its content changed: nothing stored is current)."""
    for memo in list(_ALL):
        memo.clear()


def size_of(value) -> int:
    """About the bytes a stored value or key holds: text (mostly Greek), or tuples and lists
    of it (numbers and other objects: 8)."""
    if isinstance(value, str | bytes):
        return len(value) * 2
    if isinstance(value, tuple | list):
        return sum(size_of(item) for item in value) + 8 * len(value)
    return 8


class LocalMemo:
    def __init__(self, max_bytes: int, clock: Callable[[], float] = time.monotonic):
        self.max_bytes = max_bytes
        self.clock = clock
        self._entries: OrderedDict[Hashable, tuple[object, int, float | None]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # runserver and threaded servers share a process
        _ALL.add(self)

    def get(self, key: Hashable):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            value, _, expires = entry
            if expires is not None and expires <= self.clock():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: Hashable, value, size: int, timeout: float | None = None) -> None:
        """Keep ``value`` (about ``size`` bytes; its key's bytes are counted too: keys made
        of long, unique URLs must not outgrow the bound with small values)."""
        size += size_of(key)
        if size > self.max_bytes:
            return
        expires = None if timeout is None else self.clock() + timeout
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (value, size, expires)
            self._size += size
            while self._size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def remember(
        self, key: Hashable, render: Callable[[], str], timeout: float | None = None
    ) -> str:
        """The stored text for ``key``, rendered (and stored) on a miss."""
        text = self.get(key)
        if text is None:
            text = render()
            self.set(key, text, size_of(text), timeout)
        return text

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._size

    def _drop(self, key: Hashable) -> None:
        _, size, _ = self._entries.pop(key)
        self._size -= size
