"""The article form's preview of the search result and share card follows the editor's
typing, cut as articles/search_preview.py cuts the saved values."""

import pytest
from playwright.sync_api import expect

from articles import search_preview
from articles.models import Article
from tests.browser.admin_session import log_in, make_editor
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Συμφωνία για την ενέργεια στη Σύνοδο Κορυφής"
SEO_TITLE = "Σύνοδος Κορυφής: τι συμφώνησαν οι 27 για το φυσικό αέριο και το ρεύμα"
SEO_DESCRIPTION = (
    "Κοινές αγορές αερίου, πλαφόν στις τιμές και στήριξη για τα νοικοκυριά: όσα αποφάσισαν "
    "οι ηγέτες στις Βρυξέλλες και πότε θα φανούν στους λογαριασμούς ρεύματος του χειμώνα."
)


def log_in_as_editor(page, live_server):
    make_editor("eleni")
    log_in(page, live_server, "eleni")


def test_the_preview_follows_the_editor_s_typing(live_server, page):
    article = ArticleFactory(
        headline=HEADLINE,
        lead="Οι ηγέτες της ΕΕ συμφώνησαν σε κοινές αγορές φυσικού αερίου.",
        category=CategoryFactory(name="Διεθνή"),
        hero_image=ImageFactory(alt_text="Οι ηγέτες"),
        status=Article.Status.DRAFT,
        published_at=None,
    )
    log_in_as_editor(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    preview = page.locator("#seo-preview")
    search_title = preview.locator('[data-preview="search-title"]')
    card_title = preview.locator('[data-preview="card-title"]')
    description = preview.locator('[data-preview="search-description"]')
    expect(search_title).to_have_text(search_preview.cut(f"{HEADLINE} · Νέα Αγορά", 60))
    expect(card_title).to_have_text(HEADLINE)
    expect(preview.locator('[data-preview="card-image"]')).to_be_visible()

    page.locator("#id_seo_title").fill(SEO_TITLE)
    expect(search_title).to_have_text(search_preview.cut(f"{SEO_TITLE} · Νέα Αγορά", 60))
    expect(card_title).to_have_text(search_preview.cut(SEO_TITLE, 90))
    counter = page.locator("#id_seo_title_counter")
    expect(counter).to_have_text(
        f"{len(SEO_TITLE)} από 70 χαρακτήρες: οι μηχανές αναζήτησης θα το κόψουν"
    )
    expect(page.locator("#id_seo_title")).to_have_attribute(
        "aria-describedby", "id_seo_title_helptext id_seo_title_counter"
    )

    page.locator("#id_seo_description").press_sequentially(SEO_DESCRIPTION, delay=0)
    expect(description).to_have_text(search_preview.cut(SEO_DESCRIPTION, 155))
    expect(preview.locator('[data-preview="card-description"]')).to_have_text(
        search_preview.cut(SEO_DESCRIPTION, 110)
    )
    expect(page.locator("#id_seo_description_counter")).to_have_text(
        f"{len(SEO_DESCRIPTION)} από 200 χαρακτήρες: οι μηχανές αναζήτησης θα το κόψουν"
    )

    # An emptied field falls back to the headline being typed; the slug moves the address.
    page.locator("#id_seo_title").fill("")
    page.locator("#id_headline").fill("Νέα συμφωνία")
    expect(search_title).to_have_text("Νέα συμφωνία · Νέα Αγορά")
    expect(page.locator("#id_seo_title_counter")).to_have_text("0 από 70 χαρακτήρες")
    page.locator("#id_slug").fill("nea-symfonia")
    expect(preview.locator('[data-preview="search-url"]')).to_have_text(
        f"{live_server.url}/diethni/articles/{article.pk}/nea-symfonia/"
    )

    # Saved, the form comes back with it.
    page.locator("#id_seo_title").fill("Ο τίτλος για τις μηχανές")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    article.refresh_from_db()
    assert article.seo_title == "Ο τίτλος για τις μηχανές"
    assert article.seo_description == SEO_DESCRIPTION
    expect(search_title).to_have_text("Ο τίτλος για τις μηχανές · Νέα Αγορά")


def test_without_javascript_the_preview_shows_the_saved_values(live_server, browser):
    article = ArticleFactory(headline=HEADLINE, seo_title="Αποθηκευμένος τίτλος")
    context = browser.new_context(java_script_enabled=False, locale="el-GR")
    page = context.new_page()
    try:
        log_in_as_editor(page, live_server)
        page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
        preview = page.locator("#seo-preview")
        expect(preview.locator('[data-preview="search-title"]')).to_have_text(
            "Αποθηκευμένος τίτλος · Νέα Αγορά"
        )
        expect(preview.locator('[data-preview="card-title"]')).to_have_text("Αποθηκευμένος τίτλος")
        expect(page.locator(".seo-counter")).to_have_count(0)
    finally:
        context.close()
