"""Edit locks: a second editor is told who is editing, can take over, and stale locks end."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import locks
from articles.models import Article, EditLock
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_editor(username, first_name):
    user = UserFactory(username=username, first_name=first_name, last_name="Π.", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def maria():
    return make_editor("maria", "Μαρία")


@pytest.fixture
def nikos():
    return make_editor("nikos", "Νίκος")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(article, **overrides):
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "lead": article.lead,
        "body": article.body,
        "category": article.category_id,
        "new_tags": "",
        "hero_caption": "",
        "status": article.status,
        "language": "el",
        "source_line": "",
        "comments_enabled": "on",
    }
    data.update(overrides)
    return data


def test_opening_the_form_takes_the_lock_and_a_second_editor_is_told(maria, nikos):
    article = ArticleFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client_for(maria).get(change_url(article)).status_code == 200
    lock = EditLock.objects.get()
    assert lock.user == maria
    response = client_for(nikos).get(change_url(article))
    html = response.content.decode()
    assert "Μαρία Π." in html
    assert timezone.localtime(start).strftime("%H:%M") in html
    assert 'form="edit-lock-take-over"' in html
    assert response.context["has_change_permission"] is False  # read-only for Nikos
    assert EditLock.objects.get().user == maria


def test_the_holder_sees_no_warning_and_keeps_the_lock(maria):
    article = ArticleFactory()
    client = client_for(maria)
    client.get(change_url(article))
    html = client.get(change_url(article)).content.decode()
    assert 'id="edit-lock-status"' in html
    assert "data-heartbeat-url" in html
    assert 'form="edit-lock-take-over"' in html  # hidden until the lock is lost
    assert EditLock.objects.get().user == maria


def test_a_second_editor_takes_over_explicitly(maria, nikos):
    article = ArticleFactory()
    client_for(maria).get(change_url(article))
    nikos_client = client_for(nikos)
    take_over = reverse("admin:articles_article_take_over", args=[article.pk])
    assert nikos_client.get(take_over).status_code == 403  # only by POST
    response = nikos_client.post(take_over)
    assert response.status_code == 302
    assert EditLock.objects.get().user == nikos
    response = nikos_client.get(change_url(article))
    assert response.context["has_change_permission"] is True


def test_the_former_holder_cannot_save_over_the_new_one(maria, nikos):
    article = ArticleFactory(headline="Αρχικός τίτλος")
    maria_client = client_for(maria)
    maria_client.get(change_url(article))
    client_for(nikos).post(reverse("admin:articles_article_take_over", args=[article.pk]))
    response = maria_client.post(change_url(article), form_data(article, headline="Της Μαρίας"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "Νίκος Π." in str(errors)
    assert response.context["adminform"].form["headline"].value() == "Της Μαρίας"  # kept
    assert Article.objects.get(pk=article.pk).headline == "Αρχικός τίτλος"


def test_the_heartbeat_keeps_the_lock_and_reports_a_take_over(maria, nikos):
    article = ArticleFactory()
    maria_client = client_for(maria)
    maria_client.get(change_url(article))
    heartbeat = reverse("admin:articles_article_heartbeat", args=[article.pk])
    assert maria_client.get(heartbeat).status_code == 405
    assert maria_client.post(heartbeat).json() == {"mine": True, "message": ""}
    client_for(nikos).post(reverse("admin:articles_article_take_over", args=[article.pk]))
    data = maria_client.post(heartbeat).json()
    assert data["mine"] is False
    assert "Νίκος Π." in data["message"]
    assert EditLock.objects.get().user == nikos


def test_a_stale_lock_expires_by_itself(maria, nikos, settings):
    article = ArticleFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        locks.acquire_lock(article=article, user=maria)
        traveller.shift(timedelta(seconds=settings.EDIT_LOCK_LIFETIME - 1))
        assert locks.held_by_other(article=article, user=nikos) is not None
        traveller.shift(timedelta(seconds=1))
        assert locks.held_by_other(article=article, user=nikos) is None
        lock = locks.acquire_lock(article=article, user=nikos)
    assert lock.user == nikos


def test_with_javascript_a_closed_tab_frees_the_article_soon(maria, nikos, settings):
    article = ArticleFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        locks.acquire_lock(article=article, user=maria)
        locks.heartbeat(article=article, user=maria)  # the page's first beat
        traveller.shift(timedelta(seconds=settings.EDIT_LOCK_HEARTBEAT_TTL))
        assert locks.current_lock(article=article) is None


def test_saving_releases_the_lock_and_continuing_keeps_it(maria, nikos):
    article = ArticleFactory()
    client = client_for(maria)
    client.get(change_url(article))
    response = client.post(change_url(article), form_data(article, _continue="1"))
    assert response.status_code == 302
    assert EditLock.objects.filter(user=maria).exists()
    response = client.post(change_url(article), form_data(article, headline="Νέος τίτλος"))
    assert response.status_code == 302
    assert not EditLock.objects.exists()
    assert Article.objects.get(pk=article.pk).headline == "Νέος τίτλος"


def test_a_lock_on_one_article_does_not_touch_another(maria, nikos):
    first, second = ArticleFactory(), ArticleFactory()
    locks.acquire_lock(article=first, user=maria)
    assert locks.acquire_lock(article=second, user=nikos).user == nikos
    assert locks.release_lock(article=first, user=nikos) is False
    assert EditLock.objects.count() == 2
