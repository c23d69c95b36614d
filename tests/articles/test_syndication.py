"""RSS, Atom, sitemaps and robots.txt: parsed as XML and checked for what readers need."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from articles import sitemaps
from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
HOST = "http://testserver"


def xml(client, url: str, content_type: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(content_type), response["Content-Type"]
    return ET.fromstring(response.content)  # noqa: S314 - our own server's output


@pytest.fixture
def world():
    world = CategoryFactory(name="Διεθνή")
    markets = CategoryFactory(name="Αγορές")
    article = ArticleFactory(
        headline="Σύνοδος κορυφής & «κρίσιμες» αποφάσεις <σήμερα>",
        lead="Οι ηγέτες συναντώνται στις Βρυξέλλες.",
        category=world,
        hero_image=ImageFactory(),
        author=UserFactory(first_name="Ελένη", last_name="Μαργαρίτη"),
        tags=["ΕΕ", "διπλωματία"],
    )
    market = ArticleFactory(headline="Άνοδος στο Χρηματιστήριο", category=markets, tags=["ΕΕ"])
    draft = ArticleFactory(headline="ΠΡΟΧΕΙΡΟ ΘΕΜΑ", category=world, status=Article.Status.DRAFT)
    scheduled = ArticleFactory(
        headline="ΜΕΛΛΟΝΤΙΚΟ ΘΕΜΑ", category=world, published_at=timezone.now() + timedelta(hours=2)
    )
    return {"world": world, "markets": markets, "article": article, "market": market,
            "hidden": [draft, scheduled]}  # fmt: skip


def rss_items(client, url):
    root = xml(client, url, "application/rss+xml")
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ["title", "link", "description"]:
        assert channel.findtext(required), required
    return channel, channel.findall("item")


def test_site_rss_has_every_required_element_and_the_item_details(client, world):
    channel, items = rss_items(client, "/rss/")
    assert channel.findtext("title") == "Νέα Αγορά"
    assert channel.findtext("link") == f"{HOST}/"
    assert channel.findtext("language") == "el"
    assert channel.find(f"{ATOM}link").get("href") == f"{HOST}/rss/"
    titles = [item.findtext("title") for item in items]
    assert titles == [world["market"].headline, world["article"].headline]

    item = items[1]
    article = world["article"]
    assert item.findtext("link") == HOST + article.get_absolute_url()
    assert item.findtext("guid") == HOST + article.get_absolute_url()
    assert item.findtext("description") == article.lead
    assert parsedate_to_datetime(item.findtext("pubDate")) == article.published_at.replace(
        microsecond=0
    )
    assert [c.text for c in item.findall("category")] == ["Διεθνή", "ΕΕ", "διπλωματία"]
    enclosure = item.find("enclosure")
    image = article.hero_image
    assert enclosure.get("url") == HOST + image.file.url
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == image.file.size > 0
    assert items[0].find("enclosure") is None  # no image, no enclosure


def test_site_atom_has_every_required_element(client, world):
    root = xml(client, "/atom/", "application/atom+xml")
    assert root.tag == f"{ATOM}feed"
    for required in ["id", "title", "updated"]:
        assert root.findtext(f"{ATOM}{required}"), required
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    entry = entries[1]
    for required in ["id", "title", "updated", "published", "summary"]:
        assert entry.findtext(f"{ATOM}{required}"), required
    links = {link.get("rel"): link for link in entry.findall(f"{ATOM}link")}
    assert links["alternate"].get("href") == HOST + world["article"].get_absolute_url()
    assert links["enclosure"].get("type") == "image/jpeg"
    assert int(links["enclosure"].get("length")) > 0
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [
        "Διεθνή", "ΕΕ", "διπλωματία",
    ]  # fmt: skip
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Ελένη Μαργαρίτη"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_section_and_tag_feeds_hold_only_their_articles(client, world, kind):
    def headlines(url):
        if kind == "rss":
            return [item.findtext("title") for item in rss_items(client, url)[1]]
        root = xml(client, url, "application/atom+xml")
        return [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]

    assert headlines(f"/{kind}/{world['world'].slug}/") == [world["article"].headline]
    assert headlines(f"/{kind}/{world['markets'].slug}/") == [world["market"].headline]
    assert headlines(f"/{kind}/tag/diplomatia/") == [world["article"].headline]
    assert len(headlines(f"/{kind}/tag/ee/")) == 2
    assert client.get(f"/{kind}/den-yparchei/").status_code == 404
    assert client.get(f"/{kind}/tag/den-yparchei/").status_code == 404


def test_no_feed_ever_carries_a_draft_or_a_scheduled_article(client, world):
    for url in ["/rss/", "/atom/", f"/rss/{world['world'].slug}/", "/en/rss/", "/news-sitemap.xml",
                "/sitemap-articles.xml"]:  # fmt: skip
        body = client.get(url).content.decode()
        for hidden in world["hidden"]:
            assert hidden.headline not in body, url
            assert hidden.slug not in body, url


def test_english_feeds_link_to_the_english_pages(client, world):
    channel, items = rss_items(client, "/en/rss/")
    assert channel.findtext("language") == "en"
    assert channel.findtext("link") == f"{HOST}/en/"
    assert all(urlsplit(item.findtext("link")).path.startswith("/en/") for item in items)


def test_a_change_is_in_the_feed_on_the_next_request(
    client, world, django_capture_on_commit_callbacks
):
    first = client.get("/rss/")
    assert client.get("/rss/", headers={"if-none-match": first["ETag"]}).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(headline="Νέα είδηση για τους συνδρομητές")
    response = client.get("/rss/", headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    assert "Νέα είδηση για τους συνδρομητές" in response.content.decode()


def test_feeds_and_sitemaps_answer_304_and_cache_hits_without_queries(
    client, world, django_assert_num_queries
):
    for url in ["/rss/", "/atom/", "/sitemap.xml", "/sitemap-articles.xml", "/news-sitemap.xml"]:
        first = client.get(url)
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]
        with django_assert_num_queries(0):
            assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_sitemap_index_lists_every_section_with_absolute_urls(client, world):
    root = xml(client, "/sitemap.xml", "application/xml")
    assert root.tag == f"{SITEMAP}sitemapindex"
    locations = [s.findtext(f"{SITEMAP}loc") for s in root.findall(f"{SITEMAP}sitemap")]
    assert locations == [f"{HOST}/sitemap-{name}.xml" for name in sitemaps.SITEMAPS]
    for location in locations:
        section = xml(client, urlsplit(location).path, "application/xml")
        assert section.tag == f"{SITEMAP}urlset"


def test_sitemap_sections_list_pages_sections_tags_and_articles(client, world):
    def locations(name):
        root = xml(client, f"/sitemap-{name}.xml", "application/xml")
        return [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]

    assert locations("pages") == [f"{HOST}/", f"{HOST}/roi-eidiseon/"]
    assert locations("sections") == [
        HOST + world["world"].get_absolute_url(), HOST + world["markets"].get_absolute_url()
    ]  # fmt: skip
    assert sorted(locations("tags")) == [f"{HOST}/tag/diplomatia/", f"{HOST}/tag/ee/"]
    assert locations("articles") == [
        HOST + world["market"].get_absolute_url(), HOST + world["article"].get_absolute_url()
    ]  # fmt: skip
    root = xml(client, "/sitemap-articles.xml", "application/xml")
    assert all(url.findtext(f"{SITEMAP}lastmod") for url in root.findall(f"{SITEMAP}url"))


def test_a_tag_of_only_hidden_articles_is_not_in_the_sitemap(client):
    ArticleFactory(status=Article.Status.DRAFT, published_at=None, tags=["κρυφή ετικέτα"])
    assert "kryfi-etiketa" not in client.get("/sitemap-tags.xml").content.decode()


def test_sitemaps_split_into_pages_past_the_limit(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 3)
    ArticleFactory.create_batch(7)
    root = xml(client, "/sitemap.xml", "application/xml")
    locations = [s.findtext(f"{SITEMAP}loc") for s in root.findall(f"{SITEMAP}sitemap")]
    article_pages = [loc for loc in locations if "sitemap-articles" in loc]
    assert article_pages == [
        f"{HOST}/sitemap-articles.xml",
        f"{HOST}/sitemap-articles.xml?p=2",
        f"{HOST}/sitemap-articles.xml?p=3",
    ]
    counts = []
    for page in ["1", "2", "3"]:
        body = client.get("/sitemap-articles.xml", {"p": page}).content
        counts.append(len(ET.fromstring(body).findall(f"{SITEMAP}url")))  # noqa: S314
    assert counts == [3, 3, 1]
    assert client.get("/sitemap-articles.xml", {"p": "4"}).status_code == 404
    assert client.get("/sitemap-articles.xml", {"p": "abc"}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemaps_list_greek_urls_whatever_the_browser_prefers(client, world):
    body = client.get("/sitemap-articles.xml", headers={"accept-language": "en"}).content.decode()
    assert "/en/" not in body
    assert world["article"].get_absolute_url() in body


def test_news_sitemap_holds_the_last_48_hours_in_google_news_format(client):
    now = timezone.now()
    recent = ArticleFactory(
        headline="Πρόσφατο & «σημαντικό»", published_at=now - timedelta(hours=47)
    )
    english = ArticleFactory(headline="English news", language="en")
    ArticleFactory(headline="Παλιό θέμα", published_at=now - timedelta(hours=49))
    root = xml(client, "/news-sitemap.xml", "application/xml")
    assert root.tag == f"{SITEMAP}urlset"
    urls = root.findall(f"{SITEMAP}url")
    assert [url.findtext(f"{SITEMAP}loc") for url in urls] == [
        HOST + english.get_absolute_url(), HOST + recent.get_absolute_url()
    ]  # fmt: skip
    news = urls[1].find(f"{NEWS}news")
    publication = news.find(f"{NEWS}publication")
    assert publication.findtext(f"{NEWS}name") == "Νέα Αγορά"
    assert publication.findtext(f"{NEWS}language") == "el"
    assert (
        urls[0].find(f"{NEWS}news").find(f"{NEWS}publication").findtext(f"{NEWS}language") == "en"
    )
    assert news.findtext(f"{NEWS}title") == "Πρόσφατο & «σημαντικό»"
    published = news.findtext(f"{NEWS}publication_date")
    assert timezone.datetime.fromisoformat(published) == recent.published_at.replace(microsecond=0)


def test_robots_txt_names_both_sitemaps_with_absolute_urls(client):
    response = client.get("/robots.txt", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
    assert f"Sitemap: {HOST}/news-sitemap.xml" in lines
    for path in ["/admin/", "/search/", "/en/search/", "/roi-eidiseon/latest/"]:
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines


def test_every_page_announces_the_feeds_and_sections_their_own(client, world):
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert 'href="/rss/"' in home
    assert 'href="/atom/"' in home
    section = client.get(world["world"].get_absolute_url()).content.decode()
    assert f'href="/rss/{world["world"].slug}/"' in section
    tag = client.get("/tag/diplomatia/").content.decode()
    assert 'href="/rss/tag/diplomatia/"' in tag


@pytest.mark.parametrize("url", ["/rss/", "/atom/"])
def test_a_lead_is_escaped_for_readers_that_show_summaries_as_html(client, url):
    ArticleFactory(lead='Δείκτης <3% & "ρεκόρ" <img src=x onerror=alert(1)>')
    root = ET.fromstring(client.get(url).content)  # noqa: S314 - our own server's output
    summary = root.findtext(".//item/description") or root.findtext(f".//{ATOM}summary")
    assert summary == "Δείκτης &lt;3% &amp; &quot;ρεκόρ&quot; &lt;img src=x onerror=alert(1)&gt;"
