"""Reader URLs built from a pattern reversed once per language, not once per link.

A home page links each article two or three times; asking the URL resolver for every
link costs more than the rest of a card. The resolver still decides every URL's shape:
it is asked once per language (and URL configuration) with placeholders, and the
answer is filled in afterwards.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_urlconf, reverse
from django.utils import translation

_CATEGORY, _PK, _SLUG = "placeholder-category", 987654321, "placeholder-slug"


@lru_cache(maxsize=64)
def _pattern(view_name: str, language: str, urlconf: str) -> str:
    kwargs = {
        "articles:detail": {"category": _CATEGORY, "pk": _PK, "slug": _SLUG},
        "articles:category": {"slug": _SLUG},
        "articles:tag": {"slug": _SLUG},
        "articles:author": {"slug": _SLUG},
    }[view_name]
    return reverse(view_name, kwargs=kwargs, urlconf=urlconf)


def _current(view_name: str) -> str:
    return _pattern(view_name, translation.get_language(), get_urlconf() or settings.ROOT_URLCONF)


def article_url(category_slug: str, pk: int, slug: str) -> str:
    return (
        _current("articles:detail")
        .replace(_CATEGORY, category_slug)
        .replace(str(_PK), str(pk))
        .replace(_SLUG, slug)
    )


def category_url(slug: str) -> str:
    return _current("articles:category").replace(_SLUG, slug)


def tag_url(slug: str) -> str:
    return _current("articles:tag").replace(_SLUG, slug)


def author_url(slug: str) -> str:
    return _current("articles:author").replace(_SLUG, slug)
