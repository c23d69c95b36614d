"""Share cards and search-engine metadata of article pages, parsed as a crawler would."""

import json
from datetime import datetime
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.seo import json_ld_script
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


class HeadParser(HTMLParser):
    """Collects <meta>, <link rel=canonical> and JSON-LD scripts of a page."""

    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta.append((attrs.get("property") or attrs.get("name"), attrs["content"]))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.links["canonical"] = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def first(self, key):
        return next((value for name, value in self.meta if name == key), None)

    def all(self, key):
        return [value for name, value in self.meta if name == key]


def parse(client, url) -> HeadParser:
    response = client.get(url)
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def article():
    return ArticleFactory(
        headline="Συμφωνία για την ενέργεια στη Σύνοδο Κορυφής",
        lead="Οι ηγέτες της ΕΕ συμφώνησαν σε κοινές αγορές φυσικού αερίου.",
        category=CategoryFactory(name="Διεθνή"),
        hero_image=ImageFactory(alt_text="Οι ηγέτες στη φωτογραφία"),
        author=UserFactory(first_name="Ελένη", last_name="Μαργαρίτη"),
        tags=["ενέργεια", "ΕΕ"],
    )


def test_article_page_has_canonical_open_graph_and_twitter_card(client, article):
    page = parse(client, article.get_absolute_url())
    url = HOST + article.get_absolute_url()
    image = HOST + article.hero_image.file.url
    assert page.links["canonical"] == url
    assert page.first("description") == article.lead
    expected = {
        "og:type": "article",
        "og:site_name": "Νέα Αγορά",
        "og:title": article.headline,
        "og:description": article.lead,
        "og:url": url,
        "og:locale": "el_GR",
        "og:image": image,
        "og:image:width": "64",
        "og:image:height": "36",
        "og:image:alt": "Οι ηγέτες στη φωτογραφία",
        "article:section": "Διεθνή",
        "twitter:card": "summary_large_image",
        "twitter:title": article.headline,
        "twitter:description": article.lead,
        "twitter:image": image,
    }
    for key, value in expected.items():
        assert page.first(key) == value, key
    assert sorted(page.all("article:tag")) == ["ΕΕ", "ενέργεια"]
    published = datetime.fromisoformat(page.first("article:published_time"))
    assert published == article.published_at
    assert published.utcoffset() == timezone.localtime(article.published_at).utcoffset()
    assert datetime.fromisoformat(page.first("article:modified_time")) == article.updated_at


def test_json_ld_news_article_has_what_search_engines_read(client, article):
    page = parse(client, article.get_absolute_url())
    (raw,) = page.json_ld
    data = json.loads(raw)
    url = HOST + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.headline
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert datetime.fromisoformat(data["datePublished"]) == article.published_at
    assert datetime.fromisoformat(data["dateModified"]) == article.updated_at
    assert data["author"] == {"@type": "Person", "name": "Ελένη Μαργαρίτη"}
    assert data["image"]["url"] == HOST + article.hero_image.file.url
    assert data["articleSection"] == "Διεθνή"
    assert sorted(data["keywords"]) == ["ΕΕ", "ενέργεια"]
    assert data["inLanguage"] == "el"
    publisher = data["publisher"]
    assert publisher["name"] == "Νέα Αγορά"
    assert publisher["logo"]["url"] == f"{HOST}/static/img/publisher-logo.png"
    assert (publisher["logo"]["width"], publisher["logo"]["height"]) == (600, 60)


def test_publisher_logo_exists_and_is_the_declared_size():
    from pathlib import Path

    from PIL import Image

    logo = Path(__file__).resolve().parents[2] / "static" / "img" / "publisher-logo.png"
    with Image.open(logo) as image:
        assert image.size == (600, 60)
        assert image.format == "PNG"


@pytest.mark.parametrize(
    "headline",
    [
        '</script><script>alert("x")</script>',
        "<!-- κρυφό --> & «εισαγωγικά» \"διπλά\" 'μονά'",
        "</SCRIPT ><img src=x onerror=alert(1)>",
        "γραμμή\u2028χωριστής\u2029παραγράφου",
    ],
)
def test_an_editors_headline_can_never_break_out_of_the_json_ld(client, headline):
    article = ArticleFactory(headline=headline, lead=headline)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    page = HeadParser()
    page.feed(html)
    (raw,) = page.json_ld
    assert json.loads(raw)["headline"] == headline
    assert "<" not in raw
    assert ">" not in raw
    assert html.count("<script") == html.count("</script>")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert page.first("og:title") == headline


def test_json_ld_script_escapes_the_characters_that_end_a_script():
    rendered = json_ld_script({"a": "</script>&<!--\u2028"})
    assert rendered.startswith('<script type="application/ld+json">')
    body = rendered.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert body == '{"a": "\\u003C/script\\u003E\\u0026\\u003C!--\\u2028"}'
    assert json.loads(body) == {"a": "</script>&<!--\u2028"}


def test_without_an_image_or_author_the_card_is_a_summary_and_the_site_is_the_author(client):
    article = ArticleFactory(lead="", headline="Σύντομο θέμα χωρίς φωτογραφία")
    page = parse(client, article.get_absolute_url())
    assert page.first("og:image") is None
    assert page.first("twitter:card") == "summary"
    assert page.first("description") == article.headline  # no lead: the headline
    data = json.loads(page.json_ld[0])
    assert "image" not in data
    assert data["author"] == {"@type": "Organization", "name": "Νέα Αγορά"}


def test_a_long_lead_is_cut_for_the_description(client):
    article = ArticleFactory(lead="Λέξη " * 100)
    page = parse(client, article.get_absolute_url())
    for key in ["description", "og:description", "twitter:description"]:
        assert len(page.first(key)) <= 200, key
        assert page.first(key).endswith("…"), key


def test_english_articles_declare_their_locale_and_language(client):
    article = ArticleFactory(headline="Markets rally", language="en")
    page = parse(client, article.get_absolute_url())
    assert page.first("og:locale") == "en_GB"
    assert json.loads(page.json_ld[0])["inLanguage"] == "en"


def test_other_pages_keep_their_default_description_and_no_article_tags(client, article):
    page = parse(client, "/")
    assert page.first("description")
    assert page.first("og:type") is None
    assert page.json_ld == []
