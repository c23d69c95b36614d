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
    raw, _breadcrumb = page.json_ld
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
    raw, breadcrumb = page.json_ld
    assert json.loads(raw)["headline"] == headline
    assert json.loads(breadcrumb)["itemListElement"][-1]["name"] == headline
    for script in (raw, breadcrumb):
        assert "<" not in script
        assert ">" not in script
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


def test_english_articles_declare_their_language(client):
    article = ArticleFactory(headline="Markets rally", language="en")
    page = parse(client, article.get_absolute_url())
    assert json.loads(page.json_ld[0])["inLanguage"] == "en"


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("kind", ["home", "article", "feed"])
def test_og_locale_is_the_editions_language_with_the_other_as_alternate(
    client, article, prefix, kind
):
    """og:locale is the page's interface: the English edition is en_GB even over a Greek
    article (it says so under the masthead), the Greek pages el_GR."""
    path = {"home": "/", "article": article.get_absolute_url(), "feed": "/roi-eidiseon/"}[kind]
    page = parse(client, prefix + path)
    english = prefix == "/en"
    assert page.all("og:locale") == ["en_GB" if english else "el_GR"]
    assert page.all("og:locale:alternate") == ["el_GR" if english else "en_GB"]


def test_breadcrumb_json_ld_lists_home_section_and_article(client, article):
    section_path, article_path = article.category.get_absolute_url(), article.get_absolute_url()
    for prefix in ("", "/en"):
        page = parse(client, prefix + article_path)
        (breadcrumb,) = [json.loads(raw) for raw in page.json_ld if "BreadcrumbList" in raw]
        assert breadcrumb["@context"] == "https://schema.org"
        assert breadcrumb["@type"] == "BreadcrumbList"
        items = breadcrumb["itemListElement"]
        assert [item["@type"] for item in items] == ["ListItem"] * 3
        assert [item["position"] for item in items] == [1, 2, 3]
        assert [item["name"] for item in items] == ["Νέα Αγορά", "Διεθνή", article.headline]
        assert [item["item"] for item in items] == [
            f"{HOST}{prefix}/",
            f"{HOST}{prefix}{section_path}",
            f"{HOST}{prefix}{article_path}",
        ]
        assert page.links["canonical"] == items[-1]["item"]


def test_other_pages_keep_their_default_description_and_no_article_tags(client, article):
    page = parse(client, "/")
    assert page.first("description")
    assert page.first("og:type") is None
    assert page.json_ld == []


class LinkParser(HTMLParser):
    """Collects the links and buttons of the share box."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.hrefs: dict[str, str] = {}
        self.attrs: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "share" in (attrs.get("class") or "").split():
            self.depth = 1
            self.attrs["box"] = attrs
        elif self.depth and tag in ("a", "button"):
            name = attrs["class"].split()[-1]
            self.hrefs[name] = attrs.get("href", "")
            self.attrs[name] = attrs

    def handle_endtag(self, tag):
        if tag == "section":
            self.depth = 0


def test_share_links_are_plain_links_to_each_service_with_the_canonical_address(client, article):
    from urllib.parse import parse_qs, urlsplit

    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    links = LinkParser()
    links.feed(html)
    url = HOST + article.get_absolute_url()
    hrefs = {name.removeprefix("share__link--"): href for name, href in links.hrefs.items()}
    assert set(hrefs) == {"share__link", "facebook", "x", "viber", "whatsapp", "email", "copy"}
    assert parse_qs(urlsplit(hrefs["facebook"]).query) == {"u": [url]}
    assert hrefs["facebook"].startswith("https://www.facebook.com/sharer/sharer.php?")
    assert hrefs["x"].startswith("https://x.com/intent/post?")
    assert parse_qs(urlsplit(hrefs["x"]).query) == {"url": [url], "text": [article.headline]}
    assert hrefs["whatsapp"].startswith("https://wa.me/?")
    assert parse_qs(urlsplit(hrefs["whatsapp"]).query) == {"text": [f"{article.headline} {url}"]}
    assert hrefs["viber"].startswith("viber://forward?")
    assert parse_qs(urlsplit(hrefs["viber"]).query) == {"text": [f"{article.headline} {url}"]}
    assert hrefs["email"].startswith("mailto:?")
    email = parse_qs(urlsplit(hrefs["email"]).query)
    assert email == {"subject": [article.headline], "body": [url]}
    assert hrefs["copy"] == url
    # The browser's own share sheet: a button our script shows where the API exists.
    assert "data-share-native" in links.attrs["share__link"]
    for name in ("facebook", "x", "whatsapp"):
        assert links.attrs[f"share__link--{name}"]["rel"] == "noopener noreferrer"
    # No script, frame or stylesheet of any service: only our own files.
    for service in ("facebook.com", "x.com", "twitter.com", "wa.me", "viber"):
        assert f'src="https://{service}' not in html
        assert f"src='https://{service}" not in html
    assert links.attrs["box"]["data-share-url"] == url
