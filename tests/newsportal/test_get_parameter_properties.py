"""Property test: any value in any public GET parameter, on any reader page, never gives
a 5xx, and a refusal is a page in the site's design (or, for the script endpoint, JSON)."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory, CategoryFactory, CommentFactory, FlashItemFactory

pytestmark = pytest.mark.django_db

PARAMETERS = ["page", "q", "before", "comments", "comments_page", "category", "date_from",
              "date_to", "article", "utm_source", "p"]  # fmt: skip
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
NUMBERS = st.integers(min_value=-(10**30), max_value=10**30).map(str)
DATES = st.dates().map(str)
VALUES = st.one_of(TEXT, NUMBERS, DATES, st.sampled_from(["newest", "oldest", "", "0", "-1"]))


@pytest.fixture
def pages(db):
    category = CategoryFactory(name="Οικονομία")
    article = ArticleFactory(category=category, tags=["ευρώ"], headline="Ο προϋπολογισμός")
    comment = CommentFactory(article=article)
    FlashItemFactory()
    return [
        "/", "/en/", category.get_absolute_url(), article.get_absolute_url(), "/tag/evro/",
        "/search/", "/en/search/", "/roi-eidiseon/", "/roi-eidiseon/latest/", "/rss/",
        "/atom/", f"/rss/{category.slug}/", "/comments/token/",
        f"/comments/{comment.pk}/reply/", f"/comments/{comment.pk}/report/",
    ]  # fmt: skip


def test_any_get_parameter_on_any_page_never_fails(pages):
    client = Client(raise_request_exception=False)
    statuses = []

    @settings(
        max_examples=250,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        page=st.sampled_from(pages),
        query=st.dictionaries(st.sampled_from(PARAMETERS), VALUES, min_size=1, max_size=4),
    )
    def check(page, query):
        response = client.get(page, query)
        statuses.append(response.status_code)
        assert response.status_code < 500, (page, query)
        if response.status_code >= 400:
            if page == "/comments/token/":
                assert response["Content-Type"] == "application/json"
            else:
                body = response.content.decode()
                assert 'class="error-page' in body or 'class="skip-link"' in body, (page, query)

    check()
    assert len(statuses) >= 200
    assert 200 in statuses
    assert any(400 <= status < 500 for status in statuses)
