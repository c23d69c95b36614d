"""A reader follows a byline to the journalist's page and finds their articles there."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles import services
from articles.models import Article, Author
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed(headline, author, **extra):
    article = ArticleFactory(headline=headline, **extra)
    services.save_article(article=article, authors=[author])
    return article


def test_a_byline_leads_to_the_author_page_with_the_author_s_articles(live_server, page):
    maria = Author.objects.create(
        name="Μαρία Παπαδοπούλου",
        role="Πολιτική συντάκτρια",
        biography="Καλύπτει τη Βουλή από το 2015.",
    )
    nikos = Author.objects.create(name="Νίκος Γεωργίου")
    now = timezone.now()
    older = signed("Ψηφίστηκε ο προϋπολογισμός", maria, published_at=now - timedelta(days=2))
    newest = signed("Αλλαγές στον εκλογικό νόμο", maria, published_at=now - timedelta(hours=1))
    signed("Τα επιτόκια μένουν σταθερά", nikos)
    signed("Πρόχειρο για τη Βουλή", maria, status=Article.Status.DRAFT, published_at=None)
    signed("Αύριο η ομιλία", maria, published_at=now + timedelta(days=1))

    page.goto(live_server.url + older.get_absolute_url())
    page.locator(".article__author").get_by_role("link", name="Μαρία Παπαδοπούλου").click()
    page.wait_for_url(f"{live_server.url}/syntaktes/maria-papadopoulou/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Μαρία Παπαδοπούλου")
    expect(page.locator(".author-header__role")).to_have_text("Πολιτική συντάκτρια")
    expect(page.locator(".author-header__bio")).to_contain_text("Καλύπτει τη Βουλή")
    headlines = page.locator(".article-list .card__headline")
    # Hers only, readers' ones only (no draft, nothing scheduled), newest first.
    expect(headlines).to_have_text([newest.headline, older.headline])
    expect(page.locator(".author-header__feeds").get_by_role("link", name="RSS")).to_have_attribute(
        "href", "/rss/syntaktes/maria-papadopoulou/"
    )
    # And each card leads back to its article.
    headlines.first.get_by_role("link").click()
    page.wait_for_url(live_server.url + newest.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(newest.headline)
