"""The slug the admin fills in (static/js/admin-slug.js) is the server's own: the shared cases
of tests/slug_cases.json, headlines typed into the form and saved, and a slug that follows
an unpublished article's headline but stays once the article is published."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from articles.transliteration import slugify_greek
from tests.browser.admin_session import log_in, make_editor
from tests.factories import ArticleFactory, CategoryFactory
from tests.slug_cases import CASES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = [
    "Putin–Trump Summit – Zelensky",
    "Ρωσία–ΗΠΑ",
    "Σύνοδος Κορυφής/ΕΕ: «Ναι» σε νέες κυρώσεις κατά της Ρωσίας—η Ουγγαρία διαφωνεί; "
    "Τι σημαίνει για την ενέργεια",
]


@pytest.fixture
def editor_page(live_server, page):
    # An earlier transactional test may have flushed the migration's groups: rebuilt here.
    make_editor("slugeditor", "Σλαγκ")
    log_in(page, live_server, "slugeditor")
    return page


def test_the_script_makes_every_shared_slug(live_server, editor_page):
    editor_page.goto(f"{live_server.url}/admin/articles/article/add/")
    texts = [text for text, _slug in CASES]
    # 200 is the slug field's length, which the admin hands to URLify; slugs stop at 80.
    in_browser = editor_page.evaluate("(texts) => texts.map((t) => URLify(t, 200))", texts)
    for (text, slug), made in zip(CASES, in_browser, strict=True):
        assert made == slug == slugify_greek(text), text


def test_a_typed_headline_fills_the_slug_the_server_saves(live_server, editor_page):
    CategoryFactory(name="Διεθνή")
    page = editor_page
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    headline = page.locator("#id_headline")
    for text in TYPED:
        headline.fill("")
        headline.press_sequentially(text)
        expect(page.locator("#id_slug")).to_have_value(slugify_greek(text))
    page.locator(".field-category .select2-selection--single").click()
    page.locator(".select2-dropdown .select2-search__field").fill("Διεθ")
    page.locator(".select2-results__option", has_text="Διεθνή").click()
    page.get_by_role("button", name="Αποθήκευση και συνέχεια επεξεργασίας").click()
    expect(page.locator(".messagelist")).to_contain_text("Πρόχειρο")
    saved = Article.objects.get()
    assert saved.slug == slugify_greek(TYPED[-1])
    assert len(saved.slug) <= 80


def test_a_drafts_slug_follows_its_headline_until_an_editor_types_one(live_server, editor_page):
    page = editor_page
    article = ArticleFactory(
        headline="Σύσκεψη στο Μαξίμου", status=Article.Status.DRAFT, published_at=None
    )
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".field-slug")).to_contain_text("ακολουθεί τον τίτλο")
    page.locator("#id_headline").fill("Ρωσία–ΗΠΑ: νέος γύρος")
    expect(page.locator("#id_slug")).to_have_value("rosia-ipa-neos-gyros")
    page.get_by_role("button", name="Αποθήκευση και συνέχεια επεξεργασίας").click()
    expect(page.locator(".messagelist")).to_contain_text("Πρόχειρο")
    article.refresh_from_db()
    assert article.slug == "rosia-ipa-neos-gyros"

    # A slug typed by the editor is theirs: the headline no longer moves it.
    page.locator("#id_slug").fill("rosia-ipa")
    page.locator("#id_headline").fill("Ρωσία–ΗΠΑ: τρίτος γύρος")
    expect(page.locator("#id_slug")).to_have_value("rosia-ipa")


def test_a_published_articles_slug_stays_and_the_form_says_so(live_server, editor_page):
    page = editor_page
    article = ArticleFactory(headline="Σύσκεψη στο Μαξίμου")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".field-slug")).to_contain_text("η διεύθυνση μένει ίδια")
    page.locator("#id_headline").fill("Νέα σύσκεψη στο Μαξίμου")
    page.locator("#id_lead").click()
    expect(page.locator("#id_slug")).to_have_value("syskepsi-sto-maximou")
    page.get_by_role("button", name="Αποθήκευση και συνέχεια επεξεργασίας").click()
    expect(page.locator(".messagelist")).to_contain_text("Δημοσιευμένο")
    article.refresh_from_db()
    assert (article.headline, article.slug) == ("Νέα σύσκεψη στο Μαξίμου", "syskepsi-sto-maximou")
