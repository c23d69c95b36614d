"""Reads on replicas with read-your-writes (newsportal/db_router.py, issue 14 point 1).

The replica here is a second alias on the test database: a connection of its own, so it
does not see the rows a test has not committed, as a replica that has not replayed them
yet would not. A page that answers 404 through it and 200 through the primary shows which
one the request read from. tests/faults/test_replicas.py does the same with a real
streaming replica.
"""

import pytest
from django.db import OperationalError, connections, transaction
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from cluster.servers import free_port
from comments.models import Comment
from newsportal import db_router
from newsportal.db_router import ReplicaRouter, replica_settings
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

PIN = "pin_primary"


def add_alias(alias: str, **changes) -> None:
    # Made by hand rather than in DATABASES, Django's test case lets the test use it.
    settings_dict = {**connections["default"].settings_dict, **changes}
    connections[alias] = DatabaseWrapper(settings_dict, alias)


def drop_alias(alias: str) -> None:
    connections[alias].close()
    delattr(connections._connections, alias)


@pytest.fixture
def replica(settings):
    add_alias("replica1")
    settings.REPLICA_DATABASES = ["replica1"]
    settings.COMMENTS_MODERATION = "post"
    db_router.forget_health()
    yield "replica1"
    db_router.forget_health()
    drop_alias("replica1")


@pytest.fixture
def article():
    return ArticleFactory(headline="Ανακοίνωση για τα λιμάνια")


def reads(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def comment_form(article) -> dict:
    return {"name": "Ελένη", "email": "", "body": "Η γνώμη μου για τα λιμάνια.", "token": "",
            "parent": "", "website": "", "csrfmiddlewaretoken": ""}  # fmt: skip


def test_the_urls_become_replica_aliases_that_mirror_the_primary_in_tests():
    primary = {"OPTIONS": {"connect_timeout": 2, "options": "-c statement_timeout=10000"}}
    found = replica_settings(
        "postgres://news@10.0.0.2:5432/news, postgresql://news@/news?host=/run/pg,",
        primary,
        conn_max_age=600,
    )
    assert list(found) == ["replica1", "replica2"]
    assert found["replica1"]["HOST"] == "10.0.0.2"
    assert found["replica2"]["HOST"] == "/run/pg"
    for entry in found.values():
        assert entry["OPTIONS"] == primary["OPTIONS"]
        assert entry["TEST"] == {"MIRROR": "default"}
        assert entry["CONN_MAX_AGE"] == 600
    assert replica_settings("", primary, conn_max_age=0) == {}


def test_without_replicas_everything_is_read_from_the_primary_and_no_cookie_is_set(
    client, settings, article
):
    settings.REPLICA_DATABASES = []
    settings.COMMENTS_MODERATION = "post"
    assert client.get(article.get_absolute_url()).status_code == 200
    posted = client.post(
        reverse("comments:post", args=[article.pk]),
        comment_form(article),
        HTTP_ORIGIN="http://testserver",
    )
    assert posted.status_code == 302
    assert PIN not in posted.cookies


def test_a_reader_page_is_read_from_the_replica(client, replica, article):
    with reads(replica) as on_replica, reads("default") as on_primary:
        response = client.get(article.get_absolute_url())
    # The replica has not "replayed" the article yet: the reader gets the 404 it would.
    assert response.status_code == 404
    assert len(on_replica) > 0
    assert len(on_primary) == 0


def test_who_has_just_posted_reads_from_the_primary_for_the_pinning_window(
    client, replica, article, settings
):
    url = article.get_absolute_url()
    posted = client.post(
        reverse("comments:post", args=[article.pk]),
        comment_form(article),
        HTTP_ORIGIN="http://testserver",
    )
    assert posted.status_code == 302
    assert Comment.objects.filter(article=article).count() == 1
    cookie = posted.cookies[PIN]
    assert cookie["max-age"] == settings.MULTIDB_PINNING_SECONDS == 15
    assert cookie["httponly"]
    with reads(replica) as on_replica:
        response = client.get(url)  # the client sends the cookie back
    assert response.status_code == 200  # the primary has the article the replica lacks
    assert len(on_replica) == 0
    # Once the cookie has expired, the same reader reads from the replica again.
    del client.cookies[PIN]
    with reads(replica) as on_replica:
        assert client.get(url).status_code == 404
    assert len(on_replica) > 0


def test_the_admin_and_signed_in_editors_read_from_the_primary(client, replica, article):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with reads(replica) as on_replica:
        assert (
            client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code
            == 200
        )
        assert client.get(article.get_absolute_url()).status_code == 200
    assert len(on_replica) == 0


def test_outside_a_reader_request_and_inside_a_transaction_reads_go_to_the_primary(replica):
    router = ReplicaRouter()
    # A command, a task worker, the shell: no reader request.
    assert router.db_for_read(Article) == "default"
    db_router._request.replica_ok = True
    try:
        assert router.db_for_read(Article) == replica
        with transaction.atomic():
            assert router.db_for_read(Article) == "default"
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == "default"
    finally:
        db_router._request.replica_ok = False
    assert router.db_for_write(Article) == "default"
    assert router.allow_migrate("default", "articles") is True
    assert router.allow_migrate(replica, "articles") is False


def test_a_replica_too_far_behind_is_skipped(client, replica, article, monkeypatch, settings):
    settings.DATABASE_REPLICA_MAX_LAG = 10
    monkeypatch.setattr(db_router, "LAG_SQL", "SELECT 11.5")
    with reads(replica) as on_replica:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200  # from the primary
    assert [q["sql"] for q in on_replica] == ["SELECT 11.5"]  # only the probe


def test_the_lag_is_asked_at_most_once_a_second_per_process(client, replica, article, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(db_router, "_clock", lambda: now[0])
    monkeypatch.setattr(db_router, "LAG_SQL", "SELECT 0.25")

    def probes():
        with reads(replica) as on_replica:
            client.get(article.get_absolute_url())
            client.get("/")
        return sum(q["sql"] == "SELECT 0.25" for q in on_replica)

    assert probes() == 1
    now[0] += 0.9
    assert probes() == 0
    now[0] += 0.2
    assert probes() == 1


def test_a_replica_that_is_down_is_skipped_without_an_error(client, settings, article):
    add_alias("replica1", HOST="127.0.0.1", PORT=str(free_port()))
    settings.REPLICA_DATABASES = ["replica1"]
    db_router.forget_health()
    try:
        for _ in range(3):
            assert client.get(article.get_absolute_url()).status_code == 200
            assert client.get("/").status_code == 200
        assert db_router._health["replica1"][1] is False
    finally:
        db_router.forget_health()
        drop_alias("replica1")


def test_a_pinned_visitor_is_never_served_a_stored_page(client, replica, page_cache, article):
    """A page stored after the write may have been rendered from a replica that had not
    replayed it yet: who wrote skips the stored pages as long as the pin lasts."""
    client.cookies[PIN] = "y"
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def test_a_replica_lost_in_the_middle_of_a_page_is_answered_again_from_the_primary(
    client, replica, article, caplog
):
    """The replica passed its check, then went away under the request: the reader gets the
    page from the primary, not the 503 that the lost connection would have made."""
    lost = []

    def dies_after_the_first_query(execute, sql, params, many, context):
        if sql != db_router.LAG_SQL:
            lost.append(sql)
            if len(lost) > 1:
                raise OperationalError("server closed the connection unexpectedly")
        elif len(lost) > 1:
            raise OperationalError("could not connect to server")
        return execute(sql, params, many, context)

    with connections[replica].execute_wrapper(dies_after_the_first_query):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200  # the primary has the article; the replica had not
    assert len(lost) == 2
    assert "a replica failed during" in caplog.text
