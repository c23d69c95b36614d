"""HTML of what repeats many times on a page: article cards and pictures.

A home page shows dozens of cards and an article page dozens of comments. Through template
includes each costs a few hundred microseconds of template machinery (context pushes,
variable lookups, filters); written here with format_html it costs a tenth of that, which
is most of the difference between a page at 3% and at 20% of the framework's ceiling. The
markup is the design's (static/css/site.css, "Cards"); format_html escapes every value.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import formats
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from articles import fragments

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
    """An article in a list (see _card_html), rendered once per content version."""
    if article.pk is None:
        return _card_html(article, **options)
    # Any change to an article, its section, tags or image, or an approved comment,
    # replaces the version (articles/signals.py), so a stored card is never stale.
    # The same card appears on the home page, its section, its tags and "See also".
    return fragments.remember(
        "card", article.pk, _options_key(options), render=lambda: _card_html(article, **options)
    )


def _options_key(options: dict) -> tuple:
    return tuple(sorted(options.items()))


def cards_by_id(
    wanted: list[tuple[int, dict]], known: dict[int, object] | None = None
) -> list[SafeString | None]:
    """The cards of ``wanted`` (article id, card options), in order.

    Only the articles whose card this process has not rendered in the current version
    are read, in one query (``known``: articles the caller has already read, by id). A
    page that knows its article ids first (the home page) then costs a query for the ids
    and, once warm, none for the cards. An id no longer found (just withdrawn) has None
    for its card.
    """
    from articles.models import Article

    cached = [fragments.get("card", pk, _options_key(options)) for pk, options in wanted]
    missing = {pk for (pk, _), html in zip(wanted, cached, strict=True) if html is None}
    articles = {pk: known[pk] for pk in missing if known and pk in known}
    if unread := sorted(missing - articles.keys()):
        articles.update(
            (article.pk, article) for article in Article.objects.filter(pk__in=unread).for_listing()
        )
    cards = []
    for (pk, options), html in zip(wanted, cached, strict=True):
        if html is None and pk in articles:
            html = card_html(articles[pk], **options)
        cards.append(html)
    return cards


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
    comments = ""
    if article.comment_count:
        count = article.comment_count
        text = ngettext("%(shown)s comment", "%(shown)s comments", count) % {"shown": number(count)}
        comments = format_html('<a class="card__comments" href="{}#comments">{}</a>', url, text)
    level = int(level or 3)
    return format_html(
        '<article class="{} section-colour--{}">{}<div class="card__text">{}'
        '<h{} class="card__headline"><a href="{}">{}<span lang="{}">{}</span></a></h{}>{}'
        '<p class="card__meta">{}{}</p></div></article>',
        classes, category.colour_key, picture, label, level, url, badge, article.language,
        article.headline, level, lead, time_html(article.published_at, "card__time"), comments,
    )  # fmt: skip
