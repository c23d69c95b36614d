"""Each article's count of shown comments, kept in the shared cache for the cards' live
part (articles/live_parts.py). Whoever reads articles anyway (a list rendering its cards)
leaves their counts here, so a page's counts cost no query of their own."""

from __future__ import annotations

from django.core.cache import cache

COUNT_KEY = "comment-count:{}"
COUNT_TIMEOUT = 3600


def cached(pks: list[int]) -> dict[int, int]:
    keys = {pk: COUNT_KEY.format(pk) for pk in pks}
    found = cache.get_many(list(keys.values()))
    return {pk: found[key] for pk, key in keys.items() if key in found}


def remember(counts: dict[int, int]) -> None:
    if counts:
        cache.set_many({COUNT_KEY.format(pk): n for pk, n in counts.items()}, COUNT_TIMEOUT)


def forget(pk: int) -> None:
    cache.delete(COUNT_KEY.format(pk))
