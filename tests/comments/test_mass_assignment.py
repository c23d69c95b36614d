"""Mass assignment: keys a reader adds to a form change nothing the site decides itself.

Every field of the stored row that the site sets itself is forged in the same request,
on the comment form, the report form, and, for moderators, the comment's admin page,
whose fields are all read-only; each field is then checked on its own.
"""

import time

import pytest
from django.urls import reverse

from comments import network, tokens
from comments.models import Comment, CommentReport
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

READER_ADDRESS = "203.0.113.77"


@pytest.fixture
def others(db):
    return {
        "article": ArticleFactory(),
        "moderator": UserFactory(username="mallory", is_staff=True),
        "comment": CommentFactory(),
    }


def forged_keys(others) -> dict[str, str]:
    return {
        "status": "approved",
        "article": str(others["article"].pk),
        "article_id": str(others["article"].pk),
        "ip": "1.2.3.4",
        "ip_hash": "f" * 64,
        "created": "2001-01-01",
        "created_at": "2001-01-01T00:00:00Z",
        "moderated_by": str(others["moderator"].pk),
        "moderated_by_id": str(others["moderator"].pk),
        "moderated_at": "2001-01-01T00:00:00Z",
        "report_count": "99",
        "level": "7",
        "thread_id": str(others["comment"].pk),
        "path": "{1,2,3}",
        "body_html": "<script>alert(1)</script>",
        "rule": "",
        "form_nonce": "chosen-by-the-reader",
        "user_agent": "forged agent",
        "id": "999999",
        "pk": "999999",
    }


def test_extra_keys_on_the_comment_form_change_nothing(client, article, others):
    token = tokens.issue(article.pk, now=time.time() - 30)
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        {
            "name": "Ελένη",
            "body": "Ένα σχόλιο.",
            "token": token,
            "website": "",
            **forged_keys(others),
        },
        HTTP_USER_AGENT="Firefox/130",
        REMOTE_ADDR=READER_ADDRESS,
    )
    assert response.status_code == 302
    comment = Comment.objects.get(body="Ένα σχόλιο.")
    assert comment.article == article
    assert comment.status == Comment.Status.PENDING
    assert comment.rule == "pre_moderation"
    assert comment.parent is None
    assert comment.level == 0
    assert comment.thread_id == comment.pk
    assert comment.path == [comment.pk]
    assert comment.ip_hash == network.hash_address(READER_ADDRESS)
    assert comment.created_at.year > 2001
    assert comment.moderated_by is None
    assert comment.moderated_at is None
    assert comment.report_count == 0
    assert "<script>" not in comment.body_html
    assert comment.form_nonce == tokens.read(token, article_id=article.pk).nonce
    assert comment.user_agent == "Firefox/130"
    assert comment.pk != 999999


def test_extra_keys_on_the_report_form_change_nothing(client, others):
    reported = CommentFactory()
    forged = {
        "comment": others["comment"].pk,
        "comment_id": others["comment"].pk,
        "ip_hash": "f" * 64,
        "created_at": "2001-01-01T00:00:00Z",
        "id": "999999",
    }
    response = client.post(
        reverse("comments:report", args=[reported.pk]),
        {"reason": "spam", **forged},
        REMOTE_ADDR=READER_ADDRESS,
    )
    assert response.status_code == 302
    report = CommentReport.objects.get()
    assert report.comment == reported
    assert report.ip_hash == network.hash_address(READER_ADDRESS)
    assert report.created_at.year > 2001
    assert others["comment"].reports.count() == 0


def test_a_moderator_cannot_rewrite_a_comment_through_its_admin_page(client, moderator, others):
    comment = CommentFactory(status=Comment.Status.PENDING, body="Όπως γράφτηκε.")
    client.force_login(moderator)
    forged = {
        "name": "Άλλος",
        "email": "forged@example.com",
        "body": "Ξαναγραμμένο <script>alert(1)</script>",
        "status": "approved",
        "article": others["article"].pk,
        "created_at": "2001-01-01 00:00",
        "report_count": "99",
        "moderated_by": others["moderator"].pk,
        "_save": "1",
    }
    client.post(reverse("admin:comments_comment_change", args=[comment.pk]), forged)
    comment.refresh_from_db()
    assert comment.body == "Όπως γράφτηκε."
    assert comment.name != "Άλλος"
    assert comment.email == ""
    assert comment.status == Comment.Status.PENDING
    assert comment.article != others["article"]
    assert comment.report_count == 0
    assert comment.moderated_by is None
