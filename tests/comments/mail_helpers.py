"""What the commenter-mail tests share: posting through the site, reading received mail."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django.utils import translation

from newsportal import mail

SITE = "https://nea-agora.example"


def our_log(caplog) -> str:
    """What the portal logged (the test SMTP server's own log names addresses)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))


def post_comment(client: Client, article, *, language: str = "el", ip: str, **fields):
    data = {"name": "Ελένη", "email": "", "body": "Σχόλιο δοκιμής.", "parent": ""}
    data.update(fields)
    with translation.override(language):
        url = reverse("comments:post", args=[article.pk])
    return client.post(url, data, REMOTE_ADDR=ip, HTTP_SEC_FETCH_SITE="same-origin")


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message, name: str) -> str:
    """The path of the first link to the site under /…/comments/<name>/ in a mail."""
    match = re.search(rf"{re.escape(SITE)}(/(?:en/)?comments/{name}/[^\s]+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def path_of(url: str) -> str:
    assert url.startswith(SITE), url
    return url.removeprefix(SITE)


__all__ = ["SITE", "link_in", "mail", "our_log", "path_of", "post_comment", "text_of"]


def staff_user():
    """A moderator for transactional tests (their flush removes the migrations' groups;
    the services do not ask for one)."""
    from tests.factories import UserFactory

    return UserFactory(username="moderator", is_staff=True)
