"""Revisions: every save is kept with who, when and what changed, and can be restored."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles import locks, services
from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(username="eleni", first_name="Ελένη", last_name="Μ.", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_every_save_keeps_a_revision_with_who_when_why_and_tags(editor):
    article = Article(
        headline="Πρώτη εκδοχή", body="<p>Α</p>", category=CategoryFactory(), status="draft"
    )
    services.save_article(article=article, editor=editor, tag_names=["οικονομία"])
    article.headline = "Δεύτερη εκδοχή"
    services.save_article(article=article, editor=editor, tag_names=["οικονομία", "φόροι"])
    services.publish_article(article=article, editor=editor)
    revisions = list(article.history.all())  # newest first
    assert [r.headline for r in revisions] == ["Δεύτερη εκδοχή"] * 2 + ["Πρώτη εκδοχή"]
    assert [r.history_type for r in revisions] == ["~", "~", "+"]
    assert all(r.history_user == editor for r in revisions)
    assert [r.tag_names for r in revisions] == [
        ["οικονομία", "φόροι"],
        ["οικονομία", "φόροι"],
        ["οικονομία"],
    ]
    assert revisions[0].history_change_reason == "Δημοσιεύτηκε"
    assert revisions[0].status == "published"


def test_the_history_page_lists_who_when_and_what_changed(editor_client, editor):
    article = ArticleFactory(headline="Παλιός τίτλος", tags=["α"])
    article.headline = "Νέος τίτλος"
    services.save_article(article=article, editor=editor, tag_names=["α", "β"])
    response = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ελένη Μ." in html
    assert "Παλιός τίτλος" in html
    assert "Νέος τίτλος" in html
    assert "α, β" in html
    latest = article.history.first()
    assert reverse("admin:articles_article_simple_history", args=[article.pk, latest.pk]) in html


def test_an_editor_restores_an_earlier_version_from_the_admin(editor_client, editor):
    old_image, new_image = ImageFactory(), ImageFactory()
    article = ArticleFactory(
        headline="Σωστός τίτλος",
        lead="Σωστή εισαγωγή.",
        body="<p>Σωστό κείμενο.</p>",
        hero_image=old_image,
    )
    services.save_article(article=article, editor=editor, tag_names=["σωστή"])
    good = article.history.first()
    article.headline, article.lead, article.body = "Λάθος", "Λάθος.", "<p>Λάθος κείμενο.</p>"
    article.hero_image = new_image
    services.save_article(article=article, editor=editor, tag_names=["λάθος"])

    url = reverse("admin:articles_article_simple_history", args=[article.pk, good.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Σωστός τίτλος" in html
    assert "Λάθος" in html
    assert "Σωστό κείμενο." in html

    response = editor_client.post(url)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.lead, article.body) == (
        "Σωστός τίτλος",
        "Σωστή εισαγωγή.",
        "<p>Σωστό κείμενο.</p>",
    )
    assert article.hero_image == old_image
    assert set(article.tags.names()) == {"σωστή"}
    assert article.is_published()  # the workflow stays as it was
    assert article.revised_at is not None  # readers see an "updated" time
    latest = article.history.first()
    assert latest.history_user == editor
    assert "Επαναφέρθηκε" in latest.history_change_reason
    assert article.history.count() == 4  # the bad edit is still in the history


def test_restoring_keeps_a_draft_a_draft_and_skips_a_deleted_image(editor):
    image = ImageFactory()
    article = ArticleFactory(status="draft", published_at=None, hero_image=image)
    first = article.history.first()
    article.hero_image = None
    services.save_article(article=article, editor=editor)
    services.delete_image(image=image)
    services.restore_revision(article=article, revision=first, editor=editor)
    assert article.status == "draft"
    assert article.hero_image is None


def test_a_revision_of_another_article_cannot_be_restored(editor_client, editor):
    article, other = ArticleFactory(), ArticleFactory()
    url = reverse(
        "admin:articles_article_simple_history", args=[article.pk, other.history.first().pk]
    )
    assert editor_client.post(url).status_code == 404


def test_no_restore_while_someone_else_is_editing(editor_client, editor):
    article = ArticleFactory(headline="Α")
    first = article.history.first()
    article.headline = "Β"
    services.save_article(article=article, editor=editor)
    other = UserFactory(username="other", first_name="Άλλος", last_name="Συντάκτης", is_staff=True)
    locks.acquire_lock(article=article, user=other)
    url = reverse("admin:articles_article_simple_history", args=[article.pk, first.pk])
    assert "Άλλος Συντάκτης" in editor_client.get(url).content.decode()
    assert editor_client.post(url).status_code == 403
    assert Article.objects.get(pk=article.pk).headline == "Β"


def test_moderators_cannot_see_or_restore_revisions(client, editor):
    article = ArticleFactory()
    moderator = UserFactory(username="mod", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    revision = article.history.first()
    assert client.get(reverse("admin:articles_article_history", args=[article.pk])).status_code in {
        403,
        302,
    }
    url = reverse("admin:articles_article_simple_history", args=[article.pk, revision.pk])
    assert client.post(url).status_code == 403
