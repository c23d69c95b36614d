"""The site's sections (categories) as every page needs them: menu, section pages, search.

They are few and change rarely, so the list is kept in the cache per content version (a
category change replaces the version) and read once per request; a section page finds
its category in it instead of asking the database again.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404

from articles import freshness
from articles.models import Category

CACHE_SECONDS = 3600


def categories_for(request) -> list[Category]:
    cached = getattr(request, "_categories", None)
    if cached is None:
        key = f"categories:{freshness.current_version()}"
        cached = cache.get(key)
        if cached is None:
            cached = list(Category.objects.all())
            cache.set(key, cached, CACHE_SECONDS)
        if request is not None:
            request._categories = cached
    return cached


def category_or_404(request, slug: str) -> Category:
    for category in categories_for(request):
        if category.slug == slug:
            return category
    raise Http404("No such section")
