"""The breaking-news banner reaches a page that is already open, and leaves at its time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import BreakingBanner
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_polling(settings):
    settings.FEED_POLL_INTERVAL = 1
    settings.FEED_MAX_AGE = 0


def test_a_banner_arrives_on_an_open_cached_page_and_leaves_at_its_end(
    live_server, page, fast_polling
):
    article = ArticleFactory(headline="Συνεδριάζει η Βουλή")
    url = live_server.url + article.get_absolute_url()
    page.goto(url)
    page.goto(url)  # the second visit is the stored page
    page.evaluate("window.__sameDocument = true")
    banner = page.locator("#breaking-banner")
    assert banner.inner_text() == ""

    BreakingBanner.objects.create(
        text="Ισχυρός σεισμός αισθητός στην Αθήνα",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(seconds=6),
    )
    page.get_by_text("Ισχυρός σεισμός αισθητός στην Αθήνα").wait_for(timeout=6_000)
    assert page.evaluate("window.__sameDocument") is True  # no reload
    # Its end time passes: it leaves by itself, with no write and no reload.
    page.get_by_text("Ισχυρός σεισμός αισθητός στην Αθήνα").wait_for(
        state="detached", timeout=10_000
    )
    assert page.evaluate("window.__sameDocument") is True
    # And a new visit does not show it either.
    page.goto(url)
    assert "Ισχυρός σεισμός" not in page.content()
