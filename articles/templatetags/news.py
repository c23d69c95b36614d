"""Partials that appear on every page; each runs its query only where it is rendered.

The headline strip, the news feed sidebar and "most read" are live parts of the page
(articles/live_parts.py), written here as markers with ``{% live %}`` (newsportal/caching).
"""

import re
from datetime import timedelta

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _

from articles import people, rendering, seo
from articles.sections import categories_for
from newsportal.caching import scopes
from newsportal.caching.fragments import fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def category_menu(context):
    request = context.get("request")
    current = context.get("category")
    match = getattr(request, "resolver_match", None)
    on_feed = bool(match and match.view_name == "articles:feed")
    return fragment(
        "menu",
        getattr(current, "pk", None),
        on_feed,
        scopes=(scopes.SITE,),
        render=lambda: render_to_string(
            "includes/category_menu.html",
            {
                "categories": categories_for(request),
                "current_category": current,
                "on_feed": on_feed,
            },
        ),
    )


@register.filter
def feed_day(day) -> str:
    """A day heading of the feed: "Today", "Yesterday", or weekday and date (Athens time)."""
    today = timezone.localdate()
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    return date_format(day, "l j E Y")


@register.inclusion_tag("includes/article_seo.html", takes_context=True)
def article_seo(context, article, tags, live=None):
    """Open Graph, Twitter card and JSON-LD NewsArticle (LiveBlogPosting for live
    coverage, with the newest entries of its first page) tags of an article page."""
    request = context["request"]
    if not live:  # not live coverage (or a page that names none: a preview)
        data = seo.news_article(article, tags, request)
    else:  # every page of entries carries the same newest ones (the head is shared)
        data = seo.live_blog_posting(article, tags, request, live)
    return {
        "open_graph": seo.open_graph(article, tags, request),
        "twitter": seo.twitter_card(article, request),
        "json_ld": seo.json_ld_script(data)
        + seo.json_ld_script(seo.breadcrumb_list(article, request)),
    }


@register.inclusion_tag("includes/og_locales.html")
def og_locales():
    """og:locale (the page's interface language) and og:locale:alternate, on every page."""
    return {"properties": seo.og_locales()}


@register.inclusion_tag("includes/share_links.html", takes_context=True)
def share_links(context, article):
    """Links that share an article (see seo.share_links): the page's own absolute address,
    so they sit outside the article's memo, which knows no host."""
    request = context["request"]
    return {
        "links": seo.share_links(article, request),
        "url": seo.canonical_url(article, request),
        "title": article.headline,
        "language": article.language,
    }


@register.inclusion_tag("includes/site_menu.html", takes_context=True)
def site_menu(context):
    """The phone menu behind the masthead's menu button: every section, the news feed and
    the other edition (the wide header shows these in its own rows)."""
    request = context.get("request")
    current = context.get("category")
    return {
        "categories": categories_for(request),
        "current_category": current,
        "languages": page_in_languages(request),
    }


def page_in_languages(request) -> list[dict]:
    """This same page in each language (Greek unprefixed, English under /en/), once per request."""
    cached = getattr(request, "_page_in_languages", None)
    if cached is not None:
        return cached
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
    if request is not None:
        request._page_in_languages = languages
    return languages


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context):
    """Links to this same page in each language."""
    return {"languages": page_in_languages(context.get("request"))}


@register.inclusion_tag("includes/alternate_languages.html", takes_context=True)
def alternate_languages(context):
    """``<link rel="alternate" hreflang>`` for each language and x-default (the default
    language's page), with absolute URLs as search engines require."""
    request = context.get("request")
    if request is None:
        return {"alternates": []}
    try:
        request.get_host()
    except DisallowedHost:  # the 400 page for a forged Host header names no alternates
        return {"alternates": []}
    alternates = [
        (language["code"], request.build_absolute_uri(language["url"]))
        for language in page_in_languages(request)
    ]
    default = dict(alternates).get(settings.LANGUAGE_CODE)
    if default:
        alternates.append(("x-default", default))
    return {"alternates": alternates}


@register.simple_tag
def site_language() -> str:
    """The language the newsroom writes section names, tags and the site's name in.

    Fragments rendered without a request (the cached news feed) have no context
    processors, so this is a tag: pages in another language mark those words with it.
    """
    return settings.LANGUAGE_CODE


@register.simple_tag
def picture(image, *, alt="", sizes="", lazy=False, priority=False):
    return rendering.picture_html(image, alt=alt, sizes=sizes, lazy=lazy, priority=priority)


@register.filter
def meta_description(article) -> str:
    """The article's meta description (seo.description: cut near 200 characters)."""
    return seo.description(article)


@register.filter
def number(value) -> str:
    """rendering.number for templates: 12.345 in Greek, 12,345 in English; "" for what is
    not a number."""
    try:
        return rendering.number(value)
    except (TypeError, ValueError):
        return ""


@register.filter
def display_name(user) -> str:
    """How the portal names a person (articles/people.py)."""
    return people.display_name(user)


GREEK_LETTERS = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")


@register.filter
def in_its_language(text) -> str:
    """A reader's words (a search query) marked lang="el" when they hold Greek letters, so
    that an English page reads them as Greek; other words keep the page's language."""
    text = str(text)
    if GREEK_LETTERS.search(text):
        return format_html('<span lang="el">{}</span>', text)
    return conditional_escape(text)
