"""Reader pages: status, sections, canonical URLs and what must never leak."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A small site: two sections, a featured article, a draft and a scheduled one."""
    now = timezone.now()
    diethni = CategoryFactory(name="Διεθνή", menu_order=1)
    agores = CategoryFactory(name="Αγορές", menu_order=2)
    lead = ArticleFactory(
        headline="Συνάντηση κορυφής στη Γενεύη",
        category=diethni,
        is_featured=True,
        hero_image=ImageFactory(),
        tags=["διπλωματία"],
        published_at=now - timedelta(minutes=30),
    )
    market = ArticleFactory(
        headline="Άνοδος στο Χρηματιστήριο Αθηνών", category=agores, tags=["διπλωματία"]
    )
    draft = ArticleFactory(
        headline="ΜΥΣΤΙΚΟ ΠΡΟΧΕΙΡΟ", category=diethni, status=Article.Status.DRAFT
    )
    scheduled = ArticleFactory(
        headline="ΜΕΛΛΟΝΤΙΚΟ ΘΕΜΑ", category=agores, published_at=now + timedelta(hours=3)
    )
    withdrawn = ArticleFactory(
        headline="ΑΠΟΣΥΡΜΕΝΟ ΘΕΜΑ", category=agores, status=Article.Status.UNPUBLISHED
    )
    return {
        "diethni": diethni,
        "agores": agores,
        "lead": lead,
        "market": market,
        "hidden": [draft, scheduled, withdrawn],
    }


def reader_pages(world):
    return [
        "/",
        world["diethni"].get_absolute_url(),
        world["agores"].get_absolute_url(),
        "/tag/diplomatia/",
        world["lead"].get_absolute_url(),
        "/en/",
    ]


def test_every_reader_page_answers_200_with_menu_strip_and_feed(client, world):
    for url in reader_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'class="category-menu"' in html, url
        assert 'class="latest-strip"' in html, url
        assert 'class="feed-sidebar"' in html, url
        for landmark in ("<header", "<nav", "<main", "<aside", "<footer"):
            assert landmark in html, (url, landmark)


def test_the_menu_marks_the_page_the_reader_is_on(client, world):
    from django.urls import reverse

    def current_links(url):
        menu = client.get(url).content.decode().split('class="category-menu"')[1]
        menu = menu.split("</nav>")[0]
        return [part.split(">")[1].split("<")[0] for part in menu.split("<a ")[1:]
                if 'aria-current="page"' in part.split(">")[0]]  # fmt: skip

    feed_url = reverse("articles:feed")
    assert current_links(feed_url) == ["Ροή Ειδήσεων"]
    assert current_links(world["agores"].get_absolute_url()) == [world["agores"].name]
    assert current_links("/") == []
    assert current_links(feed_url) == ["Ροή Ειδήσεων"]  # kept apart from the home page's menu


def test_drafts_scheduled_and_withdrawn_articles_never_leak_to_any_reader_page(client, world):
    for url in reader_pages(world):
        html = client.get(url).content.decode()
        for hidden in world["hidden"]:
            assert hidden.headline not in html, (url, hidden.headline)


def test_hidden_articles_answer_404_even_at_their_own_url(client, world):
    for hidden in world["hidden"]:
        assert client.get(hidden.get_absolute_url()).status_code == 404


def test_home_page_has_lead_story_and_newest_per_category(client, world):
    response = client.get("/")
    assert response.context["lead_id"] == world["lead"].pk
    section_names = [section["category"].name for section in response.context["sections"]]
    assert section_names == ["Αγορές"]  # Διεθνή's only article leads the page
    html = response.content.decode()
    assert "Άνοδος στο Χρηματιστήριο Αθηνών" in html
    assert 'class="lead-story"' in html


def test_category_page_lists_its_articles_newest_first(client, world):
    now = timezone.now()
    older = ArticleFactory(category=world["agores"], published_at=now - timedelta(days=3))
    response = client.get(world["agores"].get_absolute_url())
    assert response.context["article_ids"] == [world["market"].pk, older.pk]
    assert response.context["category"] == world["agores"]


def test_category_pages_paginate_and_bad_page_numbers_never_fail(
    client, settings, world, monkeypatch
):
    settings.ARTICLES_PER_PAGE = 2
    for _ in range(3):
        ArticleFactory(category=world["agores"])
    url = world["agores"].get_absolute_url()
    from articles.views import CategoryView

    # The class reads the setting once, at import: set its page size for this test only.
    monkeypatch.setattr(CategoryView, "paginate_by", 2)
    assert len(client.get(url).context["cards"]) == 2
    assert len(client.get(url + "?page=2").context["cards"]) == 2
    for page in ["abc", "-1", "0", "999999", "1e9", "%00"]:
        assert client.get(url, {"page": page}).status_code == 200, page


def test_unknown_category_and_tag_are_404_in_the_site_design(client, world):
    for url in ["/den-yparchei/", "/tag/den-yparchei/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Η σελίδα δεν βρέθηκε" in response.content.decode()


def test_article_page_shows_every_section_of_the_source_page(client, world):
    article = world["lead"]
    article.author = None
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert f'href="{world["diethni"].get_absolute_url()}"' in html  # category label
    assert "<h1" in html
    assert article.headline in html
    assert article.lead in html
    assert "<h2>Τι προβλέπεται</h2>" in html  # body with sub-heading
    assert 'class="article__hero"' in html
    assert "Λεζάντα της εικόνας" in html
    assert "Συντακτική ομάδα" in html  # source line and credit
    assert 'href="/tag/diplomatia/"' in html
    assert 'id="comments"' in html
    assert "Σχόλια αναγνωστών" in html
    assert "Δείτε επίσης" in html
    assert world["market"].headline in html
    assert '<link rel="canonical"' in html


def test_article_dates_are_greek_and_in_athens_time(client, world):
    from datetime import UTC, datetime

    article = world["market"]
    Article.objects.filter(pk=article.pk).update(
        published_at=datetime(2026, 11, 24, 13, 20, tzinfo=UTC)
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "24 Νοεμβρίου 2026, 15:20" in html


@pytest.mark.parametrize(
    "make_url",
    [
        lambda a: f"/{a.category.slug}/articles/{a.pk}/palio-slug/",
        lambda a: f"/agores/articles/{a.pk}/{a.slug}/",
        lambda a: f"/{a.category.slug}/articles/{a.pk}/",
    ],
    ids=["old-slug", "wrong-category", "no-slug"],
)
def test_wrong_or_old_urls_redirect_permanently_to_the_canonical_one(client, world, make_url):
    article = world["lead"]
    response = client.get(make_url(article))
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_english_pages_live_under_en_and_keep_article_language(client, world):
    response = client.get("/en" + world["lead"].get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Readers’ comments" in html
    # The content stays Greek (the article element names its language; its class also
    # carries the section's colour).
    assert re.search(r'<article class="article[^"]*" lang="el"', html)
    assert 'hreflang="el"' in html


def test_greek_is_the_default_whatever_the_browser_asks_for(client, world):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="el">' in response.content.decode()


def test_related_articles_never_include_the_article_itself(client, world):
    response = client.get(world["lead"].get_absolute_url())
    assert response.context["related_ids"]
    assert world["lead"].pk not in response.context["related_ids"]
