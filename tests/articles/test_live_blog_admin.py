"""The live desk in the admin: an editor turns an article into live coverage, posts, edits
and deletes entries from the compact form, and ends the coverage."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import LiveBlog, LiveEntry
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    LiveBlogFactory,
    LiveEntryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADD_ENTRY = reverse("admin:articles_liveentry_add")


@pytest.fixture
def editor(client):
    user = UserFactory(username="desk-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def entry_form(live_blog, **values):
    return {
        "live_blog": live_blog.pk,
        "body": "<p>Η καταμέτρηση ξεπέρασε το 50%.</p>",
        "title": "",
        "image": "",
        **values,
    }


def test_an_editor_turns_an_article_into_live_coverage(client, editor):
    article = ArticleFactory()
    response = client.post(
        reverse("admin:articles_liveblog_add"),
        {"article": article.pk, "started_at_0": "05/12/2026", "started_at_1": "20:00:00"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    live_blog = LiveBlog.objects.get(pk=article.pk)
    assert live_blog.is_live
    assert live_blog.created_by == editor


def test_posting_an_entry_returns_to_an_empty_form_for_the_same_live_blog(client, editor):
    live_blog = LiveBlogFactory()
    image = ImageFactory()
    response = client.post(
        ADD_ENTRY,
        entry_form(live_blog, title="Πρώτα αποτελέσματα", image=image.pk, is_key_event="on"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{ADD_ENTRY}?live_blog={live_blog.pk}"
    entry = LiveEntry.objects.get()
    assert entry.title == "Πρώτα αποτελέσματα"
    assert entry.image == image
    assert entry.is_key_event
    assert entry.posted_by == editor
    assert "50%" in entry.body_html

    desk = client.get(response["Location"])
    assert desk.status_code == 200
    assert desk.context["adminform"].form.initial["live_blog"] == str(live_blog.pk)
    html = desk.content.decode()
    assert "Πρώτα αποτελέσματα" in html  # the latest entries under the form
    assert reverse("admin:articles_liveentry_change", args=[entry.pk]) in html
    assert reverse("admin:articles_liveentry_delete", args=[entry.pk]) in html


def test_an_entry_without_text_is_refused_with_a_greek_error(client, editor):
    live_blog = LiveBlogFactory()
    response = client.post(ADD_ENTRY, entry_form(live_blog, body="<p> </p>"))
    assert response.status_code == 200
    assert "Γράψτε το κείμενο της ενημέρωσης." in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_no_entry_is_posted_to_an_ended_coverage(client, editor):
    from django.utils import timezone

    live_blog = LiveBlogFactory(ended_at=timezone.now())
    response = client.post(ADD_ENTRY, entry_form(live_blog))
    assert response.status_code == 200
    assert not LiveEntry.objects.exists()


def test_an_editor_edits_and_deletes_an_entry(client, editor):
    entry = LiveEntryFactory(title="Αρχικός τίτλος")
    change = reverse("admin:articles_liveentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200
    response = client.post(change, entry_form(entry.live_blog, title="Νέος τίτλος", is_pinned="on"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Νέος τίτλος"
    assert entry.is_pinned

    delete = reverse("admin:articles_liveentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not LiveEntry.objects.exists()


def test_the_live_blog_page_is_the_desk_and_the_action_ends_the_coverage(client, editor):
    live_blog = LiveBlogFactory()
    LiveEntryFactory(live_blog=live_blog, title="Η τελευταία ενημέρωση")
    page = client.get(reverse("admin:articles_liveblog_change", args=[live_blog.pk]))
    html = page.content.decode()
    assert "Η τελευταία ενημέρωση" in html
    assert f"{ADD_ENTRY}?live_blog={live_blog.pk}" in html
    listing = client.get(reverse("admin:articles_liveblog_changelist")).content.decode()
    assert f"{ADD_ENTRY}?live_blog={live_blog.pk}" in listing

    client.post(
        reverse("admin:articles_liveblog_changelist"),
        {"action": "end_coverage", "_selected_action": [live_blog.pk]},
    )
    live_blog.refresh_from_db()
    assert not live_blog.is_live


def test_the_article_form_leads_to_its_live_desk(client, editor):
    article = ArticleFactory()
    change = reverse("admin:articles_article_change", args=[article.pk])
    html = client.get(change).content.decode()
    assert f"{reverse('admin:articles_liveblog_add')}?article={article.pk}" in html
    add = client.get(f"{reverse('admin:articles_liveblog_add')}?article={article.pk}")
    assert add.context["adminform"].form.initial["article"] == str(article.pk)
    LiveBlogFactory(article=article)
    html = client.get(change).content.decode()
    assert reverse("admin:articles_liveblog_change", args=[article.pk]) in html
