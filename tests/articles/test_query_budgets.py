"""Reader pages run a fixed number of queries however many articles and tags they show."""

import pytest

from tests.factories import ArticleFactory, CategoryFactory, ImageFactory

pytestmark = pytest.mark.django_db

HOME_BUDGET = 10
# 8 in issue 7, and one for the "most read" list that issue 17 adds below the article
# page's feed (kept RANKED_SECONDS per content version, so a warm page pays nothing for it).
ARTICLE_BUDGET = 9
LISTING_BUDGET = 6


def build(n_categories: int, per_category: int, tags_per_article: int):
    image = ImageFactory()
    categories = [CategoryFactory() for _ in range(n_categories)]
    articles = []
    for category in categories:
        for i in range(per_category):
            articles.append(
                ArticleFactory(
                    category=category,
                    hero_image=image,
                    is_featured=(i == 0),
                    tags=[f"ετικέτα {t}" for t in range(tags_per_article)],
                )
            )
    return categories, articles


def render(client, url):
    """Fetch a page and read the related data the template uses."""
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("categories", "per_category", "tags"), [(1, 1, 0), (8, 12, 6)])
def test_home_page_query_count_is_fixed(
    client, django_assert_max_num_queries, categories, per_category, tags
):
    build(categories, per_category, tags)
    with django_assert_max_num_queries(HOME_BUDGET):
        render(client, "/")


@pytest.mark.parametrize(("categories", "per_category", "tags"), [(1, 2, 1), (6, 15, 8)])
def test_article_page_query_count_is_fixed(
    client, django_assert_max_num_queries, categories, per_category, tags
):
    _, articles = build(categories, per_category, tags)
    with django_assert_max_num_queries(ARTICLE_BUDGET):
        response = render(client, articles[0].get_absolute_url())
    assert len(response.context["tags"]) == tags


@pytest.mark.parametrize(("per_category", "tags"), [(1, 1), (40, 8)])
def test_category_and_tag_pages_query_count_is_fixed(
    client, django_assert_max_num_queries, per_category, tags
):
    categories, _ = build(2, per_category, tags)
    with django_assert_max_num_queries(LISTING_BUDGET):
        render(client, categories[0].get_absolute_url())
    with django_assert_max_num_queries(LISTING_BUDGET):
        render(client, "/tag/etiketa-0/")


@pytest.mark.parametrize("articles", [1, 30])
def test_home_page_with_most_read_keeps_its_budget(client, django_assert_max_num_queries, articles):
    """ "Most read" sums the daily counters in one query, however many articles were read."""
    from django.utils import timezone

    from articles.services import add_reads

    _, built = build(3, articles // 3 or 1, 2)
    for n, article in enumerate(built):
        add_reads(article_id=article.pk, day=timezone.localdate(), reads=n + 1)
    with django_assert_max_num_queries(HOME_BUDGET):
        html = render(client, "/").content.decode()
    assert 'id="most-read-title"' in html


def test_counting_a_read_costs_no_query_between_batches(
    client, settings, django_assert_num_queries
):
    settings.READS_FLUSH_EVERY = 10
    article = ArticleFactory()
    with django_assert_num_queries(0):
        response = client.get(f"/articles/{article.pk}/read/")
    assert response.status_code == 204
