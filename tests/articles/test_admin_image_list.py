"""The image library's admin lists (the change list and the hero picture's autocomplete)
page through an ordered list, newest first."""

import warnings
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.paginator import UnorderedObjectListWarning
from django.urls import reverse
from django.utils import timezone

from articles.models import Image
from tests.factories import ImageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


@pytest.fixture
def images():
    made = [ImageFactory(alt_text=f"Εικόνα {n}") for n in range(3)]
    now = timezone.now()
    for age, image in enumerate(made):  # the first made is the newest
        Image.objects.filter(pk=image.pk).update(created_at=now - timedelta(hours=age))
    return made


def test_hero_image_autocomplete_pages_newest_first_without_warning(editor_client, images):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        response = editor_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "articles", "model_name": "article", "field_name": "hero_image"},
        )
    assert response.status_code == 200
    assert [int(r["id"]) for r in response.json()["results"]] == [i.pk for i in images]


def test_image_change_list_pages_newest_first_without_warning(editor_client, images):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        response = editor_client.get(reverse("admin:articles_image_changelist"), {"q": "Εικόνα"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == images
