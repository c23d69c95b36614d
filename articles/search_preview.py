"""How an article will look in a search result and in a share card, for the editor's form.

The same rules are written twice: here, for the saved values (what a page without
JavaScript shows), and in static/js/admin-seo-preview.js, which redraws the preview from
the form as the editor types. tests/browser/test_seo_preview.py checks that the two agree.

Search engines and social networks cut by pixel width, not characters; the limits below
are the usual character equivalents (Google shows about 60 characters of a title and 155
of a snippet; Facebook's and X's cards about 90 of a title and 110 of a description).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from articles import links

SEARCH_TITLE_CHARS = 60
SEARCH_DESCRIPTION_CHARS = 155
CARD_TITLE_CHARS = 90
CARD_DESCRIPTION_CHARS = 110
# Stands for the slug in the address the script fills in as the slug is typed.
SLUG_PLACEHOLDER = "__slug__"
ELLIPSIS = "…"
# Left at the end of a cut text before the ellipsis, as search engines do.
TRAILING = " ,.;:·-–—"


def cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: whole words, then an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    # Back to the last whole word, unless the cut falls between two words already (and
    # unless that word is very long: it is cut inside instead).
    if text[limit - 1] != " " and space > limit // 2:
        head = head[:space]
    return head.rstrip(TRAILING) + ELLIPSIS


@dataclass
class Preview:
    site_name: str
    host: str
    url_template: str  # the absolute address with SLUG_PLACEHOLDER, or "" before the first save
    slug: str
    title: str
    description: str
    image_id: int | None
    image_url: str
    image_alt: str

    @property
    def url(self) -> str:
        return self.url_template.replace(SLUG_PLACEHOLDER, self.slug)

    @property
    def search_url(self) -> str:
        """The whole address, as the result links to it (the host alone before a save)."""
        return self.url if self.url_template else self.host

    @property
    def search_title(self) -> str:
        title = f"{self.title} · {self.site_name}" if self.title else self.site_name
        return cut(title, SEARCH_TITLE_CHARS)

    @property
    def search_description(self) -> str:
        return cut(self.description, SEARCH_DESCRIPTION_CHARS)

    @property
    def card_title(self) -> str:
        return cut(self.title, CARD_TITLE_CHARS)

    @property
    def card_description(self) -> str:
        return cut(self.description, CARD_DESCRIPTION_CHARS)

    @property
    def limits(self) -> dict[str, int]:
        return {
            "search-title": SEARCH_TITLE_CHARS,
            "search-description": SEARCH_DESCRIPTION_CHARS,
            "card-title": CARD_TITLE_CHARS,
            "card-description": CARD_DESCRIPTION_CHARS,
        }


def preview_for(article, request) -> Preview:
    """The preview of ``article`` as saved (None, or an unsaved one: an empty preview)."""
    saved = article is not None and article.pk is not None
    url_template = ""
    if saved:
        path = links.article_url(article.category.slug, article.pk, SLUG_PLACEHOLDER)
        url_template = request.build_absolute_uri(path)
    image = article.hero_image if saved and article.hero_image_id else None
    return Preview(
        site_name=settings.SITE_NAME,
        host=request.get_host(),
        url_template=url_template,
        slug=article.slug if saved else "",
        title=article.search_title if saved else "",
        description=article.search_description if saved else "",
        image_id=image.pk if image else None,
        image_url=image.rendition_url(640) if image and image.file else "",
        image_alt=image.alt_text if image else "",
    )
