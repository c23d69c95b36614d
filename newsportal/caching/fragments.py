"""Caching a fragment is one call: ``fragment(name, *parts, scopes=..., render=...)``.

The fragment is kept in this worker's memory (FRAGMENT_MEMO_BYTES) under its name, its
parts, the language and the versions of the scopes it shows; with ``shared=True`` also in
the shared cache (Redis), so the first worker to render it spares the others. Rendering it
inside a cached page records its scopes on that page (newsportal/caching/responses.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from functools import cache as memoized

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.module_loading import import_string

from newsportal.caching.memory import Memory
from newsportal.caching.scopes import versions_of

FRAGMENTS = Memory(max_bytes=settings.FRAGMENT_MEMO_BYTES)


@memoized
def _stale_read_hook():
    return import_string(settings.CACHE_STALE_READS) if settings.CACHE_STALE_READS else None


def bounded(timeout: float | None) -> float | None:
    """``timeout``, shortened when what was just rendered may come from a lagging replica
    (the hook of setting CACHE_STALE_READS, newsportal/db_router.py)."""
    hook = _stale_read_hook()
    bound = hook() if hook else None
    if bound is None:
        return timeout
    return bound if timeout is None else min(timeout, bound)


SHARED_TIMEOUT = 600  # unused versions leave the shared cache after this


def _key(name: str, parts: tuple, scopes: Iterable[str]) -> tuple:
    versions = versions_of(scopes)
    return (name, translation.get_language(), *parts, *versions.values())


def fragment(
    name: str,
    *parts: Hashable,
    scopes: Iterable[str],
    render: Callable[[], object],
    timeout: float | Callable[[object], float] | None = None,
    shared: bool = False,
    size: Callable[[object], int] | None = None,
):
    """The fragment ``name`` of ``parts`` for the current versions of ``scopes``; rendered
    (and kept) on a miss. ``timeout`` bounds what also depends on the clock: seconds, or a
    function of the rendered value (a banner kept until it ends). ``size``: the bytes of
    a value that is not text (a model instance), for the memory's bound."""
    key = _key(name, parts, scopes)
    value = FRAGMENTS.get(key)
    if value is not None:
        return value
    shared_key = None
    if shared:
        shared_key = "frag:" + hashlib.sha256(repr(key).encode()).hexdigest()[:40]
        value = cache.get(shared_key)
    if value is None:
        value = render()
        if callable(timeout):
            timeout = timeout(value)
        timeout = bounded(timeout)
        if shared_key:
            cache.set(shared_key, value, timeout or SHARED_TIMEOUT)
    elif callable(timeout):
        timeout = timeout(value)
    FRAGMENTS.set(key, value, size=size(value) if size else None, timeout=timeout)
    return value


def fragment_if_kept(name: str, *parts: Hashable, scopes: Iterable[str]):
    """The fragment if this worker has it for the current versions, else None."""
    return FRAGMENTS.get(_key(name, parts, scopes))


def fragments_if_kept(name: str, wanted: list[tuple[tuple, tuple[str, ...]]]) -> list:
    """``fragment_if_kept`` of each (parts, scopes) in ``wanted``, with one reading of the
    versions and of the language for all: a home page asks for eighty cards."""
    versions = versions_of({scope: None for _, scopes in wanted for scope in scopes})
    language = translation.get_language()
    return FRAGMENTS.get_many(
        [(name, language, *parts, *(versions[s] for s in scopes)) for parts, scopes in wanted]
    )
