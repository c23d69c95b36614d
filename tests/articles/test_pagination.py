from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.pagination import ArticlePaginator
from newsportal.caching import scopes
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    category = CategoryFactory()
    now = timezone.now()
    for i in range(30):
        ArticleFactory(category=category, published_at=now - timedelta(hours=i // 3))
    return Article.objects.published().in_category(category).newest_first()


def test_pages_hold_the_same_articles_as_a_plain_offset(archive):
    paginator = ArticlePaginator(archive, 7, list_scope=scopes.ARTICLES)
    expected = [article.pk for article in archive]
    seen = []
    for number in paginator.page_range:
        seen += list(paginator.page(number).object_list)
    assert seen == expected


def test_a_page_reads_only_its_ids(archive, django_assert_num_queries):
    paginator = ArticlePaginator(archive, 7, list_scope=scopes.ARTICLES)
    assert paginator.count == 30
    expected = [article.pk for article in archive[14:21]]
    with django_assert_num_queries(1) as captured:
        assert paginator.page(3).object_list == expected
    sql = captured.captured_queries[0]["sql"]
    assert sql.startswith('SELECT "articles_article"."id" AS "pk" FROM'), sql


def test_the_total_is_counted_once_per_version_of_the_list(
    archive, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert ArticlePaginator(archive, 7, list_scope=scopes.ARTICLES).count == 30
    with django_assert_num_queries(0):
        assert ArticlePaginator(archive, 7, list_scope=scopes.ARTICLES).count == 30
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(category=archive.first().category)
    assert ArticlePaginator(archive.all(), 7, list_scope=scopes.ARTICLES).count == 31


def test_a_deep_pages_ids_are_kept_per_version_of_the_list(
    archive, monkeypatch, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from articles import pagination

    monkeypatch.setattr(pagination, "KEEP_IDS_FROM", 14)  # page 3 of 7 is "deep" here
    expected = [article.pk for article in archive[14:21]]
    nearer = [article.pk for article in archive[7:14]]
    assert ArticlePaginator(archive, 7, list_scope=scopes.ARTICLES).page(3).object_list == expected
    with django_assert_num_queries(1):  # the count is kept; the ids too
        paginator = ArticlePaginator(archive.all(), 7, list_scope=scopes.ARTICLES)
        assert paginator.page(3).object_list == expected
        assert paginator.page(2).object_list == nearer  # a near page: read
    with django_capture_on_commit_callbacks(execute=True):
        newest = ArticleFactory(category=archive.first().category)
    moved = ArticlePaginator(archive.all(), 7, list_scope=scopes.ARTICLES).page(3).object_list
    assert moved == [article.pk for article in archive.all()[14:21]]
    assert moved != expected
    assert newest.pk not in moved
