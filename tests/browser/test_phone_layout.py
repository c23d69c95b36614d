"""The article page on a phone (375 x 667) and the parts every size shares, measured in a
real browser: what is above the fold, the masthead's menu and search buttons (with and
without JavaScript), the rows that scroll sideways, the share box and the breadcrumb."""

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP
from tests.browser.reader_world import build_reader_world
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_SCREEN = {"width": 375, "height": 667}
# The longest headline the demo content has, and a long lead: the first screen must still
# show the byline and the start of the lead.
LONG_HEADLINE = (
    "Κεκλεισμένων των θυρών στη Γενεύη: ο Ρώσος απεσταλμένος συνομίλησε με Αμερικανούς "
    "διπλωμάτες για την εκεχειρία"
)
LONG_LEAD = (
    "Με 158 ψήφους υπέρ και 142 κατά εγκρίθηκε τα ξημερώματα ο κρατικός προϋπολογισμός, ο "
    "οποίος προβλέπει πρωτογενές πλεόνασμα 2,4% του ΑΕΠ και μόνιμες ελαφρύνσεις ύψους 1,6 "
    "δισ. ευρώ για μισθωτούς και συνταξιούχους."
)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE_SCREEN, locale="el-GR", has_touch=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_without_javascript(browser):
    context = browser.new_context(viewport=PHONE_SCREEN, locale="el-GR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def world():
    world = build_reader_world()
    author = UserFactory(first_name="Ελένη", last_name="Μαργαρίτη")
    world["long"] = ArticleFactory(
        headline=LONG_HEADLINE,
        lead=LONG_LEAD,
        author=author,
        category=world["politiki"],
        hero_image=world["lead"].hero_image,
    )
    return world


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_first_screen_of_an_article_shows_the_byline_and_the_lead(
    live_server, phone, world, prefix
):
    phone.goto(live_server.url + prefix + world["long"].get_absolute_url())
    fold = PHONE_SCREEN["height"]
    byline = box(phone, ".article__author")
    lead = box(phone, ".article__lead")
    line = float(
        phone.eval_on_selector(".article__lead", "e => getComputedStyle(e).lineHeight")[:-2]
    )
    assert byline["y"] + byline["height"] <= fold
    assert lead["y"] + 2 * line <= fold, "at least two lines of the lead on the first screen"
    # Nothing spills sideways: the page is exactly one screen wide.
    assert phone.evaluate("document.documentElement.scrollWidth") == PHONE_SCREEN["width"]


def test_the_menu_button_opens_every_section_and_closes_with_escape(live_server, phone, world):
    phone.goto(live_server.url + world["lead"].get_absolute_url())
    button = phone.locator(".masthead__tool--menu > summary")
    assert button.is_visible()
    assert button.bounding_box()["height"] >= 44
    menu = phone.get_by_role("navigation", name="Μενού")
    assert not menu.is_visible()
    button.click()
    assert menu.is_visible()
    # The script answers the details' toggle event, which the browser fires a moment later.
    expect(button).to_have_attribute("aria-expanded", "true")
    assert button.get_attribute("aria-expanded") == "true"
    assert menu.get_by_role("link", name="English").is_visible()
    phone.keyboard.press("Escape")
    assert not menu.is_visible()
    assert phone.evaluate("document.activeElement.closest('.masthead__tool--menu') !== null")
    button.click()
    menu.get_by_role("link", name="Οικονομία").click()
    phone.wait_for_url("**" + world["oikonomia"].get_absolute_url())
    assert phone.locator("h1").inner_text() == "Οικονομία"


def test_the_search_button_focuses_the_search_box_and_searches(live_server, phone, world):
    phone.goto(live_server.url + world["lead"].get_absolute_url())
    phone.locator(".masthead__tool--menu > summary").click()
    phone.locator(".masthead__tool--search > summary").click()
    # One panel at a time: opening search closed the menu.
    assert not phone.get_by_role("navigation", name="Μενού").is_visible()
    field = phone.locator("#masthead-search-q")
    assert field.is_visible()
    expect(field).to_be_focused()  # moved there on the toggle event, a moment after the click
    assert phone.evaluate("document.activeElement.id") == "masthead-search-q"
    phone.keyboard.type("προϋπολογισμός")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/search/?q=*")
    assert phone.locator(".search-result").count() >= 1


def test_menu_and_search_work_without_javascript(live_server, phone_without_javascript, world):
    page = phone_without_javascript
    page.goto(live_server.url + world["lead"].get_absolute_url())
    page.locator(".masthead__tool--menu > summary").click()
    page.get_by_role("navigation", name="Μενού").get_by_role("link", name="Οικονομία").click()
    page.wait_for_url("**" + world["oikonomia"].get_absolute_url())
    page.locator(".masthead__tool--search > summary").click()
    page.locator("#masthead-search-q").fill("προϋπολογισμός")
    page.locator(".masthead__search button").click()
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".search-result").count() >= 1


def whole_items_only(page, selector: str) -> list[str]:
    """Items of a sideways row that the row's visible box cuts (partly in, partly out)."""
    return page.eval_on_selector(
        selector,
        """list => {
          const edge = list.getBoundingClientRect();
          return [...list.children].filter(item => {
            const r = item.getBoundingClientRect();
            const inside = r.left >= edge.left - 0.5 && r.right <= edge.right + 0.5;
            const outside = r.right <= edge.left + 0.5 || r.left >= edge.right - 0.5;
            return !inside && !outside;
          }).map(item => item.textContent.trim().slice(0, 40));
        }""",
    )


def scrolls_sideways_and_shows_it(page, selector: str) -> dict:
    return page.eval_on_selector(
        selector,
        """list => {
          const style = getComputedStyle(list);
          return {
            overflows: list.scrollWidth > list.clientWidth,
            snap: style.scrollSnapType,
            edges: style.backgroundAttachment,
          };
        }""",
    )


@pytest.mark.parametrize("viewport", [PHONE_SCREEN, DESKTOP], ids=["phone", "desktop"])
def test_the_latest_news_strip_never_cuts_a_headline(live_server, browser, world, viewport):
    context = browser.new_context(viewport=viewport, locale="el-GR")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.locator(".latest-strip__list > li").count() >= 4
        assert whole_items_only(page, ".latest-strip__list") == []
        page.eval_on_selector(".latest-strip__list", "list => list.scrollBy(60, 0)")
        page.wait_for_function(
            "document.querySelector('.latest-strip__list').scrollLeft > 0"
            " && !document.querySelector('.latest-strip__list').matches(':active')"
        )
        # Scroll snapping brings the row back to whole items after a partial scroll.
        page.wait_for_function(
            """(() => {
              const row = document.querySelector('.latest-strip__list');
              const left = row.getBoundingClientRect().left;
              const first = [...row.children].find(i => i.getBoundingClientRect().right > left + 1);
              return Math.abs(first.getBoundingClientRect().left - left) < 1;
            })()"""
        )
        assert whole_items_only(page, ".latest-strip__list") == []
    finally:
        context.close()


def test_the_rows_that_scroll_sideways_show_it_on_a_phone(live_server, phone, world):
    phone.goto(live_server.url + "/")
    for selector in (".category-menu__list", ".latest-strip__list"):
        row = scrolls_sideways_and_shows_it(phone, selector)
        assert row["overflows"], selector
        assert row["snap"].startswith("x"), selector
        # Shadow edges: covers that scroll with the content over shadows that stay put.
        assert "local" in row["edges"], selector
        assert "scroll" in row["edges"], selector


def test_share_links_are_there_and_the_page_asks_no_other_host(live_server, phone, world):
    hosts = []
    phone.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    url = live_server.url + world["long"].get_absolute_url()
    phone.goto(url, wait_until="networkidle")
    own = urlsplit(live_server.url).netloc
    assert hosts
    assert set(hosts) == {own}
    share = phone.get_by_role("region", name="Κοινοποίηση")
    for name in ("Facebook", "X", "Viber", "WhatsApp", "Ηλεκτρονικό ταχυδρομείο"):
        assert share.get_by_role("link", name=name, exact=True).is_visible(), name
    # "Copy link" is a link to the article without JavaScript, a button with it.
    copy = share.get_by_role("button", name="Αντιγραφή συνδέσμου")
    assert copy.get_attribute("href") == url
    # The browser's own share sheet is offered exactly where the browser has one.
    native = share.get_by_role("button", name="Κοινοποίηση…")
    assert native.is_visible() == phone.evaluate("typeof navigator.share === 'function'")
    # "Copy link" copies the article's address and says so.
    copy.click()
    phone.get_by_text("Ο σύνδεσμος αντιγράφηκε.").wait_for()
    assert phone.evaluate("navigator.clipboard.readText()") == url
    assert phone.url == url
    assert set(hosts) == {own}


def test_the_breadcrumb_and_its_json_ld_agree(live_server, phone, world):
    article = world["lead"]
    phone.goto(live_server.url + article.get_absolute_url())
    crumbs = phone.get_by_role("navigation", name="Διαδρομή πλοήγησης")
    links = crumbs.get_by_role("link")
    assert links.count() == 2
    assert links.nth(0).get_attribute("href") == "/"
    assert links.nth(1).text_content() == "Πολιτική"
    assert crumbs.locator('[aria-current="page"]').inner_text() == article.headline
    scripts = phone.eval_on_selector_all(
        'script[type="application/ld+json"]', "nodes => nodes.map(n => n.textContent)"
    )
    data = [json.loads(text) for text in scripts]
    (trail,) = [item for item in data if item["@type"] == "BreadcrumbList"]
    items = trail["itemListElement"]
    assert [item["position"] for item in items] == [1, 2, 3]
    assert items[1]["name"] == "Πολιτική"
    assert items[2]["name"] == article.headline
    assert urlsplit(items[1]["item"]).path == links.nth(1).get_attribute("href")
    assert urlsplit(items[2]["item"]).path == article.get_absolute_url()


def test_the_article_page_keeps_most_read_below_the_feed_in_view(live_server, browser, world):
    from django.utils import timezone

    from articles.models import ReadCount

    ReadCount.objects.create(article=world["lead"], day=timezone.localdate(), count=5)
    context = browser.new_context(viewport=DESKTOP, locale="el-GR")
    page = context.new_page()
    try:
        page.goto(live_server.url + world["long"].get_absolute_url())
        most_read = page.get_by_role("region", name="Τα πιο διαβασμένα")
        assert most_read.is_visible()
        page.mouse.wheel(0, 4000)
        page.wait_for_function("window.scrollY > 2000")
        top = most_read.bounding_box()["y"]
        assert 0 <= top < DESKTOP["height"], "sticky: still on screen after scrolling"
    finally:
        context.close()


def test_one_right_edge_for_text_pictures_comments_and_see_also(live_server, browser, world):
    context = browser.new_context(viewport=DESKTOP, locale="el-GR")
    page = context.new_page()
    try:
        page.goto(live_server.url + world["lead"].get_absolute_url())
        edges = {
            selector: round(box(page, selector)["x"] + box(page, selector)["width"])
            for selector in (
                ".article__header",
                ".article__hero",
                ".article__body",
                ".share",
                ".comments",
                ".related",
            )
        }
        assert len(set(edges.values())) == 1, edges
    finally:
        context.close()
