import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles import demo_content
from articles.models import Article, Category, Image

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)


def test_seed_creates_sections_articles_images_and_users(seeded):
    assert Category.objects.count() == len(demo_content.CATEGORIES) >= 6
    assert Category.objects.filter(slug="diethni").exists()
    published = Article.objects.published()
    assert published.count() >= 40
    assert published.filter(language="en").exists()
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert Article.objects.published().count() < Article.objects.filter(status="published").count()
    assert not published.filter(hero_image__isnull=True).exists()
    image = Image.objects.first()
    assert image.width == 1600
    assert image.file.storage.exists(image.file.name)

    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["admin"].is_superuser
    assert users["editor"].groups.filter(name="Editors").exists()
    assert users["moderator"].groups.filter(name="Moderators").exists()
    assert users["editor"].check_password("demo-pass")


def test_seed_is_idempotent(seeded):
    counts = (Article.objects.count(), Category.objects.count(), Image.objects.count())
    call_command("seed_demo", stdout=None)
    assert (Article.objects.count(), Category.objects.count(), Image.objects.count()) == counts
    assert get_user_model().objects.count() == 3


def test_seed_refuses_demo_users_with_debug_off_and_no_password(settings):
    settings.DEBUG = False
    settings.DEMO_PASSWORD = ""
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo", stdout=None)
    assert not get_user_model().objects.exists()
    assert not Article.objects.exists()


def test_seed_uses_demo_password_when_set(settings):
    settings.DEBUG = False
    settings.DEMO_PASSWORD = "another-demo-secret"
    call_command("seed_demo", stdout=None)
    assert get_user_model().objects.get(username="editor").check_password("another-demo-secret")


def test_seed_without_users_needs_no_password(settings):
    settings.DEBUG = False
    settings.DEMO_PASSWORD = ""
    call_command("seed_demo", "--no-users", stdout=None)
    assert Article.objects.exists()
    assert not get_user_model().objects.exists()


def test_seed_makes_a_live_blog_with_key_events_a_pinned_entry_and_an_embed(seeded, client):
    from articles.models import LiveBlog

    live_blog = LiveBlog.objects.get()
    entries = live_blog.entries.all()
    assert entries.count() == 8
    assert entries.filter(is_key_event=True).count() >= 2
    assert entries.filter(is_pinned=True).count() == 1
    assert entries.filter(body_html__contains='data-embed="youtube"').count() == 1
    html = client.get(live_blog.article.get_absolute_url()).content.decode()
    assert "Τα σημαντικότερα" in html
    assert "Εμφάνιση" in html  # the embed's facade
    call_command("seed_demo", stdout=None)
    assert LiveBlog.objects.get().entries.count() == 8  # once
