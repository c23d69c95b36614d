"""'Notify me of replies': one mail per published reply, in the poster's language, with a
one-click mute (RFC 8058), through the real SMTP server."""

import logging
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from comments import services
from comments.models import Comment, ReplySubscription
from tests.comments.mail_helpers import (
    SITE,
    link_in,
    our_log,
    path_of,
    post_comment,
    staff_user,
    text_of,
)
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

POSTER, REPLIER = "eleni@example.gr", "nikos@example.gr"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def moderator(db):
    return staff_user()


def reply_mails(smtp_server) -> list:
    """The reply notifications among the mail received (moderation decisions send their
    own statements of reasons)."""
    return [m for m in smtp_server.messages if m["List-Unsubscribe"]]


def subscribed_comment(client, article, moderator, *, language="el", email=POSTER):
    response = post_comment(
        client,
        article,
        language=language,
        ip="198.51.100.1",
        email=email,
        notify_replies="on",
        body="Το πρώτο μου σχόλιο.",
    )
    assert response.status_code == 302
    comment = Comment.objects.get(email=email)
    return services.approve_comment(comment=comment, moderator=moderator)


def reply_to(client, comment, *, ip="198.51.100.2", email=REPLIER, body="Διαφωνώ & εξηγώ <γιατί>."):
    response = post_comment(
        client, comment.article, ip=ip, email=email, parent=str(comment.pk), body=body
    )
    assert response.status_code == 302
    return Comment.objects.get(parent=comment, body=body)


def test_a_published_reply_is_mailed_once_in_greek_with_a_link_that_works(
    client, article, moderator, smtp_server, run_tasks, caplog
):
    caplog.set_level(logging.INFO)
    comment = subscribed_comment(client, article, moderator)
    reply = reply_to(client, comment)
    run_tasks()
    assert smtp_server.messages == []  # nothing while the reply awaits moderation

    services.approve_comment(comment=reply, moderator=moderator)
    assert run_tasks() == 1
    [message] = smtp_server.messages
    assert message["To"] == POSTER
    # Django 5.2 folds a long encoded subject right after "Subject:"; the parser keeps that
    # folding space, mail programs drop it. The Greek itself must come through intact.
    assert message["Subject"].strip() == f"Νέα απάντηση στο σχόλιό σας στο «{article.headline}»"
    assert "=?utf-8?" in message.as_string()  # RFC 2047 encoded words, not raw 8-bit
    assert message.get_body(("plain",)).get_content_charset() == "utf-8"
    body = text_of(message)
    assert "Διαφωνώ & εξηγώ <γιατί>." in body  # plain text: nothing escaped as HTML
    reply_link = f"{SITE}{article.get_absolute_url()}#comment-{reply.pk}"
    assert reply_link in body
    page = client.get(path_of(reply_link.split("#")[0]))
    assert f'id="comment-{reply.pk}"' in page.content.decode()

    mute_url = f"{SITE}{link_in(message, 'mute')}"
    assert message["List-Unsubscribe"].strip() == f"<{mute_url}>"  # folded like the subject
    assert mute_url.startswith("https://")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Hidden and approved again: still one mail about this reply (its poster, who gave an
    # e-mail, got the statement of reasons for the rejection meanwhile).
    services.reject_comment(comment=reply, moderator=moderator, reason="other")
    services.approve_comment(comment=reply, moderator=moderator)
    run_tasks()
    assert len(reply_mails(smtp_server)) == 1
    assert POSTER not in our_log(caplog)
    assert REPLIER not in our_log(caplog)


def test_the_mail_follows_the_language_the_comment_was_written_in(
    client, article, moderator, smtp_server, run_tasks
):
    comment = subscribed_comment(client, article, moderator, language="en")
    assert ReplySubscription.objects.get(comment=comment).language == "en"
    reply = reply_to(client, comment)
    services.approve_comment(comment=reply, moderator=moderator)
    run_tasks()
    [message] = smtp_server.messages
    assert message["Subject"].strip() == f"New reply to your comment on “{article.headline}”"
    assert "/en/comments/mute/" in message["List-Unsubscribe"]
    assert f"{SITE}/en/" in text_of(message)


def test_a_reply_published_at_once_under_post_moderation_is_mailed(
    settings, client, article, moderator, smtp_server, run_tasks
):
    settings.COMMENTS_MODERATION = "post"
    comment = subscribed_comment(client, article, moderator)
    CommentFactory(article=article, ip_hash=reply_ip_hash())  # the replier's approved history
    reply = reply_to(client, comment, ip="198.51.100.2")
    assert reply.status == Comment.Status.APPROVED
    run_tasks()
    assert len(smtp_server.messages) == 1


def reply_ip_hash():
    from comments import network

    return network.hash_address("198.51.100.2")


def test_no_mail_for_ones_own_reply_or_without_the_opt_in(
    client, article, moderator, smtp_server, run_tasks
):
    comment = subscribed_comment(client, article, moderator)
    own = reply_to(client, comment, ip="192.0.2.99", email=POSTER, body="Συμπληρώνω.")
    services.approve_comment(comment=own, moderator=moderator)
    unsubscribed = CommentFactory(article=article, email="other@example.gr")
    other = reply_to(client, unsubscribed, body="Απάντηση χωρίς ειδοποίηση.")
    services.approve_comment(comment=other, moderator=moderator)
    run_tasks()
    assert smtp_server.messages == []


def test_notify_without_an_email_is_refused_with_a_greek_error(client, article):
    response = post_comment(client, article, ip="198.51.100.1", notify_replies="on")
    assert response.status_code == 400
    assert "Γράψτε την ηλεκτρονική σας διεύθυνση" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_mute_link_asks_on_get_and_mutes_every_subscription_of_the_address_on_post(
    client, article, moderator, smtp_server, run_tasks
):
    first = subscribed_comment(client, article, moderator)
    second = CommentFactory(article=article, email=POSTER)
    ReplySubscription.objects.create(comment=second)
    services.approve_comment(comment=reply_to(client, first), moderator=moderator)
    run_tasks()
    mute_path = link_in(smtp_server.messages[0], "mute")

    page = client.get(mute_path)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "<form" in page.content.decode()
    assert not ReplySubscription.objects.filter(muted_at__isnull=False).exists()

    # RFC 8058: the mail program POSTs this body, with no page and no CSRF token.
    muted = client.post(
        mute_path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert muted.status_code == 200
    assert ReplySubscription.objects.filter(muted_at__isnull=True).count() == 0

    later = reply_to(client, second, body="Κι άλλη απάντηση.")
    services.approve_comment(comment=later, moderator=moderator)
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_an_altered_mute_link_is_a_404_in_the_site_design(client):
    response = client.get("/comments/mute/123:forged/")
    assert response.status_code == 404


def test_a_refusing_mail_server_loses_neither_the_reply_nor_the_mail(
    settings, client, article, moderator, smtp_server, run_tasks, time_machine, caplog
):
    caplog.set_level(logging.INFO)
    settings.EMAIL_RETRY_DELAYS = [60]
    comment = subscribed_comment(client, article, moderator)
    reply = reply_to(client, comment)
    smtp_server.refuse = True
    services.approve_comment(comment=reply, moderator=moderator)
    run_tasks()
    assert smtp_server.messages == []
    assert Comment.objects.get(pk=reply.pk).status == Comment.Status.APPROVED

    smtp_server.refuse = False
    waiting = DBTaskResult.objects.get(status="READY")
    time_machine.move_to(waiting.run_after + timedelta(seconds=1))
    run_tasks()
    assert len(smtp_server.messages) == 1
    assert POSTER not in our_log(caplog)


def test_the_opt_in_is_kept_when_a_form_of_unknown_origin_is_shown_again(article):
    """No Origin, Sec-Fetch-Site or Referer: the reader confirms once, the box still ticked."""
    from django.test import Client
    from django.urls import reverse

    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        reverse("comments:post", args=[article.pk]),
        {"name": "Ελένη", "email": POSTER, "body": "Κείμενο.", "notify_replies": "on"},
    )
    assert response.status_code == 200
    assert 'id="id_notify_replies" value="on" checked' in response.content.decode()


def test_no_mail_while_the_comment_replied_to_is_hidden(
    client, article, moderator, smtp_server, run_tasks
):
    comment = subscribed_comment(client, article, moderator)
    reply = reply_to(client, comment)
    services.reject_comment(comment=comment, moderator=moderator, reason="other")
    services.approve_comment(comment=reply, moderator=moderator)
    run_tasks()
    assert reply_mails(smtp_server) == []
