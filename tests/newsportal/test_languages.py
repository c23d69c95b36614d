"""Greek and English interfaces are complete on every reader page, and say which is which.

Every reader page is fetched in both languages. In the Greek pages no English message of
our catalogs may appear as text (or as a label a screen reader speaks); in the English
pages no Greek letter may appear outside content marked as Greek (`lang="el"`: headlines,
bodies, section and tag names, the site's name) and readers' own names. Dates and numbers
follow the language, and each page names its other-language versions for search engines.
"""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from articles.models import Article
from comments.models import Comment
from tests.browser.reader_world import build_reader_world, reader_pages
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "locale"
GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
SPOKEN_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Segments(HTMLParser):
    """Text a reader sees or hears, each piece with the language it is marked with."""

    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("", page_language)]
        self.skip = 0
        self.segments: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        language = attributes.get("lang") or self.stack[-1][1]
        for name, value in attrs if tag not in {"link", "meta"} else []:
            spoken = name in SPOKEN_ATTRIBUTES or name.startswith(("data-text-", "data-label-"))
            if spoken and value:
                self.segments.append((language, value))
        if tag in {"script", "style"}:
            self.skip += 1
        if tag not in VOID:
            self.stack.append((tag, language))

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip -= 1
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.skip:
            # The <title> mixes interface and content and cannot mark either: its own "language".
            in_title = self.stack[-1][0] == "title"
            self.segments.append(("title" if in_title else self.stack[-1][1], text))


def segments(html: str, language: str) -> list[tuple[str, str]]:
    parser = Segments(language)
    parser.feed(html)
    return parser.segments


def catalog_patterns() -> list[tuple[re.Pattern, str]]:
    """Our English messages (those translated differently in Greek) as whole-text patterns."""
    catalog = polib.pofile(str(LOCALE / "el" / "LC_MESSAGES" / "django.po"))
    patterns = []
    for entry in catalog.translated_entries():
        for english, greek in [(entry.msgid, entry.msgstr)] + (
            [(entry.msgid_plural, entry.msgstr_plural.get(1, ""))] if entry.msgid_plural else []
        ):
            if not english or english == greek or not re.search(r"[A-Za-z]{2}", english):
                continue
            parts = re.split(r"%\(\w+\)[sd]|%[sd]", english)
            body = r".+?".join(re.escape(" ".join(part.split())) for part in parts)
            patterns.append((re.compile(rf"(?:^|\W){body}(?:$|\W)"), english))
    return patterns


@pytest.fixture
def world():
    world = build_reader_world()
    comment = Comment.objects.filter(article=world["lead"], parent=None).first()
    world["paths"] = {
        **reader_pages(world),
        "tag": "/tag/proypologismos/",
        "older-feed": "/roi-eidiseon/?before=1-a1",
        "search-form": "/search/",
        "search-error": "/search/?q=" + "λ" * 501,
        "reply": f"/comments/{comment.pk}/reply/",
        "report": f"/comments/{comment.pk}/report/",
        "not-found": "/no-such-section/",
    }
    # Readers' own words shown back to them: their names, and what they searched for.
    world["names"] = [*Comment.objects.values_list("name", flat=True), "προϋπολογισμός"]
    return world


def fetch(client, path: str, language: str) -> str:
    prefix = "/en" if language == "en" else ""
    response = client.get(prefix + path)
    assert response.status_code in {200, 400, 404}, (path, response.status_code)
    return response.content.decode()


def test_greek_pages_show_no_english_interface_text(client, world):
    patterns = catalog_patterns()
    untranslated = set()
    for name, path in world["paths"].items():
        html = fetch(client, path, "el")
        assert '<html lang="el">' in html
        for language, text in segments(html, "el"):
            if language not in {"el", "title"}:
                continue
            untranslated |= {
                (name, english) for pattern, english in patterns if pattern.search(text)
            }
    assert sorted(untranslated) == []


def test_english_pages_show_no_greek_outside_greek_content(client, world):
    leaks = set()
    for name, path in world["paths"].items():
        html = fetch(client, path, "en")
        assert '<html lang="en">' in html
        for language, text in segments(html, "en"):
            if language != "en":
                continue
            for person in world["names"]:
                text = text.replace(person, "")
            if GREEK.search(text):
                leaks.add((name, text))
    assert sorted(leaks) == [], "\n".join(map(str, sorted(leaks)))


def test_article_content_keeps_its_own_language_in_either_interface(client, world):
    english_story = ArticleFactory(
        headline="Athens stock exchange closes higher", language="en", category=world["politiki"]
    )
    english_url, greek_url = english_story.get_absolute_url(), world["lead"].get_absolute_url()
    for prefix in ("", "/en"):
        html = client.get(prefix + english_url).content.decode()
        assert re.search(r'<article class="article[^"]*" lang="en"', html)
        greek = client.get(prefix + greek_url).content.decode()
        assert re.search(r'<article class="article[^"]*" lang="el"', greek)


@pytest.mark.parametrize(
    ("prefix", "expected_date", "expected_count"),
    [
        ("", "24 Νοεμβρίου 2026, 15:20", "1.234 σχόλια"),
        ("/en", "24 November 2026, 15:20", "1,234 comments"),
    ],
    ids=["el", "en"],
)
def test_dates_and_numbers_follow_the_language(
    client, world, prefix, expected_date, expected_count
):
    Article.objects.filter(pk=world["lead"].pk).update(
        published_at=datetime(2026, 11, 24, 13, 20, tzinfo=UTC), comment_count=1234
    )
    article = client.get(prefix + world["lead"].get_absolute_url()).content.decode()
    assert expected_date in article
    home = client.get(prefix + "/").content.decode()
    assert expected_count in home


def test_every_page_names_its_greek_english_and_default_versions(client, world):
    path = world["lead"].get_absolute_url()
    for prefix in ("", "/en"):
        html = client.get(prefix + path).content.decode()
        links = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))
        assert links == {
            "el": f"http://testserver{path}",
            "en": f"http://testserver/en{path}",
            "x-default": f"http://testserver{path}",
        }
