"""HTML rendered once per content version in each process (newsportal/local_memo.py).

Every key starts with the content version and the language: a stored fragment is never
read after a change readers could see (articles/freshness.py), nor in the other
language. Cards, menus, comment sections, "See also", search results, ranked lists and
{% memo %} blocks share this one store and its bound (FRAGMENT_MEMO_BYTES).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.conf import settings
from django.utils import translation

from articles import freshness
from newsportal.local_memo import LocalMemo

FRAGMENTS = LocalMemo(max_bytes=settings.FRAGMENT_MEMO_BYTES)


def key(name: str, *parts: Hashable) -> tuple:
    return (freshness.current_version(), translation.get_language(), name, *parts)


def get(name: str, *parts: Hashable):
    return FRAGMENTS.get(key(name, *parts))


def remember(name: str, *parts: Hashable, render: Callable, timeout: float | None = None):
    """The fragment stored under ``name`` and ``parts``, rendered (and stored) on a miss."""
    return FRAGMENTS.remember(key(name, *parts), render, timeout)
