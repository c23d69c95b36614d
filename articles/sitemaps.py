"""Sitemaps for search engines: /sitemap.xml (an index of sections) and /news-sitemap.xml.

The index lists one file per section and page: the protocol allows 50,000 URLs per
file, and Django's paginator splits a section past that (`?p=2`, ...). Only the
canonical Greek URLs are listed: the English interface shows the same articles, and
listing both would make Django load every article into memory for each file.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, Max, OuterRef, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from articles.models import Article, Category, Tag, TaggedArticle

# Google News reads only articles of the last two days, at most 1,000 per file.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    limit = 50_000

    def items(self):
        return (
            Article.objects.published()
            .select_related("category")
            .only("slug", "updated_at", "published_at", "category__slug")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item: Article):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which reads every item.
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class CategorySitemap(Sitemap):
    limit = 50_000

    def items(self):
        return Category.objects.annotate(
            latest=Max("articles__updated_at", filter=published_filter("articles__"))
        ).order_by("menu_order", "name")

    def lastmod(self, item: Category):
        return item.latest


class TagSitemap(Sitemap):
    """Tags that lead to at least one article a reader may see."""

    limit = 50_000

    def items(self):
        visible = TaggedArticle.objects.filter(
            tag=OuterRef("pk"),
            content_object__in=Article.objects.published().values("pk"),
        )
        return Tag.objects.filter(Exists(visible)).order_by("name")


class PageSitemap(Sitemap):
    """The pages that are not an article, section or tag: home and the news feed."""

    def items(self):
        return ["articles:home", "articles:feed"]

    def location(self, item: str) -> str:
        return reverse(item)


class NewsSitemap(Sitemap):
    """Google News: the articles of the last 48 hours, with their title and language."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .select_related("category")
            .only("headline", "slug", "language", "published_at", "updated_at", "category__slug")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item: Article):
        return item.updated_at

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            # W3C date-time to the second, in Athens time, as Google News asks.
            moment = timezone.localtime(url["item"].published_at).replace(microsecond=0)
            url["publication_date"] = moment.isoformat()
        return urls


def published_filter(prefix: str) -> Q:
    """Article.objects.published() as a condition on related articles (for annotations)."""
    return Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}published_at__lte": timezone.now(),
        }
    )


SITEMAPS = {
    "pages": PageSitemap,
    "sections": CategorySitemap,
    "tags": TagSitemap,
    "articles": ArticleSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}


def in_default_language(view):
    """Sitemaps and robots.txt sit outside the language prefixes: always the Greek URLs."""

    def wrapped(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return view(request, *args, **kwargs)

    return wrapped


@in_default_language
@require_safe
def sitemap_index(request):
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section")


@in_default_language
@require_safe
def sitemap_section(request, section: str):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


@in_default_language
@require_safe
def news_sitemap(request):
    return sitemap_views.sitemap(request, NEWS_SITEMAPS, template_name="articles/news_sitemap.xml")


@require_safe
@in_default_language
def robots_txt(request):
    disallowed = [reverse("admin:index")]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            disallowed += [reverse("articles:search"), reverse("articles:feed_latest")]
            # The read counter (articles/reads.py): crawlers that run scripts are no readers.
            disallowed.append(reverse("articles:read", args=[0]).removesuffix("0/read/"))
    return render(
        request,
        "robots.txt",
        {
            "disallowed": disallowed,
            "sitemap_url": request.build_absolute_uri(reverse("sitemap")),
            "news_sitemap_url": request.build_absolute_uri(reverse("news-sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )
