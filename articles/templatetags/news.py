"""Partials that appear on every page; each runs its query only where it is rendered.

The headline strip and the news feed sidebar are rendered from the feed's cached
fragments (articles/feed.py): keyed by the content version, they cost no query on a
hit and one shared query on a miss.
"""

from datetime import timedelta

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import translate_url
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from articles import feed, freshness, seo
from articles.models import Category

CATEGORY_CACHE_SECONDS = 3600

register = template.Library()


def categories_for(request) -> list[Category]:
    """The menu's categories: kept in the cache per content version (a category change
    replaces the version), and once per request (the search form reuses them)."""
    cached = getattr(request, "_categories", None)
    if cached is None:
        key = f"categories:{freshness.current_version()}"
        cached = cache.get(key)
        if cached is None:
            cached = list(Category.objects.all())
            cache.set(key, cached, CATEGORY_CACHE_SECONDS)
        if request is not None:
            request._categories = cached
    return cached


@register.inclusion_tag("includes/category_menu.html", takes_context=True)
def category_menu(context):
    current = context.get("category")
    return {"categories": categories_for(context.get("request")), "current_category": current}


@register.simple_tag(takes_context=True)
def latest_headlines(context):
    return feed.cached_fragment("strip", context.get("request")).html


@register.inclusion_tag("includes/feed_sidebar.html", takes_context=True)
def news_feed_sidebar(context):
    return {
        "fragment": feed.cached_fragment("sidebar", context.get("request")),
        "poll_interval": max(0, settings.FEED_POLL_INTERVAL),
        "sidebar_size": feed.SIDEBAR_SIZE,
    }


@register.filter
def feed_day(day) -> str:
    """A day heading of the feed: "Today", "Yesterday", or weekday and date (Athens time)."""
    today = timezone.localdate()
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    return formats.date_format(day, "l j E Y")


@register.inclusion_tag("includes/article_seo.html", takes_context=True)
def article_seo(context, article, tags):
    """Open Graph, Twitter card and JSON-LD NewsArticle tags of an article page."""
    request = context["request"]
    return {
        "open_graph": seo.open_graph(article, tags, request),
        "twitter": seo.twitter_card(article, request),
        "json_ld": seo.json_ld_script(seo.news_article(article, tags, request)),
    }


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context):
    """Links to this same page in each language (Greek unprefixed, English under /en/)."""
    request = context.get("request")
    current = translation.get_language()
    path = request.get_full_path() if request else "/"
    languages = [
        {
            "code": code,
            "name": name,
            "current": code == current,
            "url": translate_url(path, code),
        }
        for code, name in settings.LANGUAGES
    ]
    return {"languages": languages}
