"""Share cards and structured data of an article page: Open Graph, Twitter card, JSON-LD
(NewsArticle and BreadcrumbList), and the links that share it.

Every value is plain text here; templates escape attribute values, and the JSON-LD is
escaped by `json_ld_script` so that no headline can close the script element.
"""

from __future__ import annotations

import functools
import json
import mimetypes
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

# Open Graph wants a territory with the language.
OG_LOCALES = {"el": "el_GR", "en": "en_GB"}
DESCRIPTION_LENGTH = 200
PUBLISHER_LOGO = ("img/publisher-logo.png", 600, 60)
# Inside <script>, "<", ">" and "&" could end the element or start a comment; JSON lets
# every character be written as \\uXXXX, so these are, and so are the JavaScript line breaks.
JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def og_locales(language: str | None = None) -> list[tuple[str, str]]:
    """og:locale of a page: its interface language (an /en/ page is the English edition,
    even over a Greek article), and each other edition as og:locale:alternate."""
    current = language or translation.get_language() or settings.LANGUAGE_CODE
    properties = [("og:locale", OG_LOCALES.get(current, OG_LOCALES[settings.LANGUAGE_CODE]))]
    properties += [
        ("og:locale:alternate", locale)
        for code, locale in OG_LOCALES.items()
        if code != current and code in dict(settings.LANGUAGES)
    ]
    return properties


def local_iso(moment) -> str:
    """ISO 8601 in the site's time zone (Athens), with its offset."""
    return timezone.localtime(moment).isoformat()


def description(article) -> str:
    """The meta description: the editor's description for search engines, else the lead
    (or the headline), cut near 200 characters."""
    return _cut(article.search_description, DESCRIPTION_LENGTH)


@functools.lru_cache(maxsize=1024)
def _cut(text: str, length: int) -> str:
    # Truncator walks the text character by character: once per text, not per request.
    return Truncator(text).chars(length)


def canonical_url(article, request) -> str:
    return request.build_absolute_uri(article.get_absolute_url())


def hero(article, request) -> dict | None:
    image = article.hero_image
    if image is None or not image.file:
        return None
    return {
        "url": request.build_absolute_uri(image.file.url),
        "width": image.width,
        "height": image.height,
        "alt": image.alt_text,
        "type": mimetypes.guess_type(image.file.name)[0] or "image/jpeg",
    }


def open_graph(article, tags, request) -> list[tuple[str, str]]:
    properties = [
        ("og:type", "article"),
        ("og:site_name", settings.SITE_NAME),
        ("og:title", article.search_title),
        ("og:description", description(article)),
        ("og:url", canonical_url(article, request)),
    ]
    image = hero(article, request)
    if image:
        properties += [
            ("og:image", image["url"]),
            ("og:image:type", image["type"]),
            ("og:image:width", str(image["width"])),
            ("og:image:height", str(image["height"])),
            ("og:image:alt", image["alt"]),
        ]
    properties += [
        ("article:published_time", local_iso(article.published_at)),
        ("article:modified_time", local_iso(article.updated_at)),
        ("article:section", article.category.name),
    ]
    properties += [("article:tag", tag.name) for tag in tags]
    return properties


def twitter_card(article, request) -> list[tuple[str, str]]:
    image = hero(article, request)
    card = [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", article.search_title),
        ("twitter:description", description(article)),
    ]
    if image:
        card += [("twitter:image", image["url"]), ("twitter:image:alt", image["alt"])]
    return card


def publisher(request) -> dict:
    path, width, height = PUBLISHER_LOGO
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri("/"),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(path)),
            "width": width,
            "height": height,
        },
    }


def news_article(article, tags, request) -> dict:
    """schema.org NewsArticle, as search engines read it for news results."""
    url = canonical_url(article, request)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": Truncator(article.search_title).chars(110),
        "description": description(article),
        "datePublished": local_iso(article.published_at),
        "dateModified": local_iso(article.updated_at),
        "inLanguage": article.language,
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in tags],
        "publisher": publisher(request),
    }
    if corrections := article.shown_corrections():
        # Corrections made in the open (schema.org CorrectionComment).
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction["text"],
                "datePublished": local_iso(correction["at"]),
            }
            for correction in corrections
        ]
    people = [
        {"@type": "Person", "name": byline["name"]}
        | ({"url": request.build_absolute_uri(byline["url"])} if byline["url"] else {})
        for byline in article.bylines()
    ]
    # One author is an object, several a list (schema.org accepts both).
    data["author"] = (
        people[0]
        if len(people) == 1
        else people or {"@type": "Organization", "name": settings.SITE_NAME}
    )
    image = hero(article, request)
    if image:
        data["image"] = {
            "@type": "ImageObject",
            "url": image["url"],
            "width": image["width"],
            "height": image["height"],
        }
    return data


def live_blog_posting(article, tags, request, live) -> dict:
    """schema.org LiveBlogPosting: the NewsArticle's facts, the coverage's times and its
    newest entries (``live.updates``, from the first page of entries) as BlogPostings."""
    data = news_article(article, tags, request)
    url = data["url"]
    live_blog = live.live_blog
    data["@type"] = "LiveBlogPosting"
    data["coverageStartTime"] = local_iso(live_blog.started_at)
    # When it ended, or (while it goes on) when the editors expect it to end, if they said.
    if end := live_blog.ended_at or live_blog.expected_end_at:
        data["coverageEndTime"] = local_iso(end)
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": update["headline"],
            "articleBody": update["text"],
            "datePublished": local_iso(update["posted_at"]),
            "dateModified": local_iso(update["updated_at"]),
            "url": f"{url}#{update['anchor']}",
        }
        for update in live.updates
    ]
    if live.updates:
        newest = max(update["updated_at"] for update in live.updates)
        if newest > article.updated_at:
            data["dateModified"] = local_iso(newest)
    return data


def breadcrumb_list(article, request) -> dict:
    """schema.org BreadcrumbList of the page's breadcrumb: the edition's home page, the
    article's section, the article."""
    crumbs = [
        (settings.SITE_NAME, request.build_absolute_uri(reverse("articles:home"))),
        (article.category.name, request.build_absolute_uri(article.category.get_absolute_url())),
        (Truncator(article.headline).chars(110), canonical_url(article, request)),
    ]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def share_links(article, request) -> list[dict]:
    """Plain links to each service's own share address (no script of theirs on our pages,
    no request to them until a reader clicks), then e-mail and the page's own address,
    which our script (static/js/share.js) turns into a copy-to-clipboard button."""
    url = canonical_url(article, request)
    title = article.headline
    text = f"{title} {url}"
    return [
        {
            "name": "facebook",
            "label": "Facebook",
            "href": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
            "external": True,
        },
        {
            "name": "x",
            "label": "X",
            "href": "https://x.com/intent/post?" + urlencode({"url": url, "text": title}),
            "external": True,
        },
        {
            "name": "viber",
            "label": "Viber",
            "href": "viber://forward?" + urlencode({"text": text}, quote_via=quote),
            "external": False,
        },
        {
            "name": "whatsapp",
            "label": "WhatsApp",
            "href": "https://wa.me/?" + urlencode({"text": text}, quote_via=quote),
            "external": True,
        },
        {
            "name": "email",
            "label": gettext("E-mail"),
            "href": "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
            "external": False,
        },
    ]


def json_ld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> element that no value can break out of."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    escaped = payload.translate(JSON_SCRIPT_ESCAPES)
    safe_json = mark_safe(escaped)  # noqa: S308  # nosemgrep  # nosec B308 B703
    return format_html('<script type="application/ld+json">{}</script>', safe_json)


def person(author, request) -> dict:
    """schema.org Person of an author's page."""
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": author.name,
        "url": request.build_absolute_uri(author.get_absolute_url()),
    }
    if author.role:
        data["jobTitle"] = author.role
    if author.biography:
        data["description"] = Truncator(author.biography).chars(300)
    if author.photo:
        data["image"] = request.build_absolute_uri(author.photo.file.url)
    data["worksFor"] = {"@type": "NewsMediaOrganization", "name": settings.SITE_NAME}
    return data
