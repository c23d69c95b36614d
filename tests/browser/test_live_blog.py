"""A live blog in real browsers: an editor posts entries from the admin's compact form while
a reader's open page receives them without a reload; edits, deletions and the end of the
coverage reach it too, and a reader inside the list gets a "N new" button instead."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles import live_coverage
from articles.models import LiveEntry
from tests.browser.admin_session import log_in, make_editor
from tests.browser.conftest import DESKTOP
from tests.browser.test_accessibility import violations
from tests.factories import ArticleFactory, LiveBlogFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def fast_polling(settings):
    # The live server runs in this process, so these settings reach it.
    settings.LIVE_BLOG_POLL_INTERVAL = 1
    settings.FEED_MAX_AGE = 0


def a_live_blog():
    article = ArticleFactory(headline="Εκλογές στην Περιφέρεια: η βραδιά λεπτό προς λεπτό")
    live_blog = LiveBlogFactory(article=article)
    live_coverage.post_entry(
        live_blog=live_blog,
        body="<p>Οι κάλπες έκλεισαν στις 19:00.</p>",
        posted_at=timezone.now() - timedelta(minutes=5),
    )
    return live_blog


def test_an_editor_posts_three_entries_while_a_readers_page_receives_them(
    live_server, browser, page, fast_polling, artifacts_dir
):
    live_blog = a_live_blog()
    make_editor("eleni")
    provider_requests = []
    page.on(
        "request",
        lambda request: provider_requests.append(request.url) if "youtube" in request.url else None,
    )
    page.goto(live_server.url + live_blog.article.get_absolute_url())
    page.evaluate("window.__sameDocument = true")
    stream = page.locator("ol.liveblog__entries[aria-live='polite']")
    expect(stream.locator("[data-feed-key]")).to_have_count(1)

    desk = browser.new_context(viewport=DESKTOP, locale="el-GR").new_page()
    log_in(desk, live_server, "eleni")
    desk.goto(f"{live_server.url}/admin/articles/liveentry/add/?live_blog={live_blog.pk}")
    posts = [
        ("Πρώτα αποτελέσματα", "Με καταμετρημένο το 10%, προηγείται ο νυν περιφερειάρχης.", True),
        ("", "Η προσέλευση κυμαίνεται στο 52%, λίγο χαμηλότερα από το 2023.", False),
        ("Δηλώσεις υποψηφίου", YOUTUBE, True),
    ]
    for title, text, key_event in posts:
        body = desk.locator(".prose-editor .ProseMirror[contenteditable=true]")
        body.click()
        desk.keyboard.type(text)
        desk.locator("#id_title").fill(title)
        if key_event:
            desk.locator("#id_is_key_event").check()
        desk.locator("input[name=_save]").click()
        # Back at an empty form for the same live blog, the new entry listed under it.
        expect(desk.locator(".messagelist")).to_contain_text("Η ανάρτηση δημοσιεύτηκε.")
        expect(desk.locator("#id_live_blog")).to_have_value(str(live_blog.pk))
        expect(desk.locator(".live-desk")).to_contain_text(title or text[:20])

    entries = list(LiveEntry.objects.filter(live_blog=live_blog).order_by("-posted_at"))
    expect(stream.locator("[data-feed-key]")).to_have_count(4, timeout=8_000)
    keys = stream.locator("[data-feed-key]").evaluate_all(
        "items => items.map(item => item.dataset.feedKey)"
    )
    assert keys == [f"e{entry.pk}" for entry in entries]  # newest first
    assert page.evaluate("window.__sameDocument") is True  # no reload
    # "Key events" was replaced with the two new ones, linking to their anchors.
    key_events = page.locator(".liveblog__key-events")
    expect(key_events.locator("li")).to_have_count(2)
    expect(key_events.locator("a").first).to_have_attribute("href", f"#entry-{entries[0].pk}")
    # The embed arrived as a placeholder, prepared, having asked nothing of YouTube.
    placeholder = stream.locator("figure.embed[data-embed='youtube']")
    expect(placeholder.get_by_role("button", name="Εμφάνιση")).to_be_visible()
    assert provider_requests == []
    page.screenshot(path=str(artifacts_dir / "live-blog-reader.png"), full_page=True)
    desk.screenshot(path=str(artifacts_dir / "live-blog-desk.png"), full_page=True)
    desk.context.close()


def test_edits_deletions_and_the_end_of_the_coverage_reach_an_open_page(
    live_server, page, fast_polling
):
    live_blog = a_live_blog()
    first = LiveEntry.objects.get()
    page.goto(live_server.url + live_blog.article.get_absolute_url())
    stream = page.locator("ol.liveblog__entries")

    live_coverage.edit_entry(entry=first, body="<p>Οι κάλπες έκλεισαν στις 19:00 ακριβώς.</p>")
    expect(stream.locator(f"#entry-{first.pk}")).to_contain_text("ακριβώς", timeout=6_000)

    pinned = live_coverage.post_entry(
        live_blog=live_blog, body="<p>Όλα τα αποτελέσματα εδώ.</p>", is_pinned=True
    )
    expect(page.locator(f".liveblog__pinned #entry-{pinned.pk}, #entry-{pinned.pk}")).to_have_count(
        1, timeout=6_000
    )
    expect(page.locator(".liveblog__pinned")).to_contain_text("Όλα τα αποτελέσματα εδώ.")

    live_coverage.delete_entry(entry=first)
    expect(stream.locator(f"#entry-{first.pk}")).to_have_count(0, timeout=6_000)

    live_coverage.end_live_blog(live_blog=live_blog)
    expect(page.locator(".liveblog__status")).to_contain_text(
        "Η ζωντανή κάλυψη διήρκεσε", timeout=6_000
    )
    # The poll said 0: the page asks no more.
    polls = []
    page.on("request", lambda request: polls.append(request.url) if "/live/" in request.url else 0)
    page.wait_for_timeout(2_500)
    assert polls == []


def test_a_reader_inside_the_list_gets_a_button_instead_of_moving_text(
    live_server, page, fast_polling
):
    live_blog = a_live_blog()
    for n in range(12):
        live_coverage.post_entry(
            live_blog=live_blog,
            body=f"<p>Ενημέρωση {n}: {'η καταμέτρηση συνεχίζεται. ' * 8}</p>",
            posted_at=timezone.now() - timedelta(minutes=4, seconds=-n),
        )
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(live_server.url + live_blog.article.get_absolute_url())
    stream = page.locator("ol.liveblog__entries")
    reading = stream.locator("[data-feed-key]").nth(5)
    reading.scroll_into_view_if_needed()
    before = reading.bounding_box()["y"]

    entry = live_coverage.post_entry(live_blog=live_blog, body="<p>Νέα ενημέρωση</p>")
    button = page.locator(".liveblog button[data-feed-new]")
    expect(button).to_be_visible(timeout=6_000)
    expect(button).to_have_text("1 νέο")
    assert stream.locator(f"[data-feed-key='e{entry.pk}']").count() == 0
    assert abs(reading.bounding_box()["y"] - before) < 1  # nothing moved under the reader

    button.click()
    expect(stream.locator("[data-feed-key]").first).to_have_attribute(
        "data-feed-key", f"e{entry.pk}"
    )
    expect(button).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_live_blog_page_has_no_axe_violations(live_server, browser, scheme):
    live_blog = a_live_blog()
    live_coverage.post_entry(
        live_blog=live_blog, body="<p>Τι πρέπει να ξέρετε.</p>", title="Σύνοψη", is_pinned=True
    )
    live_coverage.post_entry(
        live_blog=live_blog,
        body=f"<p>Η δήλωση του υποψηφίου:</p><p>{YOUTUBE}</p>",
        title="Δηλώσεις",
        is_key_event=True,
    )
    # bypass_csp lets axe's own script in (see tests/browser/test_accessibility.py).
    context = browser.new_context(
        viewport=DESKTOP, locale="el-GR", color_scheme=scheme, bypass_csp=True
    )
    page = context.new_page()
    try:
        for prefix in ("", "/en"):
            page.goto(live_server.url + prefix + live_blog.article.get_absolute_url())
            assert violations(page) == [], prefix
    finally:
        context.close()


def test_without_javascript_the_page_is_complete_and_older_entries_is_a_link(
    live_server, browser, settings
):
    settings.LIVE_BLOG_PAGE_SIZE = 3
    live_blog = a_live_blog()
    for n in range(5):
        live_coverage.post_entry(
            live_blog=live_blog,
            body=f"<p>Ενημέρωση αριθμός {n}</p>",
            is_key_event=n == 0,
            posted_at=timezone.now() - timedelta(minutes=4, seconds=-n),
        )
    context = browser.new_context(viewport=DESKTOP, locale="el-GR", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + live_blog.article.get_absolute_url())
        stream = page.locator("ol.liveblog__entries")
        expect(stream.locator("[data-feed-key]")).to_have_count(3)
        expect(stream).to_contain_text("Ενημέρωση αριθμός 4")
        page.get_by_role("link", name="Παλαιότερες αναρτήσεις").click()
        expect(stream).to_contain_text("Ενημέρωση αριθμός 1")
        expect(stream).not_to_contain_text("Ενημέρωση αριθμός 4")
        assert "entries_page=2" in page.url
        # The key event on the last page is one click away from the first.
        page.get_by_role("link", name="Νεότερες αναρτήσεις").click()
        page.locator(".liveblog__key-events a").click()
        expect(page.locator(".liveblog__entries")).to_contain_text("Οι κάλπες έκλεισαν")
        assert "entries_page=2" in page.url
    finally:
        context.close()
