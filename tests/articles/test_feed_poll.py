"""The poll URL: one shared, cacheable answer per language, 304 before any query."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory, FlashItemFactory, UserFactory

pytestmark = pytest.mark.django_db

POLL = "/roi-eidiseon/latest/"
FEED_FRAGMENT_BUDGET = 3


def build(n_articles: int, n_flashes: int):
    category = CategoryFactory()
    ArticleFactory.create_batch(n_articles, category=category, tags=["ετικέτα"])
    FlashItemFactory.create_batch(n_flashes)


def test_the_poll_answer_is_public_short_lived_and_names_the_interval(client, settings):
    settings.FEED_POLL_INTERVAL = 20
    settings.FEED_MAX_AGE = 7
    ArticleFactory(headline="Η είδηση της ώρας")
    response = client.get(POLL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["ETag"].startswith('W/"')
    # Browsers reuse it FEED_MAX_AGE seconds; nginx or a CDN answers every reader for a
    # second, then one request refreshes it while the others get the copy.
    assert response["Cache-Control"] == "public, max-age=7, s-maxage=1"
    assert response["CDN-Cache-Control"] == "public, max-age=1, stale-while-revalidate=10"
    assert response["X-Poll-Interval"] == "20"
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    html = response.content.decode()
    assert "Η είδηση της ώρας" in html
    assert html.lstrip().startswith("<li")  # a fragment, not a page
    assert "<html" not in html


def test_a_matching_if_none_match_answers_304_with_no_query(
    client, django_assert_num_queries, settings
):
    settings.FEED_POLL_INTERVAL = 15
    ArticleFactory()
    etag = client.get(POLL)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(POLL, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["X-Poll-Interval"] == "15"
    assert response["Cache-Control"].startswith("public, max-age=")


def test_a_signed_in_reader_costs_no_session_or_user_query_either(
    client, django_assert_num_queries
):
    ArticleFactory()
    client.force_login(UserFactory())
    etag = client.get(POLL)["ETag"]
    with django_assert_num_queries(0):
        assert client.get(POLL, headers={"if-none-match": etag}).status_code == 304
    with django_assert_num_queries(0):
        response = client.get(POLL)
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize(
    "header",
    ["{etag}", "{bare}", '"other", {etag}', "*", 'W/"other" , {bare}'],
    ids=["weak", "strong-form", "list", "star", "list-strong"],
)
def test_if_none_match_uses_the_weak_comparison(client, header):
    ArticleFactory()
    etag = client.get(POLL)["ETag"]
    value = header.format(etag=etag, bare=etag.removeprefix("W/"))
    assert client.get(POLL, headers={"if-none-match": value}).status_code == 304


@pytest.mark.parametrize("header", ['W/"feed-old-el-20200101"', "garbage", '""'])
def test_a_stale_or_malformed_etag_gets_the_full_answer(client, header):
    ArticleFactory()
    response = client.get(POLL, headers={"if-none-match": header})
    assert response.status_code == 200


def test_a_cached_answer_costs_no_query_and_a_cold_one_stays_in_budget(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    for n_articles, n_flashes in [(1, 0), (60, 40)]:
        build(n_articles, n_flashes)
        cache.clear()
        with django_assert_max_num_queries(FEED_FRAGMENT_BUDGET):
            first = client.get(POLL)
        with django_assert_num_queries(0):
            again = client.get(POLL)
        assert first.content == again.content


def test_publishing_changes_the_etag_and_the_fragment_after_commit(
    client, django_capture_on_commit_callbacks
):
    ArticleFactory()
    etag = client.get(POLL)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(headline="Μόλις δημοσιεύτηκε")
    response = client.get(POLL, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Μόλις δημοσιεύτηκε" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.UNPUBLISHED
        article.save()
    assert "Μόλις δημοσιεύτηκε" not in client.get(POLL).content.decode()


def test_editing_a_flash_changes_the_fragment_after_commit(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        flash = FlashItemFactory(text="Πρώτη διατύπωση")
    assert "Πρώτη διατύπωση" in client.get(POLL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        flash.text = "Διορθωμένη διατύπωση"
        flash.save()
    html = client.get(POLL).content.decode()
    assert "Διορθωμένη διατύπωση" in html
    assert "Πρώτη διατύπωση" not in html


@pytest.mark.parametrize("factory", [ArticleFactory, FlashItemFactory], ids=["article", "flash"])
def test_a_scheduled_item_appears_exactly_at_its_time_with_no_write(
    client, django_capture_on_commit_callbacks, factory
):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        field = "headline" if factory is ArticleFactory else "text"
        with django_capture_on_commit_callbacks(execute=True):
            factory(**{field: "Προγραμματισμένη είδηση"}, published_at=start + timedelta(minutes=5))
        before = client.get(POLL)
        assert "Προγραμματισμένη είδηση" not in before.content.decode()

        traveller.shift(timedelta(minutes=4, seconds=59))
        assert client.get(POLL, headers={"if-none-match": before["ETag"]}).status_code == 304

        traveller.shift(timedelta(seconds=1))
        due = client.get(POLL, headers={"if-none-match": before["ETag"]})
        assert due.status_code == 200
        assert "Προγραμματισμένη είδηση" in due.content.decode()
        # ...and the sidebar of every page too.
        assert "Προγραμματισμένη είδηση" in client.get("/").content.decode()


def test_the_kill_switch_stops_every_page_from_polling(client, settings):
    settings.FEED_POLL_INTERVAL = 0
    ArticleFactory()
    response = client.get(POLL)
    assert response["X-Poll-Interval"] == "0"
    assert client.get(POLL, headers={"if-none-match": response["ETag"]})["X-Poll-Interval"] == "0"
    assert 'data-poll-interval="0"' in client.get("/").content.decode()


def test_each_language_has_its_own_url_and_etag(client):
    article = ArticleFactory()
    greek, english = client.get(POLL), client.get("/en" + POLL)
    assert english.status_code == 200
    assert greek["ETag"] != english["ETag"]
    assert f'href="/en/{article.category.slug}/' in english.content.decode()
    assert f'href="/{article.category.slug}/' in greek.content.decode()
    # The Greek answer is Greek whatever the browser prefers: the language is in the path.
    assert client.get(POLL, headers={"accept-language": "en"})["ETag"] == greek["ETag"]


def test_the_poll_url_accepts_only_reads(client):
    ArticleFactory()
    assert client.head(POLL).status_code == 200
    assert client.post(POLL).status_code == 405


@pytest.mark.parametrize("poll", [POLL, "/en/roi-eidiseon/latest/"])
def test_a_current_poll_is_answered_before_the_view_with_the_views_headers(client, poll):
    from unittest import mock

    from django.middleware.locale import LocaleMiddleware

    ArticleFactory(headline="Η είδηση της ώρας")
    full = client.get(poll)
    # Sessions, locale and the view are never reached (the locale middleware would fail).
    with mock.patch.object(
        LocaleMiddleware, "process_request", side_effect=AssertionError("reached")
    ):
        early = client.get(poll, headers={"if-none-match": full["ETag"]})
    assert early.status_code == 304
    for header in ("ETag", "Cache-Control", "X-Poll-Interval", "X-Robots-Tag",
                   "Content-Language", "X-Frame-Options", "Content-Security-Policy"):  # fmt: skip
        assert early[header] == full[header], header
    assert early.get("Vary") == full.get("Vary")
    assert not early.cookies


def test_a_poll_without_a_current_etag_still_reaches_the_view(client):
    ArticleFactory(headline="Η είδηση της ώρας")
    response = client.get(POLL, headers={"if-none-match": 'W/"feed-old"'})
    assert response.status_code == 200
    assert "Η είδηση της ώρας" in response.content.decode()


def test_the_kill_switch_acts_on_a_stored_poll_answer_at_once(client, settings, page_cache):
    settings.FEED_POLL_INTERVAL = 15
    ArticleFactory()
    first = client.get(POLL)
    assert first["X-Poll-Interval"] == "15"
    settings.FEED_POLL_INTERVAL = 0  # the feed did not change: the answer is a stored one
    again = client.get(POLL)
    assert again.content == first.content
    assert again["X-Poll-Interval"] == "0"
    assert client.get(POLL, HTTP_IF_NONE_MATCH=first["ETag"])["X-Poll-Interval"] == "0"
