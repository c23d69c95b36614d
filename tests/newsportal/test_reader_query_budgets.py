"""Every reader page within its query budget, with few rows and with many, on the first
request of a fresh process and on later ones; no page reads the session or the user.

Budgets (issue 7): article <= 8, home <= 10, category and tag <= 6, search <= 6, the feed
fragment <= 3, and 0 for the feed's 304 and for every whole-page cache hit. Issue 17 put
"most read" beside the article: one more query there on a miss (article <= 9).
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import links
from tests.comments.test_query_budgets import many_comments
from tests.factories import ArticleFactory, CategoryFactory, FlashItemFactory, ImageFactory

pytestmark = pytest.mark.django_db

BUDGETS = {
    "home": 10,
    "category": 6,
    "category deep page": 6,
    "tag": 6,
    "article": 9,
    "search": 6,
    "feed page": 6,
    "feed fragment": 3,
    "rss": 6,
    "sitemap": 6,
}
SIZES = {
    "few": {"categories": 1, "per_category": 2, "tags": 1, "threads": 0, "flashes": 0},
    "many": {"categories": 8, "per_category": 12, "tags": 6, "threads": 60, "flashes": 10},
}


@pytest.fixture(params=sorted(SIZES))
def site(request):
    size = SIZES[request.param]
    image = ImageFactory()
    now = timezone.now()
    articles = []
    for c in range(size["categories"]):
        category = CategoryFactory(name=f"Ενότητα προϋπολογισμού {c}")
        for i in range(size["per_category"]):
            articles.append(
                ArticleFactory(
                    category=category,
                    hero_image=image,
                    headline=f"Ο προϋπολογισμός και οι αγορές, μέρος {c}-{i}",
                    published_at=now - timedelta(minutes=5 * (c * 100 + i) + 1),
                    tags=[f"θέμα {t}" for t in range(size["tags"])],
                )
            )
    for f in range(size["flashes"]):
        FlashItemFactory(text=f"Σύντομη είδηση {f}")
    article = articles[0]
    if size["threads"]:
        many_comments(article, size["threads"], 4)
    return {
        "home": "/",
        "category": article.category.get_absolute_url(),
        "category deep page": article.category.get_absolute_url() + "?page=2",
        "tag": "/tag/thema-0/",
        "article": article.get_absolute_url(),
        "search": "/search/?q=προϋπολογισμός",
        "feed page": "/roi-eidiseon/",
        "feed fragment": "/roi-eidiseon/latest/",
        "rss": "/rss/",
        "sitemap": "/sitemap-articles.xml",
    }


def fresh_process():
    """What a new worker starts with: empty caches, no memoised URL patterns or types."""
    cache.clear()
    ContentType.objects.clear_cache()
    links._pattern.cache_clear()


def count_queries(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response, [q["sql"] for q in queries]


def test_every_reader_page_keeps_its_budget_fresh_and_warm(client, site):
    for page, budget in BUDGETS.items():
        fresh_process()
        _, first = count_queries(client, site[page])
        _, later = count_queries(client, site[page])
        assert len(first) <= budget, (page, "first request", first)
        assert len(later) <= budget, (page, "later request", later)
        for sql in first + later:
            # The session and the visitor's user are never loaded (an author's byline joins
            # auth_user, which is content, not the visitor).
            assert 'FROM "django_session"' not in sql, (page, sql)
            assert 'FROM "auth_user"' not in sql, (page, sql)

    response, _ = count_queries(client, site["feed fragment"])
    with CaptureQueriesContext(connection) as queries:
        again = client.get(site["feed fragment"], HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert len(queries) == 0


def test_every_page_cache_hit_runs_no_query(client, site, page_cache, monkeypatch):
    from articles.views import ArticleListView

    # One card a page: the section's second page exists in both sizes (a page past the
    # last one shows the last and is never stored, see the test below).
    monkeypatch.setattr(ArticleListView, "paginate_by", 1)
    for page in ("home", "category", "category deep page", "tag", "article"):
        count_queries(client, site[page])
        _, hit = count_queries(client, site[page])
        assert hit == [], page


def test_a_page_past_the_last_is_shown_but_never_stored(client, site, page_cache):
    from newsportal.caching import responses

    url = site["category"] + "?page=999"
    response, _ = count_queries(client, url)
    assert response["Cache-Control"] == "public, no-cache"  # not kept in front of us either
    stored = len(responses.STORED_RESPONSES)
    _, again = count_queries(client, url)
    assert again != []
    assert len(responses.STORED_RESPONSES) == stored
