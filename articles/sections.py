"""The site's sections (categories) as every page needs them: menu, section pages, search.

They are few and change rarely, so the list is kept per version of the ``site`` scope (a
category change moves it) and read once per request; a section page finds its category
in it instead of asking the database again.
"""

from __future__ import annotations

from django.http import Http404

from articles.models import Category
from newsportal.caching import scopes
from newsportal.caching.fragments import fragment


def categories_for(request) -> list[Category]:
    cached = getattr(request, "_categories", None)
    if cached is None:
        cached = fragment(
            "categories",
            scopes=(scopes.SITE,),
            render=lambda: list(Category.objects.all()),
            shared=True,
        )
        if request is not None:
            request._categories = cached
    return cached


def category_or_404(request, slug: str) -> Category:
    for category in categories_for(request):
        if category.slug == slug:
            return category
    raise Http404("No such section")
