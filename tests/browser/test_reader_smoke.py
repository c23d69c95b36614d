"""A reader opens the home page, follows a section, reads an article."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_goes_from_home_to_a_section_to_an_article(live_server, page, artifacts_dir):
    diethni = CategoryFactory(name="Διεθνή", menu_order=1)
    article = ArticleFactory(
        headline="Διπλωματικός πυρετός πριν από τη σύνοδο κορυφής",
        category=diethni,
        hero_image=ImageFactory(),
        tags=["διπλωματία"],
    )
    ArticleFactory(headline="Δεύτερο θέμα για τη διπλωματία", category=diethni, tags=["διπλωματία"])

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "el"
    page.get_by_role("navigation", name="Ενότητες").get_by_role("link", name="Διεθνή").click()
    page.wait_for_url("**/diethni/")
    assert page.get_by_role("heading", level=1).inner_text() == "Διεθνή"

    page.locator("main").get_by_role("link", name=article.headline).click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == article.headline
    for section in ["Σχόλια αναγνωστών", "Δείτε επίσης", "Ροή Ειδήσεων"]:
        assert page.get_by_role("heading", name=section).is_visible(), section
    assert page.get_by_role("heading", name="Τελευταία Νέα").count() == 1
    assert page.locator(".article__hero img").evaluate("img => img.naturalWidth") > 0

    for name, viewport in [("phone", PHONE), ("desktop", DESKTOP)]:
        page.set_viewport_size(viewport)
        page.screenshot(path=str(artifacts_dir / f"article-{name}.png"), full_page=True)
        assert (artifacts_dir / f"article-{name}.png").stat().st_size > 0
