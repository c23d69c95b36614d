"""Article HTML for readers, built once on save into its own field (``body_html``).

The editor's HTML goes through three steps:

1. nh3 keeps only the allowlisted structure: no script or style, no event handlers, no
   ``javascript:``/``data:`` URLs, no classes or inline styles.
2. Images are rebuilt from the image library: the editor's ``<img data-file="ID">``
   becomes a ``<picture>`` with WebP and JPEG renditions, width and height (no layout
   shift) and lazy loading; the figure caption gets the image's credit. An image that
   is not from the library (another site, a pasted data: URL) is dropped.
3. nh3 runs again over the result with the reader allowlist, so nothing but what the
   second step may write can pass, and every link gets ``rel="noopener noreferrer"``.

The editor's own HTML is stored cleaned as well (``ProcessedBody.source``): the first
step's allowlist, with library images only, each pointing at the library's own file.
The admin loads it into the editor, so an image from another site that readers never get
is not fetched by editors' browsers either (the admin's CSP would refuse it anyway).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import nh3
from django.apps import apps
from django.utils.translation import gettext

from articles.embeds import replace_addresses
from articles.rendering import picture_html

TEXT_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "a", "ul", "ol", "li",
    "blockquote", "hr", "sub", "sup", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
TEXT_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope"},
    "td": {"colspan", "rowspan"},
}
# What the editor may hand in: text, and figures of library images (by their id).
SOURCE_TAGS = TEXT_TAGS | {"figure", "figcaption", "img"}
SOURCE_ATTRIBUTES = {**TEXT_ATTRIBUTES, "img": {"src", "alt", "data-file"}}
# What readers get: the same text, and figures that step 2 wrote.
READER_TAGS = TEXT_TAGS | {"figure", "figcaption", "picture", "source", "img", "span"}
READER_ATTRIBUTES = {
    **TEXT_ATTRIBUTES,
    "source": {"type", "srcset", "sizes"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
}
READER_CLASSES = {"span": {"credit"}}
# No javascript:, data: or vbscript: URLs: only these schemes survive.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"
# The article column is at most about 42rem wide; below that, the image fills the screen.
BODY_IMAGE_SIZES = "(min-width: 46rem) 42rem, calc(100vw - 2rem)"
IMAGE_ID = re.compile(r'data-file="(\d{1,18})"')


def sanitize_body(html: str) -> str:
    """Keep the allowlisted text structure of ``html`` (figures included, images as sent)."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=SOURCE_TAGS,
        attributes=SOURCE_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
    )


@dataclass(frozen=True)
class ProcessedBody:
    source: str  # the editor's HTML as stored: allowlisted, images from the library only
    html: str  # what readers get
    image_ids: list[int]  # the library images it shows


def process_editor_html(html: str) -> ProcessedBody:
    """The stored source, the reader HTML and the library images of an article body."""
    cleaned = sanitize_body(html)
    if not cleaned:
        return ProcessedBody("", "", [])
    images = _library_images({int(pk) for pk in IMAGE_ID.findall(cleaned)})
    renderer = _FigureRenderer(images)
    renderer.feed(cleaned)
    renderer.close()
    reader_html = nh3.clean(
        renderer.html(),
        tags=READER_TAGS,
        attributes=READER_ATTRIBUTES,
        allowed_classes=READER_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
    )
    # Addresses of posts and videos become placeholders (built, and escaped, by us).
    reader_html = replace_addresses(reader_html)
    return ProcessedBody(renderer.source_html(), reader_html, sorted(renderer.used))


def process_entry_html(html: str) -> ProcessedBody:
    """A live-blog entry's text: the body's rules, without figures (an entry's picture
    is its own field, so that the library knows where each image is used). Addresses of
    posts and videos still become placeholders."""
    text_only = nh3.clean(
        html or "",
        tags=TEXT_TAGS,
        attributes=TEXT_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
    )
    return process_editor_html(text_only)


def editor_html_to_reader_html(html: str) -> tuple[str, list[int]]:
    """The reader HTML for an article body, and the ids of the library images it shows."""
    rendered = process_editor_html(html)
    return rendered.html, rendered.image_ids


def clean_editor_html(html: str) -> str:
    """The editor's HTML as it is stored (see ProcessedBody.source)."""
    return process_editor_html(html).source


def _library_images(ids: set[int]) -> dict:
    """The library images of ``ids``, by id. Looked up through the app registry: the
    models use this module on save, so it cannot import them."""
    if not ids:
        return {}
    return apps.get_model("articles", "Image").objects.in_bulk(ids)


def credit_html(credit: str) -> str:
    text = gettext("Photo: %(credit)s") % {"credit": credit}
    return f'<span class="credit">{escape(text, quote=False)}</span>'


class _FigureRenderer(HTMLParser):
    """Re-emits nh3's output, replacing library images by their pictures (step 2).

    Beside the reader HTML it writes the cleaned source: the same text and structure,
    each library image as ``<img src="<its file>" alt data-file>``, other images dropped.
    """

    VOID = {"br", "hr", "img"}

    def __init__(self, images: dict):
        super().__init__(convert_charrefs=True)
        self.images = images
        self.used: set[int] = set()
        self.out: list[str] = []
        self.source: list[str] = []
        # One entry per open <figure>: the credit to show and whether a caption came.
        self.figures: list[dict] = []

    def html(self) -> str:
        return "".join(self.out)

    def source_html(self) -> str:
        return "".join(self.source)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self._image(dict(attrs))
            return
        if tag == "figure":
            self.figures.append({"credit": "", "captioned": False})
        self.out.append(f"<{tag}{_attributes(attrs)}>")
        self.source.append(f"<{tag}{_attributes(attrs)}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        figure = self.figures[-1] if self.figures else None
        if tag == "figcaption" and figure is not None:
            figure["captioned"] = True
            if figure["credit"]:
                self.out.append(" " + credit_html(figure["credit"]))
        if tag == "figure" and figure is not None:
            self.figures.pop()
            if figure["credit"] and not figure["captioned"]:
                self.out.append(f"<figcaption>{credit_html(figure['credit'])}</figcaption>")
        self.out.append(f"</{tag}>")
        self.source.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))
        self.source.append(escape(data, quote=False))

    def _image(self, attrs: dict[str, str | None]) -> None:
        try:
            image = self.images[int(attrs.get("data-file") or "")]
        except (KeyError, ValueError):
            return  # not from the library: dropped
        self.used.add(image.pk)
        source_attrs = [("src", image.fallback_url), ("alt", attrs.get("alt") or "")]
        self.source.append(f"<img{_attributes([*source_attrs, ('data-file', str(image.pk))])}>")
        alt = (attrs.get("alt") or "").strip() or image.alt_text
        self.out.append(picture_html(image, alt=alt, sizes=BODY_IMAGE_SIZES, lazy=True))
        if self.figures and image.credit:
            self.figures[-1]["credit"] = image.credit


def _attributes(attrs: list[tuple[str, str | None]]) -> str:
    return "".join(
        f' {name}="{escape(value, quote=True)}"' if value is not None else f" {name}"
        for name, value in attrs
    )
