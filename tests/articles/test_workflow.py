"""Draft, scheduled, published, unpublished: the services, the admin and what readers see."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(username="eleni", first_name="Ελένη", last_name="Μαργαρίτη", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def draft(**kwargs) -> Article:
    return ArticleFactory(status=Article.Status.DRAFT, published_at=None, **kwargs)


# --- the services -------------------------------------------------------------------


def test_publishing_a_draft_sets_the_time_now_and_readers_see_it(editor):
    article = draft()
    assert not Article.objects.published().filter(pk=article.pk).exists()
    services.publish_article(article=article, editor=editor)
    assert article.state() == Article.State.PUBLISHED
    assert timezone.now() - article.published_at < timedelta(seconds=5)
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_a_scheduled_article_appears_by_itself_when_its_time_comes(editor, client):
    article = draft()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        services.schedule_article(
            article=article, publish_at=start + timedelta(minutes=1), editor=editor
        )
        assert article.state() == Article.State.SCHEDULED
        assert client.get(article.get_absolute_url()).status_code == 404
        assert Article.objects.scheduled().filter(pk=article.pk).exists()
        traveller.shift(timedelta(minutes=1))
        assert article.state() == Article.State.PUBLISHED
        assert client.get(article.get_absolute_url()).status_code == 200
        assert article.headline in client.get("/").content.decode()


def test_scheduling_needs_a_future_time_and_an_article_never_shown(editor):
    article = draft()
    with pytest.raises(ValidationError):
        services.schedule_article(
            article=article, publish_at=timezone.now() - timedelta(minutes=1), editor=editor
        )
    live = ArticleFactory()
    with pytest.raises(ValidationError):
        services.schedule_article(
            article=live, publish_at=timezone.now() + timedelta(hours=1), editor=editor
        )


def test_the_publication_time_is_kept_through_unpublishing_and_publishing_again(editor):
    article = ArticleFactory()
    first = article.published_at
    services.unpublish_article(article=article, editor=editor)
    assert article.status == Article.Status.UNPUBLISHED
    assert not Article.objects.published().filter(pk=article.pk).exists()
    services.publish_article(article=article, editor=editor)
    article.refresh_from_db()
    assert article.published_at == first
    assert article.state() == Article.State.PUBLISHED


def test_a_saved_change_cannot_move_the_time_of_a_live_article(editor):
    article = ArticleFactory()
    first = article.published_at
    article.published_at = timezone.now() + timedelta(days=3)
    services.save_article(article=article, editor=editor)
    article.refresh_from_db()
    assert article.published_at == first


def test_calling_back_a_scheduled_article_makes_it_a_draft_again(editor):
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=2))
    services.unpublish_article(article=article, editor=editor)
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    services.publish_article(article=article, editor=editor)
    assert timezone.now() - article.published_at < timedelta(seconds=5)


def test_publishing_a_scheduled_article_now_brings_it_forward(editor):
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=2))
    services.publish_article(article=article, editor=editor)
    assert article.is_published()


def test_only_an_article_readers_saw_can_be_unpublished(editor):
    article = draft()
    article.status = Article.Status.UNPUBLISHED
    with pytest.raises(ValidationError) as error:
        services.save_article(article=article, editor=editor)
    assert "status" in error.value.message_dict
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_a_change_readers_see_after_publication_sets_the_updated_time(editor, client):
    published = timezone.now() - timedelta(hours=3)
    article = ArticleFactory(published_at=published)
    assert article.revised_at is None
    with time_machine.travel(timezone.now(), tick=False):
        article.is_featured = True  # not something readers read: no "updated"
        services.save_article(article=article, editor=editor)
        assert article.revised_at is None
        article.lead = "Νέα, διορθωμένη εισαγωγή."
        services.save_article(article=article, editor=editor)
        assert article.revised_at == timezone.now()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="article__updated"' in html
    assert timezone.localtime(article.revised_at).isoformat()[:16] in html


def test_a_tag_change_is_an_update_too(editor):
    article = ArticleFactory(tags=["οικονομία"])
    services.save_article(article=article, editor=editor, tag_names=["οικονομία", "φόροι"])
    assert article.revised_at is not None
    assert set(article.tags.names()) == {"οικονομία", "φόροι"}


def test_edits_before_publication_are_no_update(editor, client):
    article = draft()
    article.lead = "Άλλη εισαγωγή"
    services.save_article(article=article, editor=editor)
    services.publish_article(article=article, editor=editor)
    assert article.revised_at is None
    assert 'class="article__updated"' not in client.get(article.get_absolute_url()).content.decode()


def test_the_database_refuses_an_unpublished_article_without_time_and_updates_before_it():
    from django.db import IntegrityError, transaction

    article = draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    live = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=live.pk).update(
            revised_at=live.published_at - timedelta(minutes=1)
        )


# --- the admin ------------------------------------------------------------------------


def article_form(category, **overrides):
    data = {
        "headline": "Νέα μέτρα για τη στέγαση",
        "slug": "",
        "lead": "Η κυβέρνηση ανακοίνωσε πρόγραμμα.",
        "body": "<p>Κείμενο.</p>",
        "category": category.pk,
        "new_tags": "",
        "hero_caption": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "language": "el",
        "source_line": "",
        "comments_enabled": "on",
    }
    data.update(overrides)
    return data


def test_admin_times_are_athens_time_and_the_form_says_so(editor_client):
    article = ArticleFactory(
        status=Article.Status.DRAFT,
        published_at=datetime(2026, 1, 15, 8, 30, tzinfo=UTC),  # 10:30 in Athens (winter)
    )
    html = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert 'value="10:30:00"' in html
    assert "Europe/Athens" in html


def test_an_admin_time_is_read_as_athens_time(editor_client, editor):
    category = CategoryFactory()
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        article_form(
            category,
            status="published",
            published_at_0="15/07/2031",
            published_at_1="09:00:00",
            author=editor.pk,
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.published_at == datetime(2031, 7, 15, 6, 0, tzinfo=UTC)  # EEST is UTC+3
    assert article.state() == Article.State.SCHEDULED


def test_the_change_list_shows_state_author_and_filters_scheduled(editor_client, editor):
    ArticleFactory(headline="Ζωντανό", author=editor)
    ArticleFactory(headline="Προγραμματισμένο", published_at=timezone.now() + timedelta(hours=1))
    draft(headline="Πρόχειρο")
    url = reverse("admin:articles_article_changelist")
    html = editor_client.get(url).content.decode()
    for label in ["Δημοσιευμένο", "Προγραμματισμένο", "Πρόχειρο"]:
        assert label in html
    assert "Ελένη Μαργαρίτη" in html or "eleni" in html
    response = editor_client.get(url, {"state": "scheduled"})
    assert [a.headline for a in response.context["cl"].result_list] == ["Προγραμματισμένο"]
    response = editor_client.get(url, {"state": "published"})
    assert [a.headline for a in response.context["cl"].result_list] == ["Ζωντανό"]


def test_admin_actions_publish_now_and_unpublish(editor_client):
    first, second = draft(), draft()
    live = ArticleFactory()
    url = reverse("admin:articles_article_changelist")
    editor_client.post(url, {"action": "publish_now", "_selected_action": [first.pk, second.pk]})
    assert Article.objects.published().filter(pk__in=[first.pk, second.pk]).count() == 2
    editor_client.post(url, {"action": "unpublish", "_selected_action": [first.pk, live.pk]})
    assert set(
        Article.objects.filter(status=Article.Status.UNPUBLISHED).values_list("pk", flat=True)
    ) == {first.pk, live.pk}


def test_save_and_publish_now_from_the_form(editor_client, editor):
    article = draft()
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(article.category, headline=article.headline, author=editor.pk,
                     _publish_now="1"),
    )  # fmt: skip
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published()
    assert article.history.first().history_change_reason == "Δημοσιεύτηκε"


def test_saving_without_lead_or_image_warns_clearly(editor_client, editor):
    category = CategoryFactory()
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        article_form(category, lead="", author=editor.pk),
        follow=True,
    )
    text = response.content.decode()
    assert "δεν έχει εισαγωγή" in text
    assert "δεν έχει εικόνα" in text
    article = Article.objects.get()
    article.lead = "Εισαγωγή"
    article.hero_image = ImageFactory()
    article.save()
    text = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert "δεν έχει εισαγωγή" not in text
    assert "δεν έχει εικόνα" not in text


def test_status_choices_follow_the_article_and_a_live_time_is_read_only(editor_client):
    new = editor_client.get(reverse("admin:articles_article_add")).context["adminform"].form
    assert [c[0] for c in new.fields["status"].choices] == ["draft", "published"]
    live = ArticleFactory()
    response = editor_client.get(reverse("admin:articles_article_change", args=[live.pk]))
    form = response.context["adminform"].form
    assert [c[0] for c in form.fields["status"].choices] == ["published", "unpublished"]
    assert "published_at" not in form.fields


def test_view_on_site_previews_an_unpublished_article(editor_client):
    article = draft()
    html = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert reverse("admin:articles_article_preview", args=[article.pk]) in html
    assert "Πρόχειρο" in html
