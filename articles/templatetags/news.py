"""Partials that appear on every page; each runs its query only where it is rendered."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from articles.models import Article, Category

register = template.Library()

# One query serves both the headlines strip and the news feed sidebar.
LATEST_LIMIT = 12
STRIP_LIMIT = 6


def latest_articles(request) -> list[Article]:
    cached = getattr(request, "_latest_articles", None)
    if cached is None:
        cached = list(Article.objects.published().for_headlines().newest_first()[:LATEST_LIMIT])
        if request is not None:
            request._latest_articles = cached
    return cached


@register.inclusion_tag("includes/category_menu.html", takes_context=True)
def category_menu(context):
    current = context.get("category")
    return {"categories": list(Category.objects.all()), "current_category": current}


@register.inclusion_tag("includes/latest_strip.html", takes_context=True)
def latest_headlines(context):
    return {"articles": latest_articles(context.get("request"))[:STRIP_LIMIT]}


@register.inclusion_tag("includes/feed_sidebar.html", takes_context=True)
def news_feed_sidebar(context):
    return {"articles": latest_articles(context.get("request"))}


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
