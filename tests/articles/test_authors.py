"""Authors: bylines lead to the journalist's page, with their articles and feeds."""

import json
import re

import pytest
from django.contrib.auth.models import Group

from articles import services
from articles.models import Article, Author
from articles.views import ArticleListView
from tests.articles.test_query_budgets import ARTICLE_BUDGET
from tests.factories import ArticleFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db


def json_ld(html: str, kind: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return next(data for data in map(json.loads, blocks) if data.get("@type") == kind)


@pytest.fixture
def maria():
    return Author.objects.create(
        name="Μαρία Παπαδοπούλου",
        role="Πολιτική συντάκτρια",
        biography="Καλύπτει τη Βουλή από το 2015.",
        photo=ImageFactory(),
    )


@pytest.fixture
def nikos():
    return Author.objects.create(name="Νίκος Γεωργίου", role="Οικονομικός συντάκτης")


def signed(headline, *authors, **extra):
    article = ArticleFactory(headline=headline, **extra)
    services.save_article(article=article, authors=list(authors))
    return article


def test_the_author_gets_a_transliterated_page(maria):
    assert maria.slug == "maria-papadopoulou"
    assert maria.get_absolute_url() == "/syntaktes/maria-papadopoulou/"


def test_bylines_link_to_each_authors_page_and_json_ld_names_them(
    client, maria, nikos, django_assert_max_num_queries
):
    article = signed("Συμφωνία για τον κατώτατο μισθό", maria, nikos)
    with django_assert_max_num_queries(ARTICLE_BUDGET):
        html = client.get(article.get_absolute_url()).content.decode()
    byline = html.split('class="article__author"')[1].split("</p>")[0]
    assert '<a href="/syntaktes/maria-papadopoulou/" rel="author">Μαρία Παπαδοπούλου</a>' in byline
    assert "και" in byline
    assert byline.index("Μαρία") < byline.index("Νίκος")
    authors = json_ld(html, "NewsArticle")["author"]
    assert authors == [
        {
            "@type": "Person",
            "name": "Μαρία Παπαδοπούλου",
            "url": "http://testserver/syntaktes/maria-papadopoulou/",
        },
        {
            "@type": "Person",
            "name": "Νίκος Γεωργίου",
            "url": "http://testserver/syntaktes/nikos-georgiou/",
        },
    ]


def test_bylines_keep_the_editors_order_whatever_the_authors_ids():
    authors = [Author.objects.create(name=f"Συντάκτης {number}") for number in range(9)]
    chosen = authors[::-1]  # the newest profile signs first
    article = signed("Σειρά υπογραφών", *chosen)
    assert [byline["name"] for byline in article.bylines()] == [a.name for a in chosen]
    services.save_article(article=article, authors=[chosen[0], authors[0], chosen[1]])
    assert [byline["name"] for byline in Article.objects.get(pk=article.pk).bylines()] == [
        chosen[0].name,
        chosen[1].name,
        authors[0].name,
    ]


def test_an_article_without_a_profile_is_signed_by_its_account(client):
    user = UserFactory(first_name="Ελένη", last_name="Ντόκου")
    article = ArticleFactory(author=user)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Ελένη Ντόκου" in html.split('class="article__author"')[1].split("</p>")[0]


def test_the_author_page_lists_their_articles_paged_with_feeds(client, maria, nikos, monkeypatch):
    monkeypatch.setattr(ArticleListView, "paginate_by", 2)
    mine = [signed(f"Θέμα της Βουλής {n}", maria) for n in range(3)]
    other = signed("Θέμα της αγοράς", nikos)
    hidden = signed("Ανέκδοτο θέμα", maria, status=Article.Status.DRAFT, published_at=None)
    first = client.get(maria.get_absolute_url())
    assert first.status_code == 200
    html = first.content.decode()
    listing = html.split('class="article-list"')[1].split("</main>")[0]
    assert "Πολιτική συντάκτρια" in html
    assert "Καλύπτει τη Βουλή" in html
    assert mine[2].headline in listing
    assert mine[1].headline in listing
    assert other.headline not in listing
    assert hidden.headline not in html
    assert "?page=2" in html
    assert mine[0].headline in client.get(maria.get_absolute_url() + "?page=2").content.decode()
    person = json_ld(html, "Person")
    assert person["url"] == "http://testserver/syntaktes/maria-papadopoulou/"
    assert person["jobTitle"] == "Πολιτική συντάκτρια"
    for feed in ("/rss/syntaktes/maria-papadopoulou/", "/atom/syntaktes/maria-papadopoulou/"):
        xml = client.get(feed).content.decode()
        assert all(article.headline in xml for article in mine)
        assert other.headline not in xml
    assert client.get("/en/syntaktes/maria-papadopoulou/").status_code == 200
    assert client.get("/syntaktes/nobody/").status_code == 404


def test_an_editor_signs_with_their_profile_by_default(client, maria):
    editor = UserFactory(username="maria", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    maria.user = editor
    maria.save()
    client.force_login(editor)
    form = client.get("/admin/articles/article/add/").context["adminform"].form
    assert list(form.initial["authors"]) == [maria.pk]
    assert client.get("/admin/articles/author/add/").status_code == 200


def test_a_new_byline_shows_on_the_next_request(
    client, maria, nikos, page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = signed("Το νέο φορολογικό", maria)
    url = article.get_absolute_url()
    assert "Νίκος Γεωργίου" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_article(article=article, authors=[maria, nikos])
    assert "Νίκος Γεωργίου" in client.get(url).content.decode()
    assert article.headline in client.get(nikos.get_absolute_url()).content.decode()


def test_the_demo_content_has_author_pages(client, settings):
    from django.core.management import call_command

    settings.DEMO_PASSWORD = "demo-pass-for-tests"
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # once each
    eleni = Author.objects.get(name="Ελένη Μαργαρίτη")
    assert eleni.user.username == "editor"
    assert Author.objects.count() == 2
    assert not Article.objects.filter(authors=None).exists()
    page = client.get(eleni.get_absolute_url())
    assert page.status_code == 200
    assert "Πολιτική συντάκτρια" in page.content.decode()
