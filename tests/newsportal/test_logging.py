"""Logs say what happened: 429s, lockouts and moderation decisions, as JSON with the request id.

The lines are caught the way production writes them: through the site's JSON formatter
and request-id filter (newsportal.observability), attached to the root logger for the
test, so each assertion reads exactly what a log shipper would receive.
"""

import json
import logging
import time

import pytest
from django.test import Client
from django.urls import reverse

from comments import services, tokens
from comments.models import Comment
from newsportal.observability import JsonFormatter, RequestIdFilter
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUEST_ID = "0123456789abcdef0123456789abcdef"


class JsonLines(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))

    def about(self, logger: str) -> list[dict]:
        return [line for line in self.lines if line["logger"] == logger]


@pytest.fixture
def json_logs():
    handler = JsonLines()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


def test_a_comment_rate_limit_429_is_logged_with_its_request_id(settings, json_logs):
    settings.COMMENTS_RATE_PER_MINUTE = 1
    article = ArticleFactory()
    client = Client(HTTP_X_REQUEST_ID=REQUEST_ID, REMOTE_ADDR="203.0.113.50")
    for body in ("πρώτο", "δεύτερο"):
        token = tokens.issue(article.pk, now=time.time() - 30)
        response = client.post(
            reverse("comments:post", args=[article.pk]),
            {"name": "Α", "body": body, "token": token, "website": ""},
        )
    assert response.status_code == 429
    limit = json_logs.about("comments.views")
    assert len(limit) == 1
    assert limit[0]["level"] == "WARNING"
    assert limit[0]["request_id"] == REQUEST_ID
    assert "rate limit" in limit[0]["message"]
    assert "203.0.113.50" not in json.dumps(json_logs.lines)
    refused = [line for line in json_logs.about("newsportal.requests") if line["status"] == 429]
    assert len(refused) == 1
    assert refused[0]["request_id"] == REQUEST_ID
    assert refused[0]["message"].startswith("POST /comments/post/")


def test_an_admin_lockout_is_logged_as_json_without_the_address(json_logs):
    UserFactory(username="chief", is_staff=True)
    client = Client(HTTP_X_REQUEST_ID=REQUEST_ID, REMOTE_ADDR="198.51.100.9")
    for _attempt in range(5):
        response = client.post(reverse("admin:login"), {"username": "chief", "password": "x"})
    assert response.status_code == 429
    (lockout,) = [line for line in json_logs.lines if line.get("event") == "login_lockout"]
    assert lockout["level"] == "WARNING"
    assert lockout["request_id"] == REQUEST_ID
    assert lockout["username"] == "chief"
    assert len(lockout["address_hash"]) == 12
    assert "198.51.100.9" not in json.dumps(lockout)


def test_every_moderation_decision_is_logged_with_who_and_what(json_logs):
    moderator = UserFactory(username="moderator", is_staff=True)
    article = ArticleFactory()
    first, second, third = (
        CommentFactory(article=article, status=Comment.Status.PENDING) for _ in range(3)
    )
    services.approve_comment(comment=first, moderator=moderator)
    services.reject_comment(comment=second, moderator=moderator, reason="abusive")
    services.mark_spam(comment=third, moderator=moderator)
    messages = [line["message"] for line in json_logs.about("comments.services")]
    assert messages == [
        f"comment {first.pk} approved (was pending) by moderator",
        f"comment {second.pk} rejected (was pending) by moderator, reason abusive",
        f"comment {third.pk} spam (was pending) by moderator, reason spam",
    ]


def test_a_comment_hidden_by_reports_is_logged(settings, json_logs):
    settings.COMMENTS_REPORTS_TO_HIDE = 2
    comment = CommentFactory()
    for address in ("a" * 64, "b" * 64):
        services.report_comment(comment=comment, ip_hash=address)
    (hidden,) = [
        line for line in json_logs.about("comments.services") if "hidden" in line["message"]
    ]
    assert hidden["message"] == f"comment {comment.pk} hidden (was approved) by readers' reports"
