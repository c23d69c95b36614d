"""The corrections page: every correction and clarification, newest first (/diorthoseis/)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles.models import Article, Correction
from newsportal.caching import scopes
from newsportal.caching.responses import page_number, shows_another_page

PER_PAGE = 30


@require_safe
def corrections_page(request):
    scopes.depends_on(scopes.ARTICLES)  # a correction moves the lists of articles
    shown = (
        Correction.objects.filter(
            article__status=Article.Status.PUBLISHED, article__published_at__lte=timezone.now()
        )
        .select_related("article", "article__category")
        .only(
            "kind",
            "text",
            "published_at",
            "article__headline",
            "article__slug",
            "article__language",
            "article__category__slug",
        )
        .order_by("-published_at", "-pk")
    )
    asked = request.GET.get("page")
    page = Paginator(shown, PER_PAGE).get_page(asked)
    if (page_number(asked or "") or "1") != str(page.number):
        shows_another_page(request)
    return render(request, "articles/corrections.html", {"page_obj": page})
