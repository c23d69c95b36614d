"""HTML of what repeats many times on a page: article cards and pictures.

A home page shows dozens of cards and an article page dozens of comments. Through template
includes each costs a few hundred microseconds of template machinery (context pushes,
variable lookups, filters); written here with format_html it costs a tenth of that, which
is most of the difference between a page at 3% and at 20% of the framework's ceiling. The
markup is the design's (static/css/site.css, "Cards"); format_html escapes every value.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils import formats, translation
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from newsportal.caching import live, scopes
from newsportal.caching.fragments import fragment, fragments_if_kept

LARGE_SIZES = "(min-width: 80rem) 34rem, (min-width: 48rem) 55vw, 100vw"
COMPACT_SIZES = "7rem"
# A compact card's picture is 7rem wide: 640 pixels covers it at three device pixels per
# CSS pixel, so its srcset stops there (a third of the markup of the full list).
COMPACT_MAX_WIDTH = 640
CARD_SIZES = "(min-width: 75rem) 20rem, (min-width: 40rem) 50vw, 100vw"


def number(value: int) -> str:
    """A whole number with the language's digit grouping: 12.345 in Greek, 12,345 in English."""
    return formats.number_format(int(value), use_l10n=True, force_grouping=True)


def time_html(value, css_class: str = "") -> SafeString:
    """A <time> in Athens time, long-form date ("24 Νοεμβρίου 2026, 15:20")."""
    local = template_localtime(value)
    if css_class:
        css_class = format_html(' class="{}"', css_class)
    return format_html(
        '<time{} datetime="{}">{}</time>',
        css_class,
        date_format(local, "c"),
        formats.date_format(local, "DATETIME_FORMAT"),
    )


def picture_html(
    image,
    *,
    alt: str,
    sizes: str,
    lazy: bool = False,
    priority: bool = False,
    max_width: int | None = None,
) -> SafeString:
    """A <picture> of the image's renditions (WebP, JPEG fallback), or its file before
    renditions exist; width and height always, so nothing shifts when it loads. With
    ``max_width``, only the renditions up to that width (a picture always shown small)."""
    extra = mark_safe(  # noqa: S308  # nosemgrep  # nosec B308 B703 - constant attribute text
        (' loading="lazy" decoding="async"' if lazy else "")
        + (' fetchpriority="high"' if priority else "")
    )
    if not image.renditions:
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}"{}>',
            image.file.url, alt, image.width, image.height, extra,
        )  # fmt: skip
    if max_width is None:
        webp, jpeg, fallback = image.webp_srcset, image.jpeg_srcset, image.fallback_url
    else:
        webp, jpeg, fallback = image.small_srcsets(max_width)
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}"><img src="{}" srcset="{}"'
        ' sizes="{}" alt="{}" width="{}" height="{}"{}></picture>',
        webp, sizes, fallback, jpeg, sizes, alt, image.width, image.height, extra,
    )  # fmt: skip


def card_html(article, **options) -> SafeString:
    """An article in a list (see _card_html), kept per version of the article and the site.

    Its comment count is a live part (the card stays as it is when a comment is approved).
    The same card appears on the home page, its section, its tags and "See also"; showing
    it makes the page depend on the article's scope.
    """
    if article.pk is None:
        return _card_html(article, **options)
    return fragment(
        "card",
        article.pk,
        options_key(options),
        scopes=card_scopes(article.pk),
        render=lambda: _card_html(article, **options),
    )


def card_scopes(pk: int) -> tuple[str, str]:
    return (scopes.SITE, scopes.article(pk))


def options_key(options: dict) -> tuple:
    return tuple(sorted(options.items()))


def kept_cards(wanted: list[tuple[int, dict]]) -> list[SafeString | None]:
    """The cards this process rendered for the current versions of each (article id,
    options), or None for each it has not; the versions are read once for all."""
    return fragments_if_kept(
        "card", [((pk, options_key(options)), card_scopes(pk)) for pk, options in wanted]
    )


def comment_count_html(count: int, url: str) -> str:
    """The "N comments" link of a card (nothing without comments): a card's live part."""
    if not count:
        return ""
    return _count_link(translation.get_language(), count, url)


@functools.lru_cache(maxsize=4096)
def _count_link(language: str, count: int, url: str) -> str:
    # Every comment published anywhere fills a home page's eighty links again in every
    # worker; all but one of them read as they did.
    text = ngettext("%(shown)s comment", "%(shown)s comments", count) % {"shown": number(count)}
    return format_html('<a class="card__comments" href="{}#comments">{}</a>', url, text)


def _card_html(
    article,
    *,
    large: bool = False,
    compact: bool = False,
    show_lead: bool = False,
    show_category: bool = False,
    level: int = 3,
    lazy: bool = False,
    priority: bool = False,
    sizes: str = "",
) -> SafeString:
    """An article in a list: picture, section label, headline, lead, time, comments."""
    url = article.get_absolute_url()
    category = article.category
    classes = "card" + (" card--large" if large else "") + (" card--compact" if compact else "")
    picture = ""
    if article.hero_image_id and article.hero_image:
        chosen = LARGE_SIZES if large else COMPACT_SIZES if compact else (sizes or CARD_SIZES)
        picture = format_html(
            '<a class="card__image" href="{}" tabindex="-1" aria-hidden="true">{}</a>',
            url,
            picture_html(
                article.hero_image,
                alt="",
                sizes=chosen,
                lazy=lazy,
                priority=priority,
                max_width=COMPACT_MAX_WIDTH if compact else None,
            ),
        )
    label = ""
    if show_category:
        label = format_html(
            '<a class="label" href="{}" lang="{}">{}</a>',
            category.get_absolute_url(), settings.LANGUAGE_CODE, category.name,
        )  # fmt: skip
    badge = ""
    if article.is_breaking:
        badge = format_html(
            '<strong class="badge badge--breaking">{}</strong> ', gettext("Breaking")
        )
    lead = ""
    if show_lead:
        lead = format_html('<p class="card__lead" lang="{}">{}</p>', article.language, article.lead)
    # The count changes with every approved comment: filled in per response.
    comments = mark_safe(live.marker("comment-count", f"{article.pk} {url}"))  # noqa: S308  # nosemgrep  # nosec B308 B703 - our marker
    level = int(level or 3)
    return format_html(
        '<article class="{} section-colour--{}">{}<div class="card__text">{}'
        '<h{} class="card__headline"><a href="{}">{}<span lang="{}">{}</span></a></h{}>{}'
        '<p class="card__meta">{}{}</p></div></article>',
        classes, category.colour_key, picture, label, level, url, badge, article.language,
        article.headline, level, lead, time_html(article.published_at, "card__time"), comments,
    )  # fmt: skip
