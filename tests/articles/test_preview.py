"""Previews: editors and holders of a signed link see unpublished articles; nobody else."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles import preview
from articles.models import Article, PreviewLink
from tests.factories import ArticleFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def draft():
    return ArticleFactory(
        headline="Αποκλειστικό: το σχέδιο για τις συντάξεις",
        status=Article.Status.DRAFT,
        published_at=None,
        hero_image=ImageFactory(size=(800, 450)),
        tags=["συντάξεις"],
    )


def assert_private_and_unindexed(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_an_editor_previews_a_draft_with_the_readers_template(client, editor, draft):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert f'<h1 class="article__headline">{draft.headline}</h1>' in html
    assert 'class="article__hero"' in html
    assert "srcset=" in html
    assert "συντάξεις" in html
    assert 'class="preview-banner"' in html
    assert_private_and_unindexed(response)


def test_a_scheduled_article_preview_says_when_it_appears(client, editor):
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=5))
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_preview", args=[article.pk])).content
    assert "Προγραμματισμένο" in html.decode()


def test_readers_and_moderators_cannot_use_the_staff_preview(client, draft):
    url = reverse("admin:articles_article_preview", args=[draft.pk])
    assert client.get(url).status_code == 302  # to the login page
    moderator = UserFactory(username="mod", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    assert client.get(url).status_code == 403
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_preview_link_shows_the_draft_to_someone_without_an_account(client, editor, draft):
    link = preview.create_preview_link(article=draft, created_by=editor, note="Νομική υπηρεσία")
    url = preview.url_for(link)
    assert url.startswith("/preview/")
    response = client.get(url)
    assert response.status_code == 200
    assert draft.headline in response.content.decode()
    assert "μην προωθήσετε αυτόν τον σύνδεσμο" in response.content.decode()
    assert_private_and_unindexed(response)
    assert client.get(f"/en{url}").status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        "nothing",
        "0123456789abcdef0123456789abcdef:forged",
        "../../etc/passwd",
        "a\x00b",
        "%00",
        "x" * 500,
    ],
)
def test_a_forged_or_altered_token_is_not_found(client, editor, draft, token):
    preview.create_preview_link(article=draft, created_by=editor)
    response = client.get(f"/preview/{token}/")
    assert response.status_code == 404


def test_a_token_signed_for_another_purpose_is_refused(client, editor, draft):
    link = preview.create_preview_link(article=draft, created_by=editor)
    other = signing.Signer(salt="something-else").sign(link.key.hex)
    assert client.get(f"/preview/{other}/").status_code == 404


def test_a_preview_link_stops_at_expiry_with_a_clear_page(client, editor, draft):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        link = preview.create_preview_link(
            article=draft, created_by=editor, lifetime=timedelta(hours=1)
        )
        url = preview.url_for(link)
        traveller.shift(timedelta(minutes=59))
        assert client.get(url).status_code == 200
        traveller.shift(timedelta(minutes=1))
        response = client.get(url)
    assert response.status_code == 410
    html = response.content.decode()
    assert draft.headline not in html
    assert_private_and_unindexed(response)


def test_a_revoked_link_stops_at_once(client, editor, draft):
    link = preview.create_preview_link(article=draft, created_by=editor)
    preview.revoke_preview_link(link=link, revoked_by=editor)
    response = client.get(preview.url_for(link))
    assert response.status_code == 410
    assert draft.headline not in response.content.decode()


def test_editor_creates_and_revokes_a_link_in_the_admin(client, editor, draft):
    client.force_login(editor)
    page = reverse("admin:articles_article_preview_links", args=[draft.pk])
    response = client.post(page, {"note": "Για τον δικηγόρο", "lifetime": "86400"})
    assert response.status_code == 302
    link = PreviewLink.objects.get()
    assert link.created_by == editor
    assert timedelta(hours=23, minutes=59) < link.expires_at - link.created_at <= timedelta(days=1)
    html = client.get(page).content.decode()
    assert preview.url_for(link) in html
    assert "Για τον δικηγόρο" in html

    revoke = reverse("admin:articles_article_revoke_preview_link", args=[draft.pk, link.pk])
    assert client.get(revoke).status_code == 403  # a change needs a POST
    assert client.post(revoke).status_code == 302
    link.refresh_from_db()
    assert link.revoked_by == editor
    assert client.get(preview.url_for(link)).status_code == 410


def test_a_bad_lifetime_is_a_form_error(client, editor, draft):
    client.force_login(editor)
    page = reverse("admin:articles_article_preview_links", args=[draft.pk])
    response = client.post(page, {"lifetime": "999999999"})
    assert response.status_code == 200
    assert "lifetime" in response.context["form"].errors
    assert not PreviewLink.objects.exists()


def test_preview_links_of_another_article_cannot_be_revoked_through_this_one(client, editor, draft):
    other = ArticleFactory()
    link = preview.create_preview_link(article=other, created_by=editor)
    client.force_login(editor)
    url = reverse("admin:articles_article_revoke_preview_link", args=[draft.pk, link.pk])
    assert client.post(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_preview_link_list_in_the_admin_can_revoke_in_bulk(client, editor, draft):
    links = [preview.create_preview_link(article=draft, created_by=editor) for _ in range(2)]
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_previewlink_changelist"),
        {"action": "revoke", "_selected_action": [link.pk for link in links]},
    )
    assert response.status_code == 302
    assert PreviewLink.objects.filter(revoked_at__isnull=False).count() == 2
