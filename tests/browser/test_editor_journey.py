"""An editor writes, illustrates, schedules and previews an article; readers get it on time.

The live server runs in this process, so time_machine moves its clock past the
scheduled minute instead of the test waiting for it.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.admin_session import log_in, make_editor
from tests.factories import CategoryFactory, ImageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_writes_illustrates_schedules_previews_and_readers_see_it_on_time(
    live_server, page, artifacts_dir
):
    make_editor("eleni", "Ελένη")
    CategoryFactory(name="Οικονομία")
    ImageFactory(
        size=(1200, 675),
        caption="Το λιμάνι του Πειραιά το πρωί",
        alt_text="Γερανοί και πλοία στο λιμάνι",
        credit="Νίκος Φωτογράφος",
    )
    headline = "Νέο πρόγραμμα για τα λιμάνια της χώρας"

    log_in(page, live_server, "eleni")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator("#id_headline").fill(headline)
    page.locator("#id_lead").fill("Τι προβλέπει το σχέδιο για τις επενδύσεις.")
    # The slug is prefilled with the ELOT 743 transliteration the server uses.
    expect(page.locator("#id_slug")).to_have_value("neo-programma-gia-ta-limania-tis-choras")

    # The rich-text editor: a sub-heading, bold text and a figure from the image library.
    body = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("## Τι αλλάζει")
    page.keyboard.press("Enter")
    bold = page.locator(".prose-menubar button[data-name=bold]")
    expect(bold).to_have_attribute("title", "έντονα")  # the toolbar speaks Greek
    bold.click()
    page.keyboard.type("Οκτώ λιμάνια")
    bold.click()
    page.keyboard.type(" εντάσσονται στο πρόγραμμα.")
    page.keyboard.press("Enter")
    page.locator(".prose-menubar button[data-name=figure]").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Εισαγωγή εικόνας")
    with page.expect_popup() as popup_info:
        dialog.get_by_role("button", name="Επιλογή από τη βιβλιοθήκη…").click()
    picker = popup_info.value
    picker.wait_for_load_state()
    with picker.expect_event("close"):  # choosing hands the image over and closes
        picker.get_by_role("button", name="Το λιμάνι του Πειραιά").click()
    expect(dialog.get_by_label("Λεζάντα")).to_have_value("Το λιμάνι του Πειραιά το πρωί")
    dialog.get_by_role("button", name="Εισαγωγή", exact=True).click()
    expect(body.locator("figure img")).to_be_visible()
    expect(body.locator("h2")).to_have_text("Τι αλλάζει")

    # The category through the admin's autocomplete.
    page.locator(".field-category .select2-selection--single").click()
    page.locator(".select2-dropdown .select2-search__field").fill("Οικον")
    page.locator(".select2-results__option", has_text="Οικονομία").click()

    # Scheduled a minute ahead, in Athens time as the form says.
    expect(page.get_by_text("Όλες οι ώρες σε αυτή τη σελίδα είναι ώρα Αθήνας")).to_be_visible()
    due = timezone.localtime(timezone.now() + timedelta(minutes=1)).replace(microsecond=0)
    page.locator("#id_status").select_option("published")
    page.locator("#id_published_at_0").fill(due.strftime("%d/%m/%Y"))
    page.locator("#id_published_at_1").fill(due.strftime("%H:%M:%S"))
    page.get_by_role("button", name="Αποθήκευση και συνέχεια επεξεργασίας").click()
    expect(page.locator(".messagelist")).to_contain_text("Προγραμματισμένο")
    page.screenshot(path=str(artifacts_dir / "editor-scheduled.png"), full_page=True)

    article = Article.objects.get(headline=headline)
    assert article.state() == Article.State.SCHEDULED
    assert article.published_at == due
    assert "<picture>" in article.body_html
    assert "<strong>Οκτώ λιμάνια</strong>" in article.body_html
    reader_url = f"{live_server.url}{article.get_absolute_url()}"

    # The preview: the readers' page, marked as a preview and never indexed.
    with page.expect_popup() as preview_info:
        page.get_by_role("link", name="Προεπισκόπηση", exact=True).click()
    preview = preview_info.value
    preview.wait_for_load_state()
    expect(preview.get_by_role("heading", level=1)).to_have_text(headline)
    expect(preview.locator(".article__body h2")).to_have_text("Τι αλλάζει")
    expect(preview.locator(".article__body strong")).to_have_text("Οκτώ λιμάνια")
    expect(preview.locator(".article__body figcaption")).to_contain_text("Νίκος Φωτογράφος")
    assert preview.locator(".article__body picture img").evaluate("i => i.naturalWidth") > 0
    assert preview.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
    expect(preview.locator(".preview-banner")).to_contain_text("Προγραμματισμένο")
    preview.screenshot(path=str(artifacts_dir / "editor-preview.png"), full_page=True)

    # Readers: not yet, then by itself once the minute has passed (no job, no save).
    reader = page.context.new_page()
    assert reader.goto(reader_url).status == 404
    with time_machine.travel(due + timedelta(seconds=5)):
        assert reader.goto(reader_url).status == 200
        expect(reader.get_by_role("heading", level=1)).to_have_text(headline)
        reader.goto(f"{live_server.url}/")
        expect(reader.get_by_role("link", name=headline).first).to_be_visible()


def test_a_second_editor_is_told_takes_over_and_the_first_learns_it_at_once(
    live_server, browser, settings
):
    settings.EDIT_LOCK_HEARTBEAT_INTERVAL = 1  # beat every second for the test
    make_editor("maria", "Μαρία")
    make_editor("nikos", "Νίκος")
    article = Article.objects.create(
        headline="Άρθρο υπό επεξεργασία",
        body="<p>Κείμενο</p>",
        category=CategoryFactory(),
        status=Article.Status.DRAFT,
    )
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    first = browser.new_context(locale="el-GR").new_page()
    second = browser.new_context(locale="el-GR").new_page()
    try:
        log_in(first, live_server, "maria")
        first.goto(change)
        expect(first.locator("#id_headline")).to_be_editable()

        log_in(second, live_server, "nikos")
        second.goto(change)
        held = second.locator(".edit-lock--held")
        expect(held).to_contain_text("Μαρία Ν.")
        expect(second.locator("#id_headline")).to_have_count(0)  # read-only for now
        held.get_by_role("button", name="Ανάληψη επεξεργασίας").click()
        expect(second.locator("#id_headline")).to_be_editable()

        lost = first.locator("#edit-lock-status")
        expect(lost).to_be_visible(timeout=5000)
        expect(lost).to_contain_text("Νίκος Ν.")
    finally:
        first.context.close()
        second.context.close()
