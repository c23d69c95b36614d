"""Editors write articles in the admin; other roles cannot."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article, Tag
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator():
    user = UserFactory(username="moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def article_form(category, **overrides):
    data = {
        "headline": "Νέα μέτρα για τη στέγαση των νέων",
        "slug": "",
        "lead": "Η κυβέρνηση ανακοίνωσε πρόγραμμα στεγαστικών δανείων.",
        "body": "<h2>Οι όροι</h2><p>Κείμενο.</p><script>alert(1)</script>",
        "category": category.pk,
        "tag_choices": [],
        "new_tags": "στέγαση, δάνεια",
        "hero_caption": "",
        "status": "published",
        "published_at_0": "24/11/2026",
        "published_at_1": "10:00:00",
        "language": "el",
        "source_line": "Συντακτική ομάδα",
        "comments_enabled": "on",
    }
    data.update(overrides)
    return data


def test_editor_writes_and_publishes_an_article(client, editor):
    category = CategoryFactory(name="Οικονομία")
    existing = Tag.objects.create(name="στεγαστικό")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form(category, tag_choices=[existing.pk], author=editor.pk),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.slug == "nea-metra-gia-ti-stegasi-ton-neon"
    assert set(article.tags.names()) == {"στεγαστικό", "στέγαση", "δάνεια"}
    assert "<script" not in article.body_html
    assert article.author == editor


def test_admin_lists_search_and_filter_articles(client, editor):
    ArticleFactory(headline="Ο προϋπολογισμός του 2027")
    ArticleFactory(headline="Άλλο θέμα")
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")
    response = client.get(url, {"q": "προϋπολογισμός"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert client.get(url, {"status__exact": "draft"}).context["cl"].result_count == 0


def test_tag_autocomplete_answers_editors(client, editor):
    Tag.objects.create(name="πληθωρισμός")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "πληθ", "app_label": "articles", "model_name": "article", "field_name": "tags"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["πληθωρισμός"]


def test_change_form_offers_view_on_site_and_greek_slug_prefill(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "js/admin-slug.js" in html
    assert 'class="viewsitelink"' in html


def test_moderators_cannot_touch_articles_or_categories(client, moderator):
    article = ArticleFactory()
    client.force_login(moderator)
    for url in [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_category_add"),
    ]:
        assert client.get(url).status_code == 403, url


def test_editors_cannot_manage_users(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
