"""Roles: Editors do exactly the editorial work, Moderators never touch articles."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles import preview
from tests.factories import ArticleFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db

# Everything an editor manages, and nothing else.
EDITORIAL_MODELS = {
    "article", "category", "tag", "taggedarticle", "image", "previewlink", "editlock",
    "flashitem", "breakingbanner", "correction", "author", "liveblog", "liveentry",
}  # fmt: skip


def member(group: str, username: str):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor():
    return member("Editors", "editor")


@pytest.fixture
def moderator():
    return member("Moderators", "moderator")


def test_editors_have_every_right_on_the_editorial_models_and_no_other():
    perms = Permission.objects.filter(group__name="Editors")
    granted = {(p.content_type.app_label, p.content_type.model) for p in perms}
    assert granted == {("articles", model) for model in EDITORIAL_MODELS}
    for model in EDITORIAL_MODELS:
        actions = {p.codename.split("_", 1)[0] for p in perms if p.content_type.model == model}
        assert actions == {"add", "change", "delete", "view"}, model


def test_moderators_have_no_right_on_articles():
    perms = Permission.objects.filter(group__name="Moderators", content_type__app_label="articles")
    assert not perms.exists()


def test_the_editors_admin_shows_only_the_articles_app(client, editor):
    client.force_login(editor)
    app_list = client.get(reverse("admin:index")).context["app_list"]
    assert [app["app_label"] for app in app_list] == ["articles"]
    models = {m["object_name"] for m in app_list[0]["models"]}
    assert models == {
        "Article", "Category", "Tag", "Image", "PreviewLink", "FlashItem", "BreakingBanner",
        "Correction", "Author", "LiveBlog", "LiveEntry",
    }  # fmt: skip


@pytest.mark.parametrize(
    "url_name", ["auth_user_changelist", "auth_group_changelist", "auth_user_add"]
)
def test_editors_cannot_manage_users_or_groups(client, editor, url_name):
    client.force_login(editor)
    assert client.get(reverse(f"admin:{url_name}")).status_code == 403


def test_editors_can_do_their_whole_day(client, editor):
    article, image = ArticleFactory(), ImageFactory()
    client.force_login(editor)
    for url in [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_history", args=[article.pk]),
        reverse("admin:articles_article_preview", args=[article.pk]),
        reverse("admin:articles_article_preview_links", args=[article.pk]),
        reverse("admin:articles_category_add"),
        reverse("admin:articles_tag_add"),
        reverse("admin:articles_image_add"),
        reverse("admin:articles_image_change", args=[image.pk]),
        reverse("admin:articles_image_picker"),
        reverse("admin:articles_previewlink_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


def test_moderators_cannot_touch_any_editorial_page(client, moderator):
    article, _image = ArticleFactory(), ImageFactory()
    link = preview.create_preview_link(article=article, created_by=None)
    client.force_login(moderator)
    gets = [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_preview", args=[article.pk]),
        reverse("admin:articles_article_preview_links", args=[article.pk]),
        reverse("admin:articles_image_changelist"),
        reverse("admin:articles_image_picker"),
        reverse("admin:articles_category_add"),
        reverse("admin:articles_tag_changelist"),
        reverse("admin:articles_previewlink_changelist"),
    ]
    for url in gets:
        assert client.get(url).status_code == 403, url
    posts = [
        reverse("admin:articles_article_take_over", args=[article.pk]),
        reverse("admin:articles_article_heartbeat", args=[article.pk]),
        reverse("admin:articles_article_revoke_preview_link", args=[article.pk, link.pk]),
        reverse("admin:articles_article_preview_links", args=[article.pk]),
        reverse("admin:articles_image_picker"),
    ]
    for url in posts:
        assert client.post(url).status_code == 403, url
    link.refresh_from_db()
    assert link.revoked_at is None
    assert not article.history.filter(history_user=moderator).exists()


def test_an_editor_with_view_only_rights_cannot_publish_or_take_over(client):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    article = ArticleFactory(status="draft", published_at=None)
    client.force_login(viewer)
    assert (
        client.get(reverse("admin:articles_article_preview", args=[article.pk])).status_code == 200
    )
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == "draft"
    assert response.status_code in {200, 302}
    take_over = reverse("admin:articles_article_take_over", args=[article.pk])
    assert client.post(take_over).status_code == 403
