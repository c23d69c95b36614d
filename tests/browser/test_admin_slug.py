"""The admin's slug prefill spells Greek exactly as the server's ELOT 743 transliteration."""

import pytest

from articles.transliteration import slugify_greek
from tests.browser.test_editor_journey import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINES = [
    "Διεθνή: Ευρωπαϊκή σύνοδος για τον προϋπολογισμό",
    "Ροή Ειδήσεων",
    "ΑΥΞΗΣΗ ΦΟΡΩΝ ΣΤΗΝ ΑΥΣΤΡΙΑ; «Όχι» λέει η Αθήνα",
    "Μπαράζ στη λάμπα, Αγγλία εγκαίρως, ντόπιοι ψηφοφόροι",
    "Ευβοϊκός και αϋπνία: ECB 2026",
    "Σύμβολα ϵ ϑ ϕ και αρχαία ϙ ϡ γράμματα",
]


def test_slug_prefill_matches_the_server(live_server, page):
    # An earlier transactional test may have flushed the migration's groups: rebuild it.
    make_editor("slugeditor", "Σλαγκ")
    page.goto(live_server.url + "/admin/login/?next=/admin/articles/article/add/")
    page.fill("#id_username", "slugeditor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/articles/article/add/")

    for headline in HEADLINES:
        in_browser = page.evaluate("(text) => URLify(text, 200)", headline)
        assert in_browser == slugify_greek(headline), headline

    page.fill("#id_headline", HEADLINES[0])
    page.press("#id_headline", "Tab")  # the admin prefills on change as well as on keyup
    assert page.input_value("#id_slug") == "diethni-evropaiki-synodos-gia-ton-proypologismo"
