"""Search finds an article by its tags, in both languages, and follows every tag change."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from articles import services
from articles.models import Article, Tag
from tests.articles.test_search import found
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged():
    """An article whose text never names the person it is tagged with."""
    return ArticleFactory(
        headline="Νέα βοήθεια για την αεράμυνα του Κιέβου",
        lead="Οι ηγέτες συμφώνησαν σε νέο πακέτο.",
        body="<p>Η απόφαση ελήφθη μετά από πολύωρη συζήτηση.</p>",
        tags=["Ζελένσκι"],
    )


@pytest.fixture
def other():
    return ArticleFactory(
        headline="Άνοδος στο Χρηματιστήριο Αθηνών",
        lead="Οι τράπεζες οδήγησαν τη συνεδρίαση.",
        body="<p>Ο τζίρος ξεπέρασε τα 200 εκατ. ευρώ.</p>",
        tags=["Χρηματιστήριο"],
    )


def stored_tag_names(article) -> str:
    return Article.objects.values_list("search_tag_names", flat=True).get(pk=article.pk)


@pytest.mark.parametrize("query", ["Ζελένσκι", "ζελενσκι", "ΖΕΛΕΝΣΚΙ", "ζελένσκι"])
def test_a_tag_absent_from_the_text_finds_the_article(client, tagged, other, query):
    assert found(client, query) == [tagged.headline]


def test_an_english_article_is_found_by_its_greek_tag(client, other):
    article = ArticleFactory(
        headline="Allies pledge new air defences for Kyiv",
        lead="Leaders agreed on a package.",
        body="<p>The decision came after a long meeting.</p>",
        language="en",
        tags=["Ουκρανία"],
    )
    for query in ["Ουκρανία", "ουκρανια", "ΟΥΚΡΑΝΙΑ"]:
        assert found(client, query) == [article.headline], query


def test_a_greek_article_is_found_by_its_english_tag_in_other_forms(client, other):
    article = ArticleFactory(
        headline="Τα επιτόκια μένουν σταθερά",
        lead="",
        body="<p>Απόφαση του διοικητικού συμβουλίου.</p>",
        tags=["Central Banks"],
    )
    assert found(client, "central bank") == [article.headline]


def test_a_removed_tag_stops_matching(client, tagged, django_capture_on_commit_callbacks):
    assert found(client, "Ζελένσκι") == [tagged.headline]
    with django_capture_on_commit_callbacks(execute=True):  # as a real save commits
        tagged.tags.remove("Ζελένσκι")
    assert stored_tag_names(tagged) == ""
    assert found(client, "Ζελένσκι") == []


def test_tags_changed_through_the_service_are_searched_at_once(
    client, tagged, django_capture_on_commit_callbacks
):
    article = Article.objects.get(pk=tagged.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_article(article=article, tag_names=["Ουκρανία", "Κίεβο"])
    assert stored_tag_names(tagged) == "Κίεβο Ουκρανία"
    assert found(client, "Ζελένσκι") == []
    assert found(client, "ουκρανια") == [tagged.headline]
    with django_capture_on_commit_callbacks(execute=True):
        tagged.tags.clear()
    assert found(client, "ουκρανια") == []


def test_a_renamed_tag_is_searched_by_its_new_name(
    client, tagged, django_capture_on_commit_callbacks
):
    tag = Tag.objects.get(name="Ζελένσκι")
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "Βολοντίμιρ Ζελένσκι"
        tag.save()
    assert found(client, "Βολοντίμιρ") == [tagged.headline]


def test_a_deleted_tag_stops_matching(client, tagged, other, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Tag.objects.get(name="Ζελένσκι").delete()
    assert stored_tag_names(tagged) == ""
    assert stored_tag_names(other) == "Χρηματιστήριο"
    assert found(client, "Ζελένσκι") == []


def test_a_tag_ranks_between_the_headline_and_the_lead(client):
    now = timezone.now()
    in_lead = ArticleFactory(
        headline="Συνεδρίαση στη Βουλή",
        lead="Συζητήθηκε ο προϋπολογισμός.",
        body="",
        published_at=now - timedelta(hours=1),
    )
    in_tags = ArticleFactory(
        headline="Ψηφοφορία στη Βουλή",
        lead="Η συζήτηση κράτησε ώρες.",
        body="",
        tags=["Προϋπολογισμός"],
        published_at=now - timedelta(hours=1),
    )
    in_headline = ArticleFactory(
        headline="Ο προϋπολογισμός στη Βουλή",
        lead="Η συζήτηση ξεκινά.",
        body="",
        published_at=now - timedelta(hours=1),
    )
    in_body = ArticleFactory(
        headline="Νύχτα στη Βουλή",
        lead="Η συζήτηση κράτησε ώρες.",
        body="<p>Ο προϋπολογισμός ψηφίστηκε.</p>",
        published_at=now - timedelta(hours=1),
    )
    assert found(client, "προϋπολογισμός") == [
        in_headline.headline,
        in_tags.headline,
        in_lead.headline,
        in_body.headline,
    ]


def test_the_migration_fills_the_tag_names_of_existing_articles(tagged, other):
    Article.objects.update(search_tag_names="")
    migration = importlib.import_module("articles.migrations.0019_article_search_tag_names")
    migration.fill_search_tag_names(apps, None)
    assert stored_tag_names(tagged) == "Ζελένσκι"
    assert stored_tag_names(other) == "Χρηματιστήριο"
