from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import freshness
from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def test_the_version_is_stable_while_nothing_changes(django_assert_num_queries):
    first = freshness.current_version()
    with django_assert_num_queries(0):
        assert freshness.current_version() == first


def test_saving_an_article_changes_the_version_after_commit(django_capture_on_commit_callbacks):
    before = freshness.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory()
    assert freshness.current_version() != before


@pytest.mark.parametrize(
    "change",
    [
        lambda a: setattr(a, "status", Article.Status.UNPUBLISHED) or a.save(),
        lambda a: setattr(a, "headline", "Νέος τίτλος") or a.save(),
        lambda a: a.delete(),
        lambda a: a.tags.add("νέα ετικέτα"),
        lambda a: setattr(a.category, "name", "Άλλο όνομα") or a.category.save(),
    ],
    ids=["withdrawn", "edited", "deleted", "tagged", "category-renamed"],
)
def test_every_change_readers_could_see_changes_the_version(
    django_capture_on_commit_callbacks, change
):
    article = ArticleFactory(category=CategoryFactory())
    before = freshness.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        change(article)
    assert freshness.current_version() != before


def test_a_scheduled_article_changes_the_version_when_it_falls_due(
    django_capture_on_commit_callbacks,
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            ArticleFactory(published_at=start + timedelta(minutes=5))
        before = freshness.current_version()
        assert freshness.seconds_until_next_due() == pytest.approx(300, abs=1)
        traveller.shift(timedelta(minutes=4, seconds=59))
        assert freshness.current_version() == before
        traveller.shift(timedelta(seconds=1))
        assert freshness.current_version() != before
        assert freshness.seconds_until_next_due() is None


def test_without_anything_scheduled_there_is_no_limit():
    freshness.content_changed()
    assert freshness.seconds_until_next_due() is None


def test_migrating_starts_a_new_content_version():
    from django.core.management import call_command

    before = freshness.current_version()
    call_command("migrate", "articles", verbosity=0)
    assert freshness.current_version() != before
