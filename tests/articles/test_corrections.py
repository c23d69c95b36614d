"""Corrections made in the open: at the top of the article, on their own page, in JSON-LD."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article, Correction
from tests.articles.test_query_budgets import ARTICLE_BUDGET
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return next(data for data in map(json.loads, blocks) if data.get("@type") == "NewsArticle")


@pytest.fixture
def article():
    return ArticleFactory(
        headline="Ο προϋπολογισμός του 2027",
        published_at=timezone.now() - timedelta(hours=3),
        body="<p>Το έλλειμμα θα είναι 2,1% του ΑΕΠ.</p>",
    )


def correct(article, text="Το έλλειμμα θα είναι 1,2%, όχι 2,1%.", **extra):
    correction = Correction(article=article, text=text, **extra)
    correction.full_clean()
    correction.save()
    return correction


def test_a_correction_is_shown_at_the_top_of_the_article_and_in_its_json_ld(
    client, article, page_cache, django_capture_on_commit_callbacks
):
    url = article.get_absolute_url()
    client.get(url)  # stored before the correction
    before = json_ld(client.get(url).content.decode())["dateModified"]
    with django_capture_on_commit_callbacks(execute=True):
        correction = correct(article)
    html = client.get(url).content.decode()
    assert "Το έλλειμμα θα είναι 1,2%, όχι 2,1%." in html
    assert html.index(f'id="correction-{correction.pk}"') < html.index("article__body")
    assert "Διόρθωση" in html
    data = json_ld(html)
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "Το έλλειμμα θα είναι 1,2%, όχι 2,1%.",
            "datePublished": timezone.localtime(correction.published_at).isoformat(),
        }
    ]
    assert data["dateModified"] > before
    article.refresh_from_db()
    assert article.show_revised  # "Updated" under the headline


def test_the_corrections_page_lists_them_newest_first_with_links(client, article):
    first = correct(article, published_at=timezone.now() - timedelta(hours=2))
    second = correct(
        article,
        text="Διευκρινίζεται ότι πρόκειται για πρόβλεψη.",
        kind=Correction.Kind.CLARIFICATION,
    )
    hidden = ArticleFactory(status=Article.Status.UNPUBLISHED, published_at=timezone.now())
    Correction.objects.create(article=hidden, text="Δεν φαίνεται.")
    for url in ("/diorthoseis/", "/en/diorthoseis/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert html.index("πρόκειται για πρόβλεψη") < html.index("1,2%, όχι 2,1%")
        assert f'/articles/{article.pk}/{article.slug}/#correction-{first.pk}"' in html
        assert f"#correction-{second.pk}" in html
        assert "Δεν φαίνεται" not in html
    assert "Διευκρίνιση" in client.get("/diorthoseis/").content.decode()


def test_a_draft_is_edited_not_corrected():
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    with pytest.raises(ValidationError):
        correct(draft)


def test_the_article_page_with_corrections_keeps_its_budget(
    client, article, django_assert_max_num_queries
):
    for n in range(5):
        correct(article, text=f"Διόρθωση αριθμός {n}.")
    with django_assert_max_num_queries(ARTICLE_BUDGET):
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('id="correction-') == 5


def test_editors_add_corrections_in_the_admin(client, article):
    editor = UserFactory(username="desk-corrections", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/articles/correction/add/").status_code == 200
    now = timezone.localtime()
    response = client.post(
        "/admin/articles/correction/add/",
        {
            "article": article.pk,
            "kind": "correction",
            "text": "Λάθος ημερομηνία στον τίτλο.",
            "published_at_0": now.strftime("%d/%m/%Y"),
            "published_at_1": now.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Correction.objects.get().created_by == editor


def test_the_demo_content_shows_corrections(client, settings):
    from django.core.management import call_command

    settings.DEMO_PASSWORD = "demo-pass-for-tests"
    call_command("seed_demo", "--no-users", verbosity=0)
    call_command("seed_demo", "--no-users", verbosity=0)  # once each
    assert Correction.objects.count() == 2
    html = client.get("/diorthoseis/").content.decode()
    assert "κράτησε πέντε" in html
    assert "Διευκρίνιση" in html
