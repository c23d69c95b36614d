""" "My comments": the same answer for every address, a mailed link that opens, downloads
(JSON) and erases a reader's comments; readers see the erasure at once."""

import json
import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, ConfirmedAddress, ReplySubscription, UnconfirmedComment
from tests.comments.mail_helpers import SITE, link_in, our_log, text_of
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

READER = "kostas@example.gr"
REQUEST = reverse("comments:mine_request")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def section(response) -> str:
    """The page's own part (the rest carries a request id)."""
    text = response.content.decode()
    start = text.index('<section class="comment-page">')
    return text[start : text.index("</section>", start)]


def ask(client, email, ip="198.51.100.20"):
    return client.post(REQUEST, {"email": email}, REMOTE_ADDR=ip)


def mailed_link(client, smtp_server, run_tasks, email=READER) -> str:
    ask(client, email)
    run_tasks()
    return link_in(smtp_server.messages[-1], "mine")


def test_the_answer_is_the_same_whether_or_not_the_address_has_comments(
    client, article, smtp_server, run_tasks, caplog
):
    caplog.set_level(logging.INFO)
    CommentFactory(article=article, email=READER)
    known = ask(client, READER)
    unknown = ask(client, "nobody@example.gr")
    assert known.status_code == unknown.status_code == 200
    assert section(known) == section(unknown)
    assert "στείλαμε έναν σύνδεσμο" in section(known)
    assert "no-store" in known["Cache-Control"]
    run_tasks()
    [message] = smtp_server.messages
    assert message["To"] == READER
    assert message["Subject"].strip() == "Τα σχόλιά σας στη Νέα Αγορά"
    assert "24 ώρες" in text_of(message)
    assert READER not in our_log(caplog)
    assert "nobody@example.gr" not in our_log(caplog)


def test_an_invalid_address_gets_a_greek_error(client):
    response = ask(client, "όχι-διεύθυνση")
    assert response.status_code == 400
    assert "έγκυρη ηλεκτρονική διεύθυνση" in response.content.decode()


def test_requests_are_rate_limited_per_poster_address_and_per_recipient(
    settings, client, article, smtp_server, run_tasks
):
    settings.COMMENTS_RATE_PER_MINUTE = 3
    settings.COMMENTS_MAILS_PER_ADDRESS_HOUR = 2
    CommentFactory(article=article, email=READER)
    for _ in range(3):
        assert ask(client, READER).status_code == 200
    limited = ask(client, READER)
    assert limited.status_code == 429
    assert limited["Retry-After"]
    run_tasks()
    assert len(smtp_server.messages) == 2  # the recipient's hour allows two


def test_the_link_shows_and_downloads_the_readers_comments_as_json(
    client, article, smtp_server, run_tasks
):
    other_article = ArticleFactory(headline="Δεύτερο άρθρο")
    mine = CommentFactory(article=article, email=READER, name="Κώστας", body="Πρώτο & «καλό».")
    CommentFactory(article=other_article, email=READER, name="Κ.", status=Comment.Status.PENDING)
    CommentFactory(article=article, email="else@example.gr", body="Κάποιου άλλου.")
    ReplySubscription.objects.create(comment=mine)
    link = mailed_link(client, smtp_server, run_tasks)

    page = client.get(link)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "Πρώτο &amp; «καλό»." in page.content.decode()
    assert "Κάποιου άλλου." not in page.content.decode()

    download = client.get(f"{link}json/")
    assert download["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in download["Content-Disposition"]
    rows = json.loads(download.content)["comments"]
    assert {row["article"]["headline"] for row in rows} == {article.headline, "Δεύτερο άρθρο"}
    first = next(row for row in rows if row["id"] == mine.pk)
    assert first["text"] == "Πρώτο & «καλό»."
    assert first["name"] == "Κώστας"
    assert first["status"] == "approved"
    assert first["email"] == READER
    assert first["reply_notifications"] == "on"
    assert first["article"]["url"].startswith(f"{SITE}/")
    assert first["posted_at"] == mine.created_at.isoformat()


def test_an_expired_or_altered_link_opens_nothing(
    client, article, smtp_server, run_tasks, time_machine
):
    CommentFactory(article=article, email=READER)
    link = mailed_link(client, smtp_server, run_tasks)
    assert client.get(link.replace("/mine/", "/mine/x")).status_code == 404
    time_machine.move_to(timezone.now() + timedelta(hours=24, minutes=1))
    response = client.get(link)
    assert response.status_code == 404
    assert "έχει λήξει" in response.content.decode()


def test_erasing_deletes_lone_comments_and_keeps_replied_ones_as_erased_for_readers_at_once(
    page_cache, article, smtp_server, run_tasks, caplog
):
    caplog.set_level(logging.INFO)
    reader = Client()
    replied = CommentFactory(article=article, email=READER, name="Κώστας", body="Αρχικό σχόλιο.")
    answer = CommentFactory(parent=replied, body="Η απάντηση κάποιου άλλου.")
    lone = CommentFactory(article=article, email=READER, name="Κώστας", body="Μοναχικό σχόλιο.")
    own_reply = CommentFactory(parent=lone, email=READER, body="Δική μου απάντηση.")
    ReplySubscription.objects.create(comment=replied)
    UnconfirmedComment.objects.create(
        article=article, name="Κ", email=READER, body="x", ip_hash="a" * 64, form_nonce="n" * 20
    )
    before = reader.get(article.get_absolute_url()).content.decode()
    assert "Μοναχικό σχόλιο." in before
    link = mailed_link(reader, smtp_server, run_tasks)
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__to=READER).exists()

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link)
    erase = f"{link}erase/"
    csrf = page.cookies["csrftoken"].value
    assert browser.post(erase, {"csrfmiddlewaretoken": csrf}).status_code == 400  # box unticked
    assert Comment.objects.filter(email=READER).count() == 3
    done = browser.post(erase, {"csrfmiddlewaretoken": csrf, "sure": "yes"})
    assert done.status_code == 200
    assert "Διαγράφηκαν 3 σχόλια." in done.content.decode()

    assert not Comment.objects.filter(pk__in=[lone.pk, own_reply.pk]).exists()
    kept = Comment.objects.get(pk=replied.pk)
    assert (kept.name, kept.email, kept.body, kept.ip_hash, kept.user_agent) == ("", "", "", "", "")
    assert Comment.objects.filter(pk=answer.pk).exists()
    assert not ReplySubscription.objects.exists()
    assert not UnconfirmedComment.objects.exists()
    assert not ConfirmedAddress.objects.exists()
    assert not DBTaskResult.objects.filter(args_kwargs__kwargs__to=READER).exists()

    after = reader.get(article.get_absolute_url()).content.decode()  # the stored page moved
    assert "Μοναχικό σχόλιο." not in after
    assert "Αρχικό σχόλιο." not in after
    assert "[διαγράφηκε από τον συντάκτη του]" in after
    assert "Η απάντηση κάποιου άλλου." in after
    assert browser.get(link).status_code == 404  # nothing left to open
    assert READER not in our_log(caplog)
