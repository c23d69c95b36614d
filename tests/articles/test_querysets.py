from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def test_only_published_articles_with_a_past_time_are_published():
    now = timezone.now()
    hour = timedelta(hours=1)
    grid = {}
    for status in Article.Status.values:
        for when, published_at in [("past", now - hour), ("future", now + hour)]:
            grid[(status, when)] = ArticleFactory(status=status, published_at=published_at)
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    assert list(Article.objects.published()) == [grid[("published", "past")]]


def test_a_scheduled_article_becomes_published_when_its_time_comes():
    now = timezone.now()
    article = ArticleFactory(published_at=now + timedelta(minutes=10))
    assert not Article.objects.published(now=now).exists()
    assert list(Article.objects.published(now=now + timedelta(minutes=10))) == [article]
    assert article.is_published(now=now + timedelta(minutes=10))
    assert not article.is_published(now=now)


def test_newest_per_category_keeps_the_newest_few_of_each():
    now = timezone.now()
    politics, markets = CategoryFactory(), CategoryFactory()
    for hours in range(1, 6):
        ArticleFactory(category=politics, published_at=now - timedelta(hours=hours))
        ArticleFactory(category=markets, published_at=now - timedelta(hours=hours))
    newest = list(Article.objects.published().newest_per_category(2))
    assert len(newest) == 4
    assert {a.category_id for a in newest} == {politics.pk, markets.pk}
    assert max(now - a.published_at for a in newest) < timedelta(hours=2, minutes=1)


class TestRelatedArticles:
    def related(self, article):
        tag_ids = list(article.tags.values_list("pk", flat=True))
        return list(Article.objects.published().related_to(article, tag_ids))

    def test_shared_tags_come_first_then_the_same_category_never_itself(self):
        home, elsewhere = CategoryFactory(), CategoryFactory()
        article = ArticleFactory(category=home, tags=["ΕΚΤ", "επιτόκια", "ομόλογα"])
        two_shared = ArticleFactory(category=elsewhere, tags=["ΕΚΤ", "επιτόκια"])
        one_shared = ArticleFactory(category=elsewhere, tags=["ομόλογα"])
        same_category = ArticleFactory(category=home)
        ArticleFactory(category=elsewhere, tags=["ποδόσφαιρο"])  # unrelated

        assert self.related(article) == [two_shared, one_shared, same_category]

    def test_unpublished_articles_are_never_related(self):
        category = CategoryFactory()
        article = ArticleFactory(category=category, tags=["ΕΚΤ"])
        ArticleFactory(category=category, tags=["ΕΚΤ"], status=Article.Status.DRAFT)
        ArticleFactory(category=category, published_at=timezone.now() + timedelta(days=1))
        assert self.related(article) == []

    def test_among_equals_the_newest_comes_first(self):
        category = CategoryFactory()
        now = timezone.now()
        article = ArticleFactory(category=category)
        older = ArticleFactory(category=category, published_at=now - timedelta(days=2))
        newer = ArticleFactory(category=category, published_at=now - timedelta(hours=2))
        assert self.related(article) == [newer, older]
