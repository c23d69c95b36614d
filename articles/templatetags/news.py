"""Partials that appear on every page; each runs its query only where it is rendered.

The headline strip and the news feed sidebar are rendered from the feed's cached
fragments (articles/feed.py): keyed by the content version, they cost no query on a
hit and one shared query on a miss.
"""

from datetime import timedelta

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from articles import feed, fragments, rendering, seo
from articles.models import Article
from articles.sections import categories_for

register = template.Library()

MOST_READ_LIMIT = 5


@register.simple_tag(takes_context=True)
def category_menu(context):
    request = context.get("request")
    current = context.get("category")
    match = getattr(request, "resolver_match", None)
    on_feed = bool(match and match.view_name == "articles:feed")
    return fragments.remember(
        "menu",
        getattr(current, "pk", None),
        on_feed,
        render=lambda: render_to_string(
            "includes/category_menu.html",
            {
                "categories": categories_for(request),
                "current_category": current,
                "on_feed": on_feed,
            },
        ),
    )


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


# The home page's ranked lists ("most read", "most commented"): counts a minute old are
# as good as new, and read fresh they cost more than the rest of the sidebar together.
RANKED_SECONDS = 60


def ranked_list(name: str, template_name: str, articles) -> str:
    """A ranked list's HTML, kept a minute per content version and language."""
    return fragments.remember(
        name,
        render=lambda: render_to_string(template_name, {"articles": list(articles())}),
        timeout=RANKED_SECONDS,
    )


@register.simple_tag
def most_read():
    """The home page's "most read" list: reads of the last MOST_READ_DAYS days, one query.

    Counting reads never replaces the freshness token (see articles/reads.py), so the list
    is as fresh as RANKED_SECONDS (or the cached page, minutes).
    """

    def articles():
        since = timezone.localdate() - timedelta(days=max(1, settings.MOST_READ_DAYS) - 1)
        return (
            Article.objects.published()
            .most_read(since)
            .select_related("category")
            .only("headline", "slug", "language", "published_at", "category__slug")
        )[:MOST_READ_LIMIT]

    return ranked_list("most-read", "includes/most_read.html", articles)


@register.tag("memo")
def do_memo(parser, token):
    """``{% memo "name" value ... %}…{% endmemo %}``: the enclosed HTML, rendered once per
    content version, language, day, page template and the values given. Whatever else the
    block shows must not differ between visitors (never messages, forms or tokens)."""
    vary_on = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not vary_on:
        raise template.TemplateSyntaxError("{% memo %} needs a name")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, vary_on)


class MemoNode(template.Node):
    def __init__(self, nodelist, vary_on):
        self.nodelist = nodelist
        self.vary_on = vary_on

    def render(self, context):
        return fragments.remember(
            "memo",
            timezone.localdate(),
            getattr(context.template, "name", None),
            *(str(value.resolve(context)) for value in self.vary_on),
            render=lambda: self.nodelist.render(context),
        )


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
def number(value) -> str:
    """A whole number with the language's digit grouping: 12.345 in Greek, 12,345 in English."""
    try:
        return formats.number_format(int(value), use_l10n=True, force_grouping=True)
    except (TypeError, ValueError):
        return ""
