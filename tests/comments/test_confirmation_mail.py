"""Confirmation by e-mail before a comment enters the queue (COMMENTS_CONFIRM_EMAIL)."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comments import network
from comments.models import Comment, ConfirmedAddress, UnconfirmedComment
from tests.comments.mail_helpers import SITE, link_in, our_log, post_comment, text_of

pytestmark = pytest.mark.django_db(transaction=True)

POSTER = "maria@example.gr"


@pytest.fixture(autouse=True)
def confirmation_on(settings):
    settings.SITE_URL = SITE
    settings.COMMENTS_CONFIRM_EMAIL = True


def post_held(client, article, *, ip="198.51.100.7", body="Περιμένει επιβεβαίωση.", **fields):
    response = post_comment(client, article, ip=ip, email=POSTER, body=body, **fields)
    assert response.status_code == 302
    return response


def test_without_confirmation_on_no_email_is_needed(settings, client, article):
    settings.COMMENTS_CONFIRM_EMAIL = False
    assert post_comment(client, article, ip="198.51.100.7").status_code == 302
    assert Comment.objects.count() == 1


def test_an_email_is_required_when_comments_are_confirmed(client, article):
    response = post_comment(client, article, ip="198.51.100.7")
    assert response.status_code == 400
    assert "σύνδεσμο για να επιβεβαιώσετε" in response.content.decode()
    assert not UnconfirmedComment.objects.exists()


def test_a_held_comment_is_invisible_until_its_link_is_followed_then_queued(
    client, article, smtp_server, run_tasks, caplog
):
    caplog.set_level(logging.INFO)
    response = post_held(client, article, notify_replies="on")
    page = client.get(response["Location"], REMOTE_ADDR="198.51.100.7")
    assert "Σας στείλαμε ένα μήνυμα" in page.content.decode()
    assert not Comment.objects.exists()  # neither readers nor the moderators' queue see it
    assert "Περιμένει επιβεβαίωση." not in page.content.decode()

    assert run_tasks() == 1
    [message] = smtp_server.messages
    assert message["Subject"].strip() == f"Επιβεβαιώστε το σχόλιό σας στο «{article.headline}»"
    assert "Περιμένει επιβεβαίωση." in text_of(message)
    assert "48 ώρες" in text_of(message)
    confirm_path = link_in(message, "confirm")

    # A mail program or scanner opening the link changes nothing.
    browser = Client(enforce_csrf_checks=True)
    shown = browser.get(confirm_path)
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    assert not Comment.objects.exists()

    done = browser.post(confirm_path, {"csrfmiddlewaretoken": shown.cookies["csrftoken"].value})
    assert done.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert list(Comment.objects.awaiting_moderation()) == [comment]
    assert comment.reply_subscription.language == "el"
    assert not UnconfirmedComment.objects.exists()
    # The link is spent.
    assert browser.get(confirm_path).status_code == 404
    assert POSTER not in our_log(caplog)


def test_the_same_form_sent_twice_is_held_and_mailed_once(client, article, smtp_server, run_tasks):
    post_held(client, article)
    post_held(client, article)
    run_tasks()
    assert UnconfirmedComment.objects.count() == 1
    assert len(smtp_server.messages) == 1


def test_a_confirmed_address_skips_the_step_from_the_same_poster_address_only(
    client, article, smtp_server, run_tasks
):
    post_held(client, article)
    run_tasks()
    confirm_path = link_in(smtp_server.messages[0], "confirm")
    client.post(confirm_path)
    assert ConfirmedAddress.objects.get().ip_hash == network.hash_address("198.51.100.7")
    assert POSTER not in str(ConfirmedAddress.objects.values().get())  # hashes only

    post_held(client, article, body="Δεύτερο σχόλιο, χωρίς βήμα.")
    assert Comment.objects.count() == 2
    post_held(client, article, ip="192.0.2.50", body="Από αλλού: με επιβεβαίωση.")
    assert Comment.objects.count() == 2
    assert UnconfirmedComment.objects.count() == 1


def test_an_expired_link_is_refused_and_the_comment_purged_by_the_command(
    client, article, smtp_server, run_tasks, time_machine
):
    post_held(client, article)
    run_tasks()
    confirm_path = link_in(smtp_server.messages[0], "confirm")
    post_held(client, article, body="Ένα νεότερο.")

    old = timezone.now() - timedelta(hours=49)
    UnconfirmedComment.objects.filter(body="Περιμένει επιβεβαίωση.").update(created_at=old)
    time_machine.move_to(timezone.now() + timedelta(hours=48, minutes=1))
    response = client.get(confirm_path)
    assert response.status_code == 404
    assert "έχει λήξει" in response.content.decode()

    out = StringIO()
    time_machine.move_to(timezone.now() - timedelta(hours=48, minutes=1))
    call_command("purge_unconfirmed_comments", stdout=out)
    assert "1 unconfirmed comments deleted" in out.getvalue()
    assert list(UnconfirmedComment.objects.values_list("body", flat=True)) == ["Ένα νεότερο."]
    assert not Comment.objects.exists()


def test_a_refusing_mail_server_keeps_the_held_comment_and_retries(
    settings, client, article, smtp_server, run_tasks, time_machine
):
    settings.EMAIL_RETRY_DELAYS = [60]
    smtp_server.refuse = True
    post_held(client, article)
    run_tasks()
    assert smtp_server.messages == []
    assert UnconfirmedComment.objects.count() == 1
    smtp_server.refuse = False
    time_machine.move_to(timezone.now() + timedelta(seconds=61))
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_confirmation_mails_to_one_address_are_limited(settings, client, article, smtp_server):
    settings.COMMENTS_MAILS_PER_ADDRESS_HOUR = 2
    for n, ip in enumerate(["192.0.2.1", "192.0.2.2"]):
        post_held(client, article, ip=ip, body=f"Σχόλιο {n}.")
    response = post_comment(client, article, ip="192.0.2.3", email=POSTER, body="Τρίτο.")
    assert response.status_code == 429
    assert "Τρίτο." in response.content.decode()  # the text is kept
    assert UnconfirmedComment.objects.count() == 2


def test_a_bot_filling_the_hidden_field_gets_no_mail(client, article, smtp_server, run_tasks):
    post_held(client, article, website="http://spam.example")
    run_tasks()
    assert smtp_server.messages == []
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_a_comment_whose_article_closed_meanwhile_is_refused_on_confirmation_and_kept(
    client, article, smtp_server, run_tasks
):
    post_held(client, article)
    run_tasks()
    confirm_path = link_in(smtp_server.messages[0], "confirm")
    type(article).objects.filter(pk=article.pk).update(comments_enabled=False)
    response = client.post(confirm_path)
    assert response.status_code == 400
    assert "Τα σχόλια σε αυτό το άρθρο έχουν κλείσει." in response.content.decode()
    assert UnconfirmedComment.objects.count() == 1  # kept until purged
    assert not Comment.objects.exists()
