"""The live news feed in a real browser: new items arrive in open pages without a reload."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import ArticleFactory, FlashItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_polling(settings):
    # The live server runs in this process, so these settings reach it.
    settings.FEED_POLL_INTERVAL = 1
    settings.FEED_MAX_AGE = 0


def test_an_article_published_while_the_feed_page_is_open_appears_without_reload(
    live_server, page, fast_polling, artifacts_dir
):
    # Minutes apart, not hours: an hour ago is yesterday in the first hour after midnight.
    now = timezone.now()
    ArticleFactory(headline="Η πρώτη είδηση της ημέρας", published_at=now - timedelta(seconds=90))
    FlashItemFactory(
        text="Σύντομη είδηση από το χρηματιστήριο", published_at=now - timedelta(seconds=60)
    )
    page.goto(live_server.url + "/roi-eidiseon/")
    page.evaluate("window.__sameDocument = true")
    live_list = page.locator("ol[aria-live='polite']")
    assert live_list.locator("[data-feed-key]").count() == 2

    article = ArticleFactory(
        headline="Έκτακτη συνεδρίαση του υπουργικού συμβουλίου", published_at=timezone.now()
    )
    new_item = live_list.locator(f"[data-feed-key='a{article.pk}']")
    new_item.wait_for(timeout=6_000)

    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert live_list.locator("[data-feed-key]").first.get_attribute("data-feed-key") == (
        f"a{article.pk}"
    )
    assert new_item.get_by_role("link").inner_text() == article.headline
    assert live_list.locator(".feed-list__day").count() == 1  # joined today's group

    # An item published with an earlier time takes its place in the order, not the top.
    backdated = ArticleFactory(
        headline="Είδηση με παλαιότερη ώρα", published_at=now - timedelta(seconds=75)
    )
    live_list.locator(f"[data-feed-key='a{backdated.pk}']").wait_for(timeout=6_000)
    keys = live_list.locator("[data-feed-key]").evaluate_all(
        "items => items.map(item => item.dataset.feedKey)"
    )
    assert keys[0] == f"a{article.pk}"
    assert keys[2] == f"a{backdated.pk}"  # after the flash (60 s), before the first (90 s)

    for name, viewport in [("phone", PHONE), ("desktop", DESKTOP)]:
        page.set_viewport_size(viewport)
        page.screenshot(path=str(artifacts_dir / f"news-feed-{name}.png"), full_page=True)


def test_the_sidebar_of_an_article_page_receives_new_items_too(live_server, page, fast_polling):
    reading = ArticleFactory(headline="Το άρθρο που διαβάζει ο αναγνώστης")
    page.goto(live_server.url + reading.get_absolute_url())
    sidebar = page.locator(".feed-sidebar ol[aria-live='polite']")

    flash = FlashItemFactory(text="Νέα σύντομη είδηση για την αγορά")
    sidebar.locator(f"[data-feed-key='f{flash.pk}']").wait_for(timeout=6_000)
    assert page.get_by_role("heading", level=1).inner_text() == reading.headline


def test_while_the_reader_is_in_the_list_new_items_wait_behind_a_button(
    live_server, page, fast_polling
):
    older = ArticleFactory(headline="Είδηση που διαβάζει τώρα ο αναγνώστης")
    page.goto(live_server.url + "/roi-eidiseon/")
    live_list = page.locator("ol[aria-live='polite']")
    live_list.get_by_role("link", name=older.headline).focus()

    now = timezone.now()
    first = ArticleFactory(headline="Πρώτη νέα είδηση", published_at=now - timedelta(minutes=2))
    second = ArticleFactory(headline="Δεύτερη νέα είδηση", published_at=now)
    button = page.get_by_role("button", name="2 νέα")
    button.wait_for(timeout=6_000)
    assert live_list.locator(f"[data-feed-key='a{first.pk}']").count() == 0
    assert live_list.locator("[data-feed-key]").count() == 1  # nothing moved

    button.click()
    assert live_list.locator("[data-feed-key]").count() == 3
    keys = live_list.locator("[data-feed-key]").evaluate_all(
        "items => items.map(item => item.dataset.feedKey)"
    )
    assert keys == [f"a{second.pk}", f"a{first.pk}", f"a{older.pk}"]
    assert button.is_hidden()
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == second.headline


def test_older_news_are_appended_in_place_and_work_without_javascript(
    live_server, browser, page, settings
):
    settings.FEED_PAGE_SIZE = 3
    for minutes in range(5):
        ArticleFactory(headline=f"Είδηση πριν από {minutes} λεπτά")
    page.goto(live_server.url + "/roi-eidiseon/")
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("link", name="Παλαιότερες ειδήσεις").click()
    live_list = page.locator("ol.feed-list--page")
    # A function, not a bare expression: the site's CSP forbids evaluating strings.
    page.wait_for_function(
        "() => document.querySelectorAll('ol.feed-list--page [data-feed-key]').length === 5"
    )
    assert page.evaluate("window.__sameDocument") is True
    assert live_list.locator(".feed-list__day").count() == 1  # no repeated "Σήμερα"
    assert page.get_by_role("link", name="Παλαιότερες ειδήσεις").count() == 0

    no_js = browser.new_context(java_script_enabled=False, locale="el-GR")
    try:
        plain = no_js.new_page()
        plain.goto(live_server.url + "/roi-eidiseon/")
        plain.get_by_role("link", name="Παλαιότερες ειδήσεις").click()
        plain.wait_for_url("**/roi-eidiseon/?before=*")
        assert plain.locator("ol.feed-list--page [data-feed-key]").count() == 2
    finally:
        no_js.close()


def test_the_kill_switch_header_stops_polling(live_server, page, fast_polling, settings):
    ArticleFactory()
    polls = []
    page.on(
        "response",
        lambda response: (
            polls.append(response.headers.get("x-poll-interval"))
            if "/roi-eidiseon/latest/" in response.url
            else None
        ),
    )
    page.goto(live_server.url + "/roi-eidiseon/")
    deadline = time.monotonic() + 6
    while not polls and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert polls, "the page never polled"

    settings.FEED_POLL_INTERVAL = 0
    deadline = time.monotonic() + 6
    while "0" not in polls and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert "0" in polls
    seen = len(polls)
    page.wait_for_timeout(2_500)
    assert len(polls) == seen
