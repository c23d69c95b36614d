"""Reads for "most read": counted by a small uncached request, written in batches, summed
in one query on the home page, and never at the cost of the cached pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import preview
from articles.models import Article, ReadCount
from articles.services import add_reads
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def read(client, article, address="203.0.113.5"):
    return client.get(f"/articles/{article.pk}/read/", REMOTE_ADDR=address)


def test_a_read_is_counted_once_per_reader_and_day(client, settings):
    settings.READS_FLUSH_EVERY = 1
    article = ArticleFactory()
    response = read(client, article)
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    read(client, article)  # the same reader again: not counted
    read(client, article, address="198.51.100.7")
    assert ReadCount.objects.get(article=article, day=timezone.localdate()).count == 2


def test_reads_reach_the_database_in_batches(client, settings, django_assert_num_queries):
    settings.READS_FLUSH_EVERY = 5
    article = ArticleFactory()
    for n in range(4):
        with django_assert_num_queries(0):
            read(client, article, address=f"203.0.113.{n}")
    assert not ReadCount.objects.exists()
    read(client, article, address="203.0.113.99")
    assert ReadCount.objects.get(article=article).count == 5


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.UNPUBLISHED])
def test_articles_readers_cannot_see_are_never_counted(client, settings, status):
    settings.READS_FLUSH_EVERY = 1
    article = ArticleFactory(status=status)
    assert read(client, article).status_code == 204
    assert not ReadCount.objects.exists()


def test_batches_for_the_same_day_add_up(settings):
    article = ArticleFactory()
    day = timezone.localdate()
    add_reads(article_id=article.pk, day=day, reads=10)
    add_reads(article_id=article.pk, day=day, reads=10)
    assert ReadCount.objects.get(article=article, day=day).count == 20


def test_home_lists_the_most_read_of_the_last_days(client, settings):
    settings.MOST_READ_DAYS = 2
    today = timezone.localdate()
    popular = ArticleFactory(headline="Το πιο διαβασμένο θέμα")
    second = ArticleFactory(headline="Δεύτερο σε αναγνώσεις")
    old_news = ArticleFactory(headline="Διαβάστηκε πολύ πριν από μια εβδομάδα")
    add_reads(article_id=popular.pk, day=today, reads=30)
    add_reads(article_id=popular.pk, day=today - timedelta(days=1), reads=30)
    add_reads(article_id=second.pk, day=today, reads=40)
    add_reads(article_id=old_news.pk, day=today - timedelta(days=7), reads=500)
    html = client.get("/").content.decode()
    block = html[html.index('id="most-read-title"') :]
    assert "Τα πιο διαβασμένα" in block
    assert block.index(popular.headline) < block.index(second.headline)
    assert old_news.headline not in block


def test_article_pages_ask_to_count_a_read_and_previews_do_not(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'data-read-url="/articles/{article.pk}/read/"' in html
    assert "js/reads.js" in html
    draft = ArticleFactory(status=Article.Status.DRAFT)
    link = preview.create_preview_link(article=draft, created_by=UserFactory(is_staff=True))
    shown = client.get(preview.url_for(link))
    assert shown.status_code == 200
    assert draft.headline in shown.content.decode()
    assert "data-read-url" not in shown.content.decode()
    assert "js/reads.js" not in shown.content.decode()


def test_counting_never_touches_the_session_or_sets_a_cookie(client, settings):
    settings.READS_FLUSH_EVERY = 1
    response = read(client, ArticleFactory())
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_an_impossible_article_number_is_a_404(client):
    assert client.get(f"/articles/{2**64}/read/").status_code == 404


def test_crawlers_are_kept_off_the_counter(client):
    assert "Disallow: /articles/" in client.get("/robots.txt").content.decode()
