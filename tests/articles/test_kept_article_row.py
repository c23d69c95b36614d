"""A worker that has rendered an article page keeps the row it read around its kept blocks
(articles/views.py, kept_row): a warm page reads nothing, and still shows every change."""

import pytest

from comments.models import Comment
from comments.services import approve_comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def warm(client, url):
    for _ in range(2):
        assert client.get(url).status_code == 200


def test_a_warm_article_page_runs_no_query(client, django_assert_num_queries):
    article = ArticleFactory(tags=["εκλογές"])
    url = article.get_absolute_url()
    warm(client, url)
    with django_assert_num_queries(0):
        response = client.get(url)
    assert article.headline in response.content.decode()


def test_an_edit_a_moved_section_and_an_approved_comment_show_on_the_next_page(client):
    article = ArticleFactory(tags=["εκλογές"])
    url = article.get_absolute_url()
    warm(client, url)

    article.headline = "Νέος τίτλος μετά τη διόρθωση"
    article.save()
    assert "Νέος τίτλος μετά τη διόρθωση" in client.get(url).content.decode()

    article.category.name = "Άλλη ενότητα"
    article.category.save()
    assert "Άλλη ενότητα" in client.get(url).content.decode()

    pending = CommentFactory(article=article, status=Comment.Status.PENDING)
    warm(client, url)
    approve_comment(comment=pending, moderator=UserFactory(is_staff=True))
    page = client.get(url).content.decode()
    assert '<span class="comments__count">(1)</span>' in page


def test_each_request_gets_its_own_copy_of_the_kept_row(client):
    from articles.views import ArticleDetailView

    article = ArticleFactory()
    url = article.get_absolute_url()
    warm(client, url)
    view = ArticleDetailView(kwargs={"pk": article.pk})
    from django.test import RequestFactory

    view.setup(RequestFactory().get(url), pk=article.pk)
    first, second = view.get_object(), view.get_object()
    assert first is not second
    first.headline = "μόνο σε αυτό το αίτημα"
    assert second.headline == article.headline
