"""Property tests of the comment form: whatever a reader (or a program) types in any field,
the answer is never a 5xx, nothing stored holds a NUL byte, and a refused form shows the
text again so nothing typed is lost."""

import time

import pytest
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments import tokens
from comments.models import Comment

pytestmark = pytest.mark.django_db

# Any Unicode a browser can send (lone surrogates cannot be encoded as UTF-8 at all).
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=80)
LONG_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), min_size=2900, max_size=3100)
SHOWN_AGAIN = ("name", "email", "body")


def form_values(valid_token):
    return st.fixed_dictionaries(
        {
            "name": st.one_of(TEXT, st.just("Ελένη")),
            "email": st.one_of(st.just(""), st.emails(), TEXT),
            "body": st.one_of(TEXT, LONG_TEXT, st.just("Σχόλιο με\r\nδύο γραμμές.")),
            "parent": st.one_of(st.just(""), TEXT),
            "token": st.one_of(st.just(valid_token), TEXT),
            "website": st.one_of(st.just(""), TEXT),
        }
    )


@pytest.fixture
def rate_limits_off(settings):
    settings.COMMENTS_RATE_PER_MINUTE = settings.COMMENTS_RATE_PER_HOUR = 10**9


def test_any_text_in_any_field_never_fails_and_is_never_lost(rate_limits_off, article):
    client = Client()
    url = f"/comments/post/{article.pk}/"
    seen = {"stored": 0, "refused": 0}

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def check(data):
        token = tokens.issue(article.pk, now=time.time() - 30)
        values = data.draw(form_values(token))
        response = client.post(url, values)
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 302:
            seen["stored"] += 1
            return
        seen["refused"] += 1
        html = response.content.decode()
        for field in SHOWN_AGAIN:
            assert escape(values[field]) in html, field

    check()
    texts = Comment.objects.values_list("name", "body", "email", "user_agent")
    assert not any("\x00" in value for row in texts for value in row)
    assert seen["stored"] > 0
    assert seen["refused"] > 0
