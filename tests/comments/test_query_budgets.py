"""The article page runs the same number of queries with no comments and with hundreds."""

import pytest
from django.db.models import F

from articles.models import Article
from comments.models import Comment
from tests.articles.test_query_budgets import ARTICLE_BUDGET, HOME_BUDGET, LISTING_BUDGET
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory

pytestmark = pytest.mark.django_db


def many_comments(article: Article, threads: int, replies_per_thread: int) -> int:
    """Approved threads with replies two levels deep, stored in a few bulk queries."""
    roots = Comment.objects.bulk_create(
        Comment(article=article, name=f"Αναγνώστης {i}", body=f"Σχόλιο {i} https://example.org",
                ip_hash=f"{i:064x}", status="approved")
        for i in range(threads)
    )  # fmt: skip
    Comment.objects.filter(pk__in=[r.pk for r in roots]).update(thread_id=F("id"))
    replies = []
    for root in roots:
        for j in range(replies_per_thread):
            replies.append(
                Comment(article=article, parent=root, level=1, thread_id=root.pk,
                        name=f"Απάντηση {j}", body="Συμφωνώ.", ip_hash="f" * 64,
                        status="approved")
            )  # fmt: skip
    Comment.objects.bulk_create(replies)
    for comment in Comment.objects.filter(article=article):
        comment.path = (
            [comment.thread_id] if comment.parent_id is None else [comment.thread_id, comment.pk]
        )
        comment.save(update_fields=["path", "body_html"])
    total = threads * (1 + replies_per_thread)
    Article.objects.filter(pk=article.pk).update(comment_count=total)
    return total


@pytest.mark.parametrize(("threads", "replies"), [(0, 0), (1, 0), (100, 2)])
def test_article_page_query_count_is_fixed_whatever_the_comments(
    client, django_assert_max_num_queries, threads, replies
):
    article = ArticleFactory(tags=["οικονομία", "φόροι"])
    ArticleFactory(category=article.category)
    total = many_comments(article, threads, replies)
    with django_assert_max_num_queries(ARTICLE_BUDGET):
        response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="comment"') == min(threads, 20) * (1 + replies)
    assert f'<span class="comments__count">({total})</span>' in html
    if threads:
        assert html.count('rel="nofollow ugc noopener"') >= 1


def test_three_hundred_comments_cost_the_same_as_none(client, django_assert_num_queries):
    quiet = ArticleFactory()
    busy = ArticleFactory(category=quiet.category)
    assert many_comments(busy, 100, 2) == 300

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for article in [quiet, busy]:
        with CaptureQueriesContext(connection) as queries:
            client.get(article.get_absolute_url())
        counts.append(len(queries))
    assert counts[1] - counts[0] <= 2  # the count of threads and the one ordered query
    assert counts[1] <= ARTICLE_BUDGET


@pytest.mark.parametrize("per_article", [0, 25])
def test_home_and_listing_budgets_hold_with_comments(
    client, django_assert_max_num_queries, per_article
):
    category = CategoryFactory()
    articles = [ArticleFactory(category=category, tags=["θέμα"]) for _ in range(6)]
    for article in articles[:3]:
        for _ in range(per_article // 5):
            CommentFactory(article=article)
    with django_assert_max_num_queries(HOME_BUDGET):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(LISTING_BUDGET):
        assert client.get(category.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(LISTING_BUDGET):
        assert client.get("/tag/thema/").status_code == 200
