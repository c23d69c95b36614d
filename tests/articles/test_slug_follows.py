"""An article's address follows its headline until readers have seen it, then stays."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Category, is_slug_of
from tests.articles.test_workflow import article_form, draft
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(username="eleni", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def retitled(article: Article, headline: str, **changes) -> Article:
    """The article saved again through the service with a new headline (and ``changes``)."""
    fresh = Article.objects.get(pk=article.pk)
    fresh.headline = headline
    for name, value in changes.items():
        setattr(fresh, name, value)
    return services.save_article(article=fresh)


def test_a_new_article_gets_the_slug_of_its_headline_cut_at_80_characters():
    article = draft(
        headline="Η κυβέρνηση ανακοίνωσε νέο πακέτο μέτρων στήριξης για τα νοικοκυριά και τις "
        "μικρές επιχειρήσεις της περιφέρειας Αττικής"
    )
    assert article.slug == (
        "i-kyvernisi-anakoinose-neo-paketo-metron-stirixis-gia-ta-noikokyria-kai-tis"
    )


def test_a_taken_slug_gets_a_number_within_the_field():
    first = draft(headline="Ρωσία–ΗΠΑ: συνάντηση")
    second = draft(headline="Ρωσία—ΗΠΑ συνάντηση")
    assert (first.slug, second.slug) == ("rosia-ipa-synantisi", "rosia-ipa-synantisi-2")
    assert is_slug_of(second.slug, second.headline)
    assert not is_slug_of("rosia-ipa-synantisi-1", second.headline)
    assert not is_slug_of("rosia", second.headline)


def test_the_slug_of_a_draft_follows_its_headline():
    article = draft(headline="Σύσκεψη στο Μαξίμου")
    assert retitled(article, "Putin–Trump Summit – Zelensky").slug == (
        "putin-trump-summit-zelensky"
    )


def test_a_numbered_slug_follows_too_and_stays_unique():
    draft(headline="Νέα μέτρα")
    draft(headline="Ρωσία–ΗΠΑ")
    article = draft(headline="Νέα μέτρα")
    assert article.slug == "nea-metra-2"
    assert retitled(article, "Ρωσία–ΗΠΑ").slug == "rosia-ipa-2"


def test_a_scheduled_article_is_unseen_so_its_slug_still_follows():
    article = ArticleFactory(
        headline="Αύριο η ανακοίνωση", published_at=timezone.now() + timedelta(hours=3)
    )
    assert retitled(article, "Αύριο οι ανακοινώσεις").slug == "avrio-oi-anakoinoseis"


def test_a_slug_typed_by_an_editor_stays():
    article = draft(headline="Σύσκεψη στο Μαξίμου", slug="syskepsi-maximou")
    assert retitled(article, "Νέα σύσκεψη").slug == "syskepsi-maximou"


def test_a_slug_changed_in_the_same_save_is_kept():
    article = draft(headline="Σύσκεψη στο Μαξίμου")
    assert retitled(article, "Νέα σύσκεψη", slug="kati-allo").slug == "kati-allo"


@pytest.mark.parametrize("status", [Article.Status.PUBLISHED, Article.Status.UNPUBLISHED])
def test_once_readers_have_seen_it_the_slug_stays(status):
    article = ArticleFactory(headline="Σύσκεψη στο Μαξίμου", status=status)
    assert retitled(article, "Νέα σύσκεψη").slug == "syskepsi-sto-maximou"


def test_publishing_with_a_new_headline_takes_the_new_slug():
    article = draft(headline="Σύσκεψη στο Μαξίμου")
    published = retitled(article, "Νέα σύσκεψη", status=Article.Status.PUBLISHED)
    assert published.is_published()
    assert published.slug == "nea-syskepsi"
    assert retitled(published, "Τρίτη σύσκεψη").slug == "nea-syskepsi"


def test_categories_keep_to_their_80_characters():
    # Greek letters written with two Latin ones make the slug longer than the name.
    category = Category.objects.create(name="Ψυχοθεραπεία " * 6)
    assert category.slug == "-".join(["psychotherapeia"] * 5)


# --- the admin form -------------------------------------------------------------------


def test_the_admin_form_of_a_draft_follows_the_headline_without_javascript(editor_client, editor):
    article = draft(headline="Σύσκεψη στο Μαξίμου")
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(
            article.category,
            headline="Ρωσία–ΗΠΑ: νέος γύρος",
            slug=article.slug,  # as the form was sent, with no script to change it
            author=editor.pk,
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.slug == "rosia-ipa-neos-gyros"


def test_the_admin_says_next_to_the_slug_when_it_follows_and_when_it_stays(editor_client):
    unseen = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "ακολουθεί τον τίτλο" in unseen
    assert "data-follows-headline" in unseen
    live = ArticleFactory()
    html = editor_client.get(
        reverse("admin:articles_article_change", args=[live.pk])
    ).content.decode()
    assert "η διεύθυνση μένει ίδια" in html
    assert "data-follows-headline" not in html
