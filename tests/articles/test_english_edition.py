"""The English edition (/en/) says what it is: an English interface over Greek articles.

Every piece of Greek text on an /en/ page is marked lang="el" (on itself or an ancestor
below <html lang="en">), so that screen readers switch voice and browsers hyphenate and
translate it right; the masthead says once that the articles are in Greek; and Open Graph
names the page's locale with the other edition as its alternate.
"""

import re
from html.parser import HTMLParser

import pytest

from tests.browser.reader_world import build_reader_world

pytestmark = pytest.mark.django_db

GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# Attributes that carry text a person reads or hears.
TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


class LanguageAudit(HTMLParser):
    """Walks <body> keeping the language in force; collects Greek text not marked "el"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.html_lang = None
        self.unmarked: list[str] = []

    def language(self) -> str | None:
        return next((lang for _, lang in reversed(self.stack) if lang is not None), None)

    def in_body(self) -> bool:
        return any(tag == "body" for tag, _ in self.stack)

    def in_script(self) -> bool:
        return any(tag in ("script", "style", "template") for tag, _ in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        if tag == "html":
            self.html_lang = lang
        if self.in_body():
            own = lang if lang is not None else self.language()
            for name in TEXT_ATTRIBUTES:
                if GREEK.search(attrs.get(name) or "") and own != "el":
                    self.unmarked.append(f"<{tag} {name}={attrs[name]!r}> in lang={own}")
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        greek = self.in_body() and not self.in_script() and GREEK.search(data)
        if greek and self.language() != "el":
            where = "/".join(tag for tag, _ in self.stack[-3:])
            self.unmarked.append(f"{where}: {data.strip()[:60]!r} in lang={self.language()}")


def audit(client, url: str) -> LanguageAudit:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = LanguageAudit()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def english_pages():
    world = build_reader_world()
    lead = world["lead"]
    tag = lead.tags.order_by("name").first()
    return {
        "home": "/en/",
        "section": "/en" + world["politiki"].get_absolute_url(),
        "article": "/en" + lead.get_absolute_url(),
        "tag": "/en" + tag.get_absolute_url(),
        "feed": "/en/roi-eidiseon/",
        "search": "/en/search/?q=προϋπολογισμός",
    }


def test_english_pages_say_once_that_the_articles_are_in_greek(client, english_pages):
    for url in english_pages.values():
        html = client.get(url).content.decode()
        assert html.count('class="masthead__edition"') == 1, url
        assert "the articles are in Greek" in html, url
    greek = client.get(english_pages["home"].removeprefix("/en")).content.decode()
    assert "masthead__edition" not in greek


def test_every_greek_text_on_english_pages_is_marked_greek(client, english_pages):
    found = {}
    for name, url in english_pages.items():
        page = audit(client, url)
        assert page.html_lang == "en", url
        found[name] = page.unmarked
    assert {name: texts for name, texts in found.items() if texts} == {}


def test_the_audit_notices_unmarked_greek():
    page = LanguageAudit()
    page.feed(
        '<html lang="en"><body><p lang="el">Καλημέρα <b>κόσμε</b></p>'
        '<p>Hello <span>κόσμε</span></p><img alt="Εικόνα" src="x.png"></body></html>'
    )
    assert len(page.unmarked) == 2
    assert "κόσμε" in page.unmarked[0]
    assert "Εικόνα" in page.unmarked[1]
