"""One-step comments without JavaScript, and why another site's form still cannot post.

The article page is cached for everyone and carries no CSRF token; comments and reports
are checked by where the browser says they come from (comments/origin.py). The client
here enforces CSRF checks, as a browser without the token would meet them.
"""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from comments import network
from comments.models import Comment, CommentReport
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

HOST = "testserver"
OURS = f"http://{HOST}"
EVIL = "https://evil.example"
HELD = "αναμένει έγκριση"


def browser():
    """A client that enforces CSRF like a real browser without the token would."""
    return Client(enforce_csrf_checks=True)


def comment_form(**overrides):
    # The article page's own form as a reader without JavaScript sends it: empty tokens.
    data = {"name": "Ελένη", "email": "", "body": "Μια άποψη χωρίς σενάρια.", "token": "",
            "parent": "", "website": "", "csrfmiddlewaretoken": ""}  # fmt: skip
    data.update(overrides)
    return data


def post_url(article):
    return reverse("comments:post", args=[article.pk])


def warnings_in(caplog):
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": OURS, "HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_ORIGIN": OURS},
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_REFERER": f"{OURS}/some/article/"},
    ],
    ids=["origin-and-fetch-site", "origin", "fetch-site", "typed", "referer"],
)
def test_a_same_origin_post_without_javascript_is_stored_in_one_request(article, caplog, headers):
    client = browser()
    with caplog.at_level(logging.INFO):
        response = client.post(post_url(article), comment_form(), **headers)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(article.get_absolute_url() + "?notice=")
    assert location.endswith("#comment-notice")
    comment = Comment.objects.get()
    assert comment.body == "Μια άποψη χωρίς σενάρια."
    assert comment.status == Comment.Status.PENDING
    assert warnings_in(caplog) == []
    # The reader lands on the notice, just above the comments section.
    html = client.get(location).content.decode()
    notice = html.index('id="comment-notice"')
    assert HELD in html[notice : html.index('id="comments"')]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": EVIL, "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": EVIL},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": EVIL, "HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://testserver"},  # our host over another scheme
        {"HTTP_ORIGIN": f"{OURS}.evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_REFERER": f"{OURS}/"},
        {"HTTP_REFERER": f"{EVIL}/page.html"},
    ],
    ids=[
        "both",
        "origin",
        "fetch-site",
        "null-origin",
        "same-site-evil",
        "scheme",
        "suffix",
        "fetch-site-beats-referer",
        "referer",
    ],
)
def test_a_cross_site_form_cannot_post_a_comment(article, old_token, headers):
    client = browser()
    # Even with a valid form token fetched by the attacker from the token endpoint.
    response = client.post(post_url(article), comment_form(token=old_token(article)), **headers)
    assert response.status_code == 403
    assert "site-footer" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_cross_site_form_cannot_post_even_with_a_csrf_token(article):
    client = browser()
    csrf = client.get(reverse("comments:token"), {"article": article.pk}).json()["csrf_token"]
    response = client.post(
        post_url(article),
        comment_form(csrfmiddlewaretoken=csrf),
        HTTP_ORIGIN=EVIL,
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_a_trusted_origin_may_post(settings, article):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.nea-agora.example"]
    response = browser().post(
        post_url(article),
        comment_form(),
        HTTP_ORIGIN="https://www.nea-agora.example",
        HTTP_SEC_FETCH_SITE="same-site",
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": EVIL, "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": EVIL},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
    ids=["both", "origin", "fetch-site"],
)
@pytest.mark.parametrize("script", [False, True], ids=["form", "fetch"])
def test_a_cross_site_form_cannot_report_a_comment(article, headers, script):
    comment = CommentFactory(article=article)
    extra = {"HTTP_X_REQUESTED_WITH": "fetch"} if script else {}
    for n in range(4):  # from four networks: it would have hidden the comment
        response = browser().post(
            reverse("comments:report", args=[comment.pk]),
            {"reason": "abusive"},
            REMOTE_ADDR=f"198.51.{n}.7",
            **headers,
            **extra,
        )
        assert response.status_code == 403
    assert CommentReport.objects.count() == 0
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_a_same_origin_report_without_javascript_lands_on_the_notice(article):
    comment = CommentFactory(article=article)
    client = browser()
    response = client.post(
        reverse("comments:report", args=[comment.pk]),
        {"reason": "spam"},
        HTTP_ORIGIN=OURS,
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#comment-notice")
    assert comment.reports.get().reason == "spam"
    html = client.get(response["Location"]).content.decode()
    assert "Οι συντονιστές θα εξετάσουν" in html


def test_a_report_of_unknown_origin_is_confirmed_with_200_and_no_warning(article, caplog):
    comment = CommentFactory(article=article)
    client = browser()
    url = reverse("comments:report", args=[comment.pk])
    with caplog.at_level(logging.INFO):
        asked = client.post(url, {"reason": "abusive"})
    assert asked.status_code == 200
    assert "Επιβεβαιώστε την αναφορά σας" in asked.content.decode()
    assert CommentReport.objects.count() == 0
    with caplog.at_level(logging.INFO):
        sent = client.post(
            url, {"reason": "abusive", "csrfmiddlewaretoken": str(asked.context["csrf_token"])}
        )
    assert sent.status_code == 302
    assert comment.reports.get().reason == "abusive"
    assert warnings_in(caplog) == []


def test_a_refused_cross_site_post_does_not_use_up_the_reader_s_rate_limit(settings, article):
    settings.COMMENTS_RATE_PER_MINUTE = 1
    client = browser()
    for _ in range(3):
        client.post(post_url(article), comment_form(), HTTP_ORIGIN=EVIL)
    response = client.post(post_url(article), comment_form(), HTTP_ORIGIN=OURS)
    assert response.status_code == 302


def test_the_notice_is_for_the_poster_only_and_never_cached(article):
    client = browser()
    response = client.post(
        post_url(article), comment_form(), HTTP_ORIGIN=OURS, REMOTE_ADDR="203.0.113.5"
    )
    location = response["Location"]
    mine = client.get(location, REMOTE_ADDR="203.0.113.5")
    assert HELD in mine.content.decode()
    assert HELD not in client.get(location, REMOTE_ADDR="203.0.113.6").content.decode()
    forged = f"{article.get_absolute_url()}?notice=held#comment-notice"
    assert HELD not in client.get(forged, REMOTE_ADDR="203.0.113.5").content.decode()
    # Without the parameter the page is the cached one, with no notice.
    assert HELD not in client.get(article.get_absolute_url()).content.decode()
    assert network.hash_address("203.0.113.5") == Comment.objects.get().ip_hash


def test_a_double_click_without_javascript_stores_one_comment(article):
    client = browser()
    first = client.post(post_url(article), comment_form(), HTTP_ORIGIN=OURS)
    second = client.post(post_url(article), comment_form(), HTTP_ORIGIN=OURS)
    assert first.status_code == second.status_code == 302
    assert Comment.objects.count() == 1
    # Another text, or the same text from another reader, is another comment.
    client.post(post_url(article), comment_form(body="Και κάτι ακόμη."), HTTP_ORIGIN=OURS)
    client.post(post_url(article), comment_form(), HTTP_ORIGIN=OURS, REMOTE_ADDR="198.51.100.4")
    assert Comment.objects.count() == 3
