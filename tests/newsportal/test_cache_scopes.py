"""Versions per scope (newsportal/caching/scopes.py): each change moves what it shows."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from newsportal.caching import scopes
from tests.factories import ArticleFactory, CategoryFactory, FlashItemFactory

pytestmark = pytest.mark.django_db


def versions(*names):
    return scopes.versions_of(names)


def test_versions_are_stable_while_nothing_changes(django_assert_num_queries):
    first = versions(scopes.SITE, scopes.FEED)
    with django_assert_num_queries(0):
        assert versions(scopes.SITE, scopes.FEED) == first


def test_saving_an_article_moves_its_scopes_after_commit(django_capture_on_commit_callbacks):
    category = CategoryFactory()
    before = versions(scopes.ARTICLES, scopes.FEED, scopes.section(category.pk), scopes.SITE)
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(category=category)
    after = versions(scopes.ARTICLES, scopes.FEED, scopes.section(category.pk), scopes.SITE)
    for scope in (scopes.ARTICLES, scopes.FEED, scopes.section(category.pk)):
        assert after[scope] != before[scope], scope
    # The site's furniture did not change: menus and every other page stay as they are.
    assert after[scopes.SITE] == before[scopes.SITE]
    assert versions(scopes.article(article.pk))


@pytest.mark.parametrize(
    ("change", "moved"),
    [
        (lambda a: setattr(a, "status", Article.Status.UNPUBLISHED) or a.save(), "article"),
        (lambda a: setattr(a, "headline", "Νέος τίτλος") or a.save(), "article"),
        (lambda a: a.delete(), "article"),
        (lambda a: a.tags.add("νέα ετικέτα"), "article"),
        (lambda a: setattr(a.category, "name", "Άλλο όνομα") or a.category.save(), "site"),
    ],
    ids=["withdrawn", "edited", "deleted", "tagged", "category-renamed"],
)
def test_every_change_readers_could_see_moves_a_scope_the_article_page_shows(
    django_capture_on_commit_callbacks, change, moved
):
    article = ArticleFactory(category=CategoryFactory())
    pk = article.pk
    shown = (scopes.SITE, scopes.article(pk))
    before = versions(*shown)
    with django_capture_on_commit_callbacks(execute=True):
        change(article)
    after = versions(*shown)
    assert after != before
    scope = scopes.SITE if moved == "site" else scopes.article(pk)
    assert after[scope] != before[scope]


def test_a_flash_item_moves_the_feed_only(django_capture_on_commit_callbacks):
    shown = (scopes.SITE, scopes.ARTICLES, scopes.FEED)
    before = versions(*shown)
    with django_capture_on_commit_callbacks(execute=True):
        FlashItemFactory()
    after = versions(*shown)
    assert after[scopes.FEED] != before[scopes.FEED]
    assert after[scopes.SITE] == before[scopes.SITE]
    assert after[scopes.ARTICLES] == before[scopes.ARTICLES]


def test_a_scheduled_article_moves_its_scopes_when_it_falls_due(
    django_capture_on_commit_callbacks,
):
    start = timezone.now()
    category = CategoryFactory()
    shown = (scopes.ARTICLES, scopes.FEED, scopes.section(category.pk))
    with time_machine.travel(start, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            ArticleFactory(category=category, published_at=start + timedelta(minutes=5))
        before = versions(*shown)
        assert scopes.seconds_until_next_due() == pytest.approx(300, abs=1)
        traveller.shift(timedelta(minutes=4, seconds=59))
        assert versions(*shown) == before
        traveller.shift(timedelta(seconds=1))
        after = versions(*shown)
        assert all(after[scope] != before[scope] for scope in shown)
        assert scopes.seconds_until_next_due() is None


def test_without_anything_scheduled_there_is_no_limit():
    scopes.schedule_changed()
    assert scopes.seconds_until_next_due() is None


def test_migrating_moves_every_page(django_capture_on_commit_callbacks):
    before = versions(scopes.SITE)
    call_command("migrate", "articles", verbosity=0)
    assert versions(scopes.SITE) != before


def test_an_evicted_version_is_made_once_for_everyone():
    from django.core.cache import cache

    first = versions("section:999")
    cache.delete(scopes.KEY_PREFIX + "section:999")
    again = versions("section:999")
    assert again != first  # gone from the cache: a new version, never a stale hit
    assert versions("section:999") == again


def test_what_may_come_from_a_lagging_replica_is_kept_only_that_long(monkeypatch, settings):
    from newsportal import db_router
    from newsportal.caching import fragments

    kept = []
    monkeypatch.setattr(
        fragments.FRAGMENTS, "set", lambda key, value, size=None, timeout=None: kept.append(timeout)
    )
    fragments.fragment("primary", scopes=(scopes.SITE,), render=lambda: "a", timeout=60)
    monkeypatch.setattr(fragments, "_stale_read_hook", lambda: lambda: 11)
    fragments.fragment("replica", scopes=(scopes.SITE,), render=lambda: "b", timeout=60)
    fragments.fragment("replica-forever", scopes=(scopes.SITE,), render=lambda: "c")
    assert kept == [60, 11, 11]
    # Without replicas configured the router's bound is None: nothing is shortened.
    assert db_router.stale_read_bound() is None


def in_a_request(*names):
    """The versions as one request reads them (request_started/finished around it)."""
    scopes.request_began()
    try:
        return scopes.versions_of(names)
    finally:
        scopes.request_ended()


def test_while_nothing_changes_a_request_reads_one_counter_not_every_version():
    from unittest import mock

    from django.core.cache import cache

    names = [scopes.article(pk) for pk in range(1, 90)]
    in_a_request(scopes.SITE)  # the first request of an empty cache asks the schedule
    first = in_a_request(*names)
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        assert in_a_request(*names) == first
    [call] = get_many.call_args_list
    assert set(call.args[0]) == {scopes.NEXT_DUE_KEY, scopes.CHANGES_KEY}


def test_a_change_in_another_process_is_read_by_the_next_request():
    from django.core.cache import cache

    in_a_request(scopes.SITE)  # the first request of an empty cache asks the schedule
    first = in_a_request(scopes.article(1), scopes.SITE)
    # Another process: its changed() moves the version and counts the change.
    cache.set(scopes.KEY_PREFIX + scopes.article(1), "elsewhere")
    assert in_a_request(scopes.article(1), scopes.SITE) == first  # not counted yet
    scopes._count_a_change()
    assert in_a_request(scopes.article(1), scopes.SITE) == {
        scopes.article(1): "elsewhere",
        scopes.SITE: first[scopes.SITE],
    }


def test_after_a_change_a_request_reads_again_only_the_scopes_the_log_names():
    from unittest import mock

    from django.core.cache import cache

    names = [scopes.article(pk) for pk in range(1, 90)]
    in_a_request(scopes.SITE)
    first = in_a_request(*names)
    scopes.changed(scopes.article(7))  # as another process would: versions, count, log
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        now = in_a_request(*names)
    read = [set(call.args[0]) for call in get_many.call_args_list]
    assert read[0] == {scopes.NEXT_DUE_KEY, scopes.CHANGES_KEY}
    assert read[-1] == {scopes.KEY_PREFIX + scopes.article(7)}
    assert len(read) == 3  # the counter, the log entry, the one version that moved
    assert now[scopes.article(7)] != first[scopes.article(7)]
    assert {k: v for k, v in now.items() if k != scopes.article(7)} == {
        k: v for k, v in first.items() if k != scopes.article(7)
    }


def test_when_the_log_cannot_tell_what_moved_every_version_is_read_again():
    from unittest import mock

    from django.core.cache import cache

    names = [scopes.article(pk) for pk in range(1, 30)]
    in_a_request(scopes.SITE)
    in_a_request(*names)
    scopes.changed(scopes.article(3))
    counted = cache.get(scopes.CHANGES_KEY)
    cache.delete(f"{scopes.CHANGE_LOG_PREFIX}{counted}")  # evicted, or not written yet
    cache.set(scopes.KEY_PREFIX + scopes.article(5), "moved unseen")
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        now = in_a_request(*names)
    assert set(get_many.call_args_list[-1].args[0]) == {scopes.KEY_PREFIX + n for n in names}
    assert now[scopes.article(5)] == "moved unseen"


def test_a_process_far_behind_the_log_reads_every_version_again():
    from django.core.cache import cache

    in_a_request(scopes.SITE)
    in_a_request(scopes.article(1), scopes.article(2))
    cache.set(scopes.KEY_PREFIX + scopes.article(2), "moved long ago")
    for _ in range(scopes.CHANGE_LOG_READ_LIMIT + 1):
        scopes.changed(scopes.article(1))
    assert in_a_request(scopes.article(2))[scopes.article(2)] == "moved long ago"


def test_an_evicted_counter_starts_anew_where_no_process_has_been():
    from django.core.cache import cache

    in_a_request(scopes.SITE)
    counted = cache.get(scopes.CHANGES_KEY)
    cache.delete(scopes.CHANGES_KEY)  # and, unseen, a version moved meanwhile
    cache.set(scopes.KEY_PREFIX + scopes.SITE, "moved")
    assert in_a_request(scopes.SITE) == {scopes.SITE: "moved"}
    assert cache.get(scopes.CHANGES_KEY) != counted
