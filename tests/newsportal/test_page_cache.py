"""Whole anonymous pages come from the cache, and no change readers could see is ever hidden."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db

# What nginx or a CDN may do with an anonymous page: keep it a second (a CDN may serve it
# stale ten more while one request fetches the new one); browsers revalidate every time.
EDGE_CACHEABLE = "public, max-age=0, s-maxage=1"


@pytest.fixture
def site(page_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        category = CategoryFactory(name="Αγορές")
        article = ArticleFactory(headline="Ράλι στο Χρηματιστήριο", category=category)
    return {"category": category, "article": article}


def urls(site):
    return ["/", site["category"].get_absolute_url(), site["article"].get_absolute_url(),
            "/en/"]  # fmt: skip


def test_a_second_anonymous_visit_runs_no_query(client, site, django_assert_num_queries):
    for url in urls(site):
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]
        assert second["Cache-Control"] == EDGE_CACHEABLE
        assert "Content-Security-Policy" in second
        # Headers of the inner middleware are replayed; the language is the page's own.
        for header in ("X-Frame-Options", "Content-Language", "Content-Type"):
            assert second[header] == first[header], (url, header)
        assert second["Content-Language"] == ("en" if url.startswith("/en/") else "el")


def test_a_matching_etag_answers_304_with_no_query(client, site, django_assert_num_queries):
    url = site["article"].get_absolute_url()
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag


def publish_another(site):
    ArticleFactory(headline="Νέο έκτακτο θέμα", category=site["category"])
    return "/", "Νέο έκτακτο θέμα"


def tag_the_article(site):
    site["article"].tags.add("Ομόλογα")
    return site["article"].get_absolute_url(), "Ομόλογα"


def rename_the_category(site):
    site["category"].name = "Αγορές και Χρήμα"
    site["category"].save()
    return site["article"].get_absolute_url(), "Αγορές και Χρήμα"


@pytest.mark.parametrize("change", [publish_another, tag_the_article, rename_the_category])
def test_a_change_is_visible_on_the_very_next_request(
    client, site, change, django_capture_on_commit_callbacks
):
    for url in urls(site):
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        url, expected = change(site)
    assert expected in client.get(url).content.decode()


def test_edited_and_withdrawn_articles_change_at_once(
    client, site, django_capture_on_commit_callbacks
):
    url = site["article"].get_absolute_url()
    assert client.get(url).status_code == 200
    article = site["article"]
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Διορθωμένος τίτλος"
        article.save()
    assert "Διορθωμένος τίτλος" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.UNPUBLISHED
        article.save()
    assert client.get(url).status_code == 404
    assert "Διορθωμένος τίτλος" not in client.get("/").content.decode()


def test_a_scheduled_article_appears_on_time_through_the_cache(
    client, page_cache, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            ArticleFactory(headline="Παλαιότερο θέμα")
            ArticleFactory(
                headline="Προγραμματισμένο θέμα", published_at=start + timedelta(minutes=2)
            )
        assert "Προγραμματισμένο θέμα" not in client.get("/").content.decode()
        traveller.shift(timedelta(minutes=1, seconds=59))
        assert "Προγραμματισμένο θέμα" not in client.get("/").content.decode()
        traveller.shift(timedelta(seconds=1))
        assert "Προγραμματισμένο θέμα" in client.get("/").content.decode()


def test_logged_in_users_always_get_a_fresh_page(client, site):
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsportal.caching import responses

    # The article page reads its article on every render (the home page, rendered from
    # kept ids and cards, may read nothing at all): a stored answer would read nothing.
    url = site["article"].get_absolute_url()
    client.get(url)
    client.force_login(UserFactory(is_staff=True))
    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch.object(responses, "_lookup", wraps=responses._lookup) as lookup,
    ):
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries) > 0
    assert not lookup.called
    assert "public" not in response.get("Cache-Control")
    assert "private" in response.get("Cache-Control")


def test_a_visitor_with_a_message_gets_a_fresh_page(client, site, django_assert_num_queries):
    url = site["article"].get_absolute_url()
    client.get(url)
    client.cookies["messages"] = "anything"
    response = client.get(url)
    assert "public" not in response.get("Cache-Control")
    assert "private" in response.get("Cache-Control")


def test_unknown_query_parameters_are_answered_from_the_page_they_do_not_change(
    client, site, django_assert_num_queries
):
    """A parameter the URL does not read never mints an entry: the answer is the plain
    URL's, and nginx or a CDN is told not to keep it under the junk URL."""
    plain = client.get("/")
    for junk in ("/?x=1", "/?utm_source=newsletter", "/?page=7&x=2"):
        with django_assert_num_queries(0):
            response = client.get(junk)
        assert response.status_code == 200
        assert response.content == plain.content
        assert response["Cache-Control"] == "public, no-cache"


def test_pages_not_listed_are_never_cached(client, site):
    response = client.get("/healthz")
    assert "public" not in response.get("Cache-Control", "")


def test_a_hit_comes_from_this_process_memory_and_a_new_version_passes_it_by(
    client, site, django_assert_num_queries
):
    from unittest import mock

    from django.core.cache import cache

    from newsportal.caching import responses, scopes

    url = site["article"].get_absolute_url()
    first = client.get(url)
    with (
        mock.patch.object(cache, "get", wraps=cache.get) as shared_get,
        django_assert_num_queries(0),
    ):
        again = client.get(url)
    assert again.content == first.content
    assert not [c for c in shared_get.call_args_list if str(c.args[0]).startswith("resp:")]
    # Another instance edited the article: the shared version of its scope moved, and this
    # process's copy (which recorded the old one) is never served again.
    Article.objects.filter(pk=site["article"].pk).update(headline="Από άλλη διεργασία")
    scopes.changed(scopes.article(site["article"].pk))  # in that process; we share the cache
    assert "Από άλλη διεργασία" in client.get(url).content.decode()
    assert len(responses.STORED_RESPONSES) >= 1
