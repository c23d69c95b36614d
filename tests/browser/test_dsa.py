"""The DSA journey in Debian's chromium, with mail through a real SMTP server: a reader
reports a comment, then sends a notice of illegal content and keeps the receipt; a
moderator decides it in the admin; the reporter hears the decision and the poster gets
the statement of reasons, contests it through the link, and a second moderator reinstates
the comment, which readers see again."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from comments import services
from comments.dsa import statements
from comments.models import Appeal, Comment, IllegalContentNotice, StatementOfReasons
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import violations
from tests.comments.test_dsa import make_moderator
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
POSTER, REPORTER = "poster@example.gr", "reporter@example.gr"
BODY = "Ο δήμαρχος έκλεψε τα λεφτά του δρόμου, το ξέρουν όλοι."


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit counters of earlier tests share the address 127.0.0.1


def sign_in(page, base: str, username: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/?next={then}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{base}{then}")


def mail_to(smtp_server, address: str) -> list[str]:
    return [
        m.get_body(("plain",)).get_content() for m in smtp_server.messages if m["To"] == address
    ]


def test_a_notice_and_an_appeal_from_the_report_link_to_the_reinstated_comment(
    live_server, page, settings, smtp_server, run_tasks, artifacts_dir
):
    settings.SITE_URL = live_server.url
    first, second = make_moderator("eleni"), make_moderator("kostas")
    article = ArticleFactory(headline="Ο νέος δρόμος του δήμου")
    comment = CommentFactory(article=article, name="Πάνος", email=POSTER, body=BODY)
    article_url = live_server.url + article.get_absolute_url()

    # The reader reports the comment from the page, then follows "Is it illegal?".
    page.goto(article_url)
    page.locator(f"#comment-{comment.pk} > article .comment__report").click()
    notice_link = page.get_by_role("link", name="Είναι παράνομο; Στείλτε καταγγελία")
    notice_link.click()
    expect(page.get_by_label("Παράνομο περιεχόμενο")).to_be_checked()
    page.get_by_label("Ποιον νόμο παραβιάζει;").select_option("defamation")
    page.get_by_label("Γιατί είναι παράνομο;").fill(
        "Κατηγορεί ονομαστικά τον δήμαρχο για κλοπή χωρίς κανένα στοιχείο."
    )
    page.get_by_label("Η ηλεκτρονική σας διεύθυνση").fill(REPORTER)
    # Without the good-faith confirmation the notice is refused, the text kept.
    page.get_by_role("button", name="Αναφορά σχολίου").click()
    expect(page.locator("#id_good_faith_error")).to_contain_text("καλή τη πίστει")
    expect(page.get_by_label("Γιατί είναι παράνομο;")).to_have_value(re.compile("δήμαρχο"))
    page.get_by_label("Βεβαιώνω καλή τη πίστει").check()
    page.get_by_role("button", name="Αναφορά σχολίου").click()
    notice = IllegalContentNotice.objects.get()
    expect(page.locator(".notice-receipt__reference")).to_have_text(notice.reference)
    page.screenshot(path=str(artifacts_dir / "dsa-notice-receipt.png"), full_page=True)
    run_tasks()
    [receipt] = mail_to(smtp_server, REPORTER)
    assert notice.reference in receipt

    # A moderator decides in the admin: removed as illegal content.
    sign_in(
        page, live_server.url, "eleni", f"/admin/comments/illegalcontentnotice/{notice.pk}/change/"
    )
    expect(page.locator(".field-comment_text")).to_contain_text(BODY)
    page.locator("#id_decision").select_option("illegal")
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/comments/illegalcontentnotice/$"))
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.REJECTED
    run_tasks()
    assert "Αφαιρέθηκε ως παράνομο περιεχόμενο" in mail_to(smtp_server, REPORTER)[1]
    [statement_mail] = mail_to(smtp_server, POSTER)
    assert "Δυσφήμιση ή εξύβριση" in statement_mail
    appeal_url = re.search(r"http://\S+/comments/appeal/\S+", statement_mail).group(0)

    # The poster contests it through the link.
    page.context.clear_cookies()
    page.goto(appeal_url)
    expect(page.locator("body")).to_contain_text(StatementOfReasons.objects.get().reference)
    page.get_by_label("Γιατί πρέπει να αλλάξει η απόφαση;").fill(
        "Είναι κριτική σε δημόσιο πρόσωπο για δημόσιο έργο, όχι συκοφαντία."
    )
    page.get_by_role("button", name="Αποστολή ένστασης").click()
    appeal = Appeal.objects.get()
    expect(page.locator(".appeal-page__reference")).to_have_text(appeal.reference)

    # The first moderator is refused; a second one reinstates the comment.
    change = f"/admin/comments/appeal/{appeal.pk}/change/"
    sign_in(page, live_server.url, "eleni", change)
    page.locator("#id_outcome").select_option("reinstated")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("άλλος συντονιστής")
    sign_in(page, live_server.url, "kostas", change)
    page.locator("#id_outcome").select_option("reinstated")
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/comments/appeal/$"))
    run_tasks()
    assert "Το σχόλιο αποκαταστάθηκε" in mail_to(smtp_server, POSTER)[-1]

    # An anonymous reader sees the comment again (the cached page moved on commit).
    page.context.clear_cookies()
    page.goto(article_url)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(BODY)
    assert {first.pk, second.pk} == {
        Appeal.objects.get().statement.decided_by_id,
        Appeal.objects.get().decided_by_id,
    }


@pytest.fixture
def axe_page(browser):
    """A phone in the dark scheme, with the CSP bypassed for axe's script only here (see
    tests/browser/test_accessibility.py)."""
    context = browser.new_context(
        viewport=PHONE, locale="el-GR", color_scheme="dark", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_dsa_reader_pages_have_no_axe_violations(live_server, axe_page):
    moderator = make_moderator("eleni")
    comment = CommentFactory(email=POSTER, body=BODY)
    services.reject_comment(
        comment=CommentFactory(email=POSTER), moderator=moderator, reason="abusive"
    )
    appeal_path = statements.appeal_path(StatementOfReasons.objects.get())
    report = f"{live_server.url}/comments/{comment.pk}/report/?reason=illegal"
    found = {}
    for name, url in [
        ("rules", live_server.url + reverse("comments:rules")),
        ("report", report),
        ("appeal", live_server.url + appeal_path),
    ]:
        axe_page.goto(url)
        found[name] = violations(axe_page)
    # The notice sent without its required parts: the errors, then the receipt.
    axe_page.goto(report)
    axe_page.get_by_role("button", name="Αναφορά σχολίου").click()
    axe_page.locator("#id_explanation_error").wait_for()
    found["report with errors"] = violations(axe_page)
    axe_page.get_by_label("Ποιον νόμο παραβιάζει;").select_option("hate")
    axe_page.get_by_label("Γιατί είναι παράνομο;").fill("Καλεί σε βία εναντίον μιας ομάδας.")
    axe_page.get_by_label("Βεβαιώνω καλή τη πίστει").check()
    axe_page.get_by_role("button", name="Αναφορά σχολίου").click()
    axe_page.locator(".notice-receipt__reference").wait_for()
    found["receipt"] = violations(axe_page)
    assert {name: v for name, v in found.items() if v} == {}
