"""A commenter asks for their comments, follows the mailed link, downloads them (JSON)
and erases them, in Debian's chromium, with the mail from the real SMTP server."""

import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READER = "katerina@example.gr"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit counters of earlier tests share the address 127.0.0.1


def test_a_commenter_downloads_and_erases_their_comments_from_the_mailed_link(
    live_server, page, settings, smtp_server, run_tasks, artifacts_dir
):
    settings.SITE_URL = live_server.url
    article = ArticleFactory(headline="Ανοίγει η νέα γραμμή του μετρό")
    answered = CommentFactory(article=article, email=READER, name="Κατερίνα", body="Επιτέλους!")
    CommentFactory(parent=answered, name="Πέτρος", body="Συμφωνώ απόλυτα.")
    CommentFactory(article=article, email=READER, name="Κατερίνα", body="Και οι σταθμοί;")
    article_url = live_server.url + article.get_absolute_url()

    page.goto(article_url)
    page.locator("#comment-form").screenshot(path=artifacts_dir / "comment-form-opt-in.png")
    page.get_by_role("link", name="Τα σχόλιά σας: δείτε, κατεβάστε ή διαγράψτε τα").click()
    page.get_by_label("Η ηλεκτρονική σας διεύθυνση").fill(READER)
    page.get_by_role("button", name="Στείλτε μου τον σύνδεσμο").click()
    expect(page.get_by_role("status")).to_contain_text("στείλαμε έναν σύνδεσμο")

    assert run_tasks() == 1
    [message] = smtp_server.messages
    text = message.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(live_server.url)}/comments/mine/\S+", text).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", name="Τα σχόλιά μου")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Λήψη των σχολίων μου (JSON)").click()
    download = download_info.value
    assert download.suggested_filename == "my-comments.json"
    rows = json.loads(Path(download.path()).read_text(encoding="utf-8"))["comments"]
    assert sorted(row["text"] for row in rows) == ["Επιτέλους!", "Και οι σταθμοί;"]
    assert {row["article"]["headline"] for row in rows} == {"Ανοίγει η νέα γραμμή του μετρό"}

    page.screenshot(path=artifacts_dir / "my-comments-page.png", full_page=True)
    page.get_by_label("Θέλω να διαγραφούν όλα τα σχόλιά μου").check()
    page.get_by_role("button", name="Διαγραφή των σχολίων μου").click()
    expect(page.get_by_role("status")).to_have_text("Διαγράφηκαν 2 σχόλια.")
    page.screenshot(path=artifacts_dir / "my-comments-erased.png")

    page.goto(article_url)
    comments = page.locator("#comments")
    expect(comments).to_contain_text("[διαγράφηκε από τον συντάκτη του]")
    expect(comments).to_contain_text("Συμφωνώ απόλυτα.")
    expect(comments).not_to_contain_text("Επιτέλους!")
    expect(comments).not_to_contain_text("Και οι σταθμοί;")
    assert not Comment.objects.filter(email=READER).exists()
