"""The admin login refuses what no person sends before django-axes stores it (no 500s)."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
WRONG_LOGIN = "Παρακαλώ δώστε το σωστό"  # Django's Greek "Please enter the correct ..."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(
    ("data", "headers", "query"),
    [
        ({"username": "u" * 151, "password": "x"}, {}, ""),
        ({"username": "α" * 5000, "password": "x"}, {}, ""),
        ({"username": "chief", "password": "x\x00"}, {}, ""),
        ({"username": "chief", "password": "x", "extra": "\x00"}, {}, ""),
        ({"username": "chief", "password": "x"}, {"HTTP_USER_AGENT": "Mozilla\x00"}, ""),
        ({"username": "chief", "password": "x"}, {"HTTP_ACCEPT": "text/html\x07"}, ""),
        ({"username": "chief", "password": "x"}, {}, "?next=/admin/%00"),
    ],
    ids=["long", "huge", "nul-password", "nul-field", "nul-agent", "bell-accept", "nul-query"],
)
def test_a_login_no_person_could_send_is_a_wrong_login_and_stores_nothing(data, headers, query):
    UserFactory(username="chief", is_staff=True)
    response = Client(**headers).post(LOGIN + query, data)
    assert response.status_code == 200
    assert WRONG_LOGIN in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_an_ordinary_wrong_login_is_still_counted_by_axes():
    UserFactory(username="chief", is_staff=True)
    response = Client().post(LOGIN, {"username": "chief", "password": "wrong"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_the_right_password_still_logs_in():
    UserFactory(username="chief", is_staff=True)
    response = Client().post(LOGIN, {"username": "chief", "password": "a-long-test-password"})
    assert response.status_code == 302
