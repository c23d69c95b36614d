"""Posting through the site: acknowledgements, refusals in the site's design, rate limits."""

import logging
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments import network, tokens
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

AWAITS = "αναμένει έγκριση"


# The start of the next hour: a moment whose rate-limit windows are known, near enough to now
# that the test articles (published an hour ago) still take comments.
HOUR = (int(time.time()) // 3600 + 1) * 3600


def form_data(article, token, **overrides):
    data = {
        "name": "Ελένη Π.",
        "email": "",
        "body": "Πολύ καλή ανάλυση.\nΕυχαριστώ!",
        "token": token,
        "parent": "",
        "website": "",
    }
    data.update(overrides)
    return data


def post_url(article):
    return reverse("comments:post", args=[article.pk])


def csrf_client():
    return Client(enforce_csrf_checks=True)


def token_for(client, article):
    response = client.get(reverse("comments:token"), {"article": article.pk})
    assert response.status_code == 200
    return response.json()


def test_token_endpoint_gives_csrf_and_form_tokens_never_cached(client, article):
    response = client.get(reverse("comments:token"), {"article": article.pk})
    data = response.json()
    assert "no-store" in response["Cache-Control"]
    assert "csrftoken" in response.cookies
    assert tokens.read(data["form_token"], article_id=article.pk).article_id == article.pk
    assert data["csrf_token"]
    assert data["expires_in"] > 0


@pytest.mark.parametrize("value", ["", "abc", "-3", "0"])
def test_token_endpoint_refuses_a_bad_article(client, value):
    assert client.get(reverse("comments:token"), {"article": value}).status_code == 400


def test_a_reader_posts_and_is_told_the_comment_awaits_moderation(article, old_token):
    client = csrf_client()
    csrf = token_for(client, article)["csrf_token"]
    response = client.post(
        post_url(article),
        {**form_data(article, old_token(article)), "csrfmiddlewaretoken": csrf},
        HTTP_USER_AGENT="Firefox/130",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"{article.get_absolute_url()}?notice=")
    assert response["Location"].endswith("#comment-notice")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.body == "Πολύ καλή ανάλυση.\nΕυχαριστώ!"
    assert comment.user_agent == "Firefox/130"
    assert len(comment.ip_hash) == 64
    assert "203.0.113.9" not in comment.ip_hash
    page = client.get(response["Location"], REMOTE_ADDR="203.0.113.9")
    assert AWAITS in page.content.decode()
    assert 'id="comment-notice"' in page.content.decode()
    # A link copied from the address bar tells nobody else "your comment awaits moderation".
    assert AWAITS not in client.get(response["Location"]).content.decode()
    assert "sessionid" not in page.cookies
    assert "sessionid" not in response.cookies


def test_post_moderated_reader_is_told_the_comment_is_published(
    settings, client, article, old_token
):
    settings.COMMENTS_MODERATION = "post"
    CommentFactory(article=article, ip_hash=network.hash_address("127.0.0.1"))
    response = client.post(post_url(article), form_data(article, old_token(article)), follow=True)
    assert "Το σχόλιό σας δημοσιεύτηκε" in response.content.decode()
    assert Comment.objects.filter(status="approved").count() == 2


def test_extra_post_keys_change_nothing(client, article, old_token):
    other = ArticleFactory()
    forged = {
        "status": "approved",
        "article": other.pk,
        "ip_hash": "forged",
        "ip": "1.2.3.4",
        "created_at": "2001-01-01T00:00",
        "created": "2001-01-01",
        "report_count": "99",
        "level": "7",
    }
    client.post(post_url(article), {**form_data(article, old_token(article)), **forged})
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.article == article
    assert comment.level == 0
    assert comment.report_count == 0
    assert comment.ip_hash != "forged"
    assert comment.created_at.year > 2001


def test_double_submit_of_one_form_stores_one_comment_and_acknowledges_both(
    client, article, old_token
):
    data = form_data(article, old_token(article))
    first = client.post(post_url(article), data)
    second = client.post(post_url(article), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "", "Γράψτε το σχόλιό σας"),
        ("body", "   \n  ", "Γράψτε το σχόλιό σας"),
        ("body", "α" * 3001, "3001 χαρακτήρες"),
        ("body", "μισό\x00μισό", "U+0000"),
        ("body", "ήχος\x07", "U+0007"),
        ("name", "", "Γράψτε το όνομα"),
        ("name", "Ν" * 61, "60 χαρακτήρες"),
        ("email", "όχι-email", "έγκυρη ηλεκτρονική διεύθυνση"),
    ],
    ids=["empty", "blank", "too-long", "nul", "control", "no-name", "long-name", "email"],
)
def test_invalid_comment_is_shown_again_with_its_text_and_a_greek_error(
    client, article, old_token, field, value, message
):
    data = form_data(article, old_token(article), **{field: value})
    if field != "body":
        data["body"] = "Το κείμενό μου μένει εδώ."
    response = client.post(post_url(article), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert (
        f'aria-describedby="id_{field}_error' in html or f"id_{field}_help id_{field}_error" in html
    )
    if field != "body":
        assert "Το κείμενό μου μένει εδώ." in html
    assert "csrfmiddlewaretoken" in html
    assert 'name="token" value=""' not in html
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("problem", ["tampered", "other_article", "expired"])
def test_unverifiable_form_is_refused_with_400_and_the_text_kept(
    client, article, old_token, problem
):
    token = {
        "tampered": old_token(article)[:-3] + "abc",
        "other_article": old_token(ArticleFactory()),
        "expired": tokens.issue(article.pk, now=time.time() - 3 * 24 * 3600),
    }[problem]
    response = client.post(post_url(article), form_data(article, token, body="Κρατήστε με"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Κρατήστε με" in html
    assert "ξαναστείλτε" in html
    assert Comment.objects.count() == 0


def test_form_sent_too_soon_after_it_was_given_is_held_not_lost(settings, client, article):
    settings.COMMENTS_MODERATION = "post"
    fresh = tokens.issue(article.pk)
    response = client.post(post_url(article), form_data(article, fresh))
    assert response.status_code == 302
    assert Comment.objects.get().rule.startswith("too_fast:")


def test_comments_closed_is_refused_with_the_text_kept(client, article, old_token):
    Article.objects.filter(pk=article.pk).update(comments_enabled=False)
    response = client.post(post_url(article), form_data(article, old_token(article), body="Αργά"))
    assert response.status_code == 400
    assert "Τα σχόλια σε αυτό το άρθρο έχουν κλείσει" in response.content.decode()
    assert Comment.objects.count() == 0


def test_reply_to_a_missing_comment_is_refused(client, article, old_token):
    response = client.post(post_url(article), form_data(article, old_token(article), parent="999"))
    assert response.status_code == 400


def test_unpublished_article_is_404_in_the_site_design(client, old_token):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    response = client.post(post_url(draft), form_data(draft, old_token(draft)))
    assert response.status_code == 404


def test_get_on_the_post_address_is_405_in_the_site_design(client, article):
    response = client.get(post_url(article))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "site-footer" in response.content.decode()


def test_a_form_of_unknown_origin_is_confirmed_with_200_then_stored(article, caplog):
    """No Origin, Sec-Fetch-Site or Referer (curl, a very old browser): one confirmation."""
    client = csrf_client()
    with caplog.at_level("INFO"):
        response = client.post(post_url(article), form_data(article, "", body="Χωρίς σενάρια"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Επιβεβαιώστε το σχόλιό σας" in html
    assert "Χωρίς σενάρια" in html
    assert Comment.objects.count() == 0
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []

    csrf = response.context["csrf_token"]
    form_token = response.context["form_token"]
    assert tokens.read(form_token, article_id=article.pk)
    with caplog.at_level("INFO"):
        confirmed = client.post(
            post_url(article),
            {
                **form_data(article, form_token, body="Χωρίς σενάρια"),
                "csrfmiddlewaretoken": str(csrf),
            },
        )
    assert confirmed.status_code == 302
    assert Comment.objects.get().body == "Χωρίς σενάρια"
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_confirmation_with_a_wrong_csrf_token_is_asked_again_and_stores_nothing(article):
    client = csrf_client()
    client.post(post_url(article), form_data(article, ""))
    again = client.post(
        post_url(article), {**form_data(article, ""), "csrfmiddlewaretoken": "x" * 64}
    )
    assert again.status_code == 200
    assert "Επιβεβαιώστε το σχόλιό σας" in again.content.decode()
    assert Comment.objects.count() == 0


def test_other_csrf_failures_get_a_plain_403_page(rf):
    from comments.views import csrf_failure

    response = csrf_failure(rf.post("/admin/login/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert "site-footer" in response.content.decode()


def test_rate_limit_answers_429_with_retry_after_and_keeps_the_text(
    settings, client, article, old_token
):
    settings.COMMENTS_RATE_PER_MINUTE = 5
    with time_machine.travel(HOUR + 10, tick=False):
        statuses = [
            client.post(
                post_url(article), form_data(article, old_token(article), body=f"σχόλιο {i}")
            ).status_code
            for i in range(5)
        ]
        refused = client.post(
            post_url(article), form_data(article, old_token(article), body="έκτο")
        )
    assert statuses == [302] * 5
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    assert "έκτο" in refused.content.decode()
    assert Comment.objects.count() == 5
    with time_machine.travel(HOUR + 70, tick=False):
        assert (
            client.post(
                post_url(article), form_data(article, old_token(article), body="νέο λεπτό")
            ).status_code
            == 302
        )


def test_invalid_posts_and_csrf_failures_count_towards_the_rate_limit(settings, article, old_token):
    settings.COMMENTS_RATE_PER_MINUTE = 3
    client = csrf_client()
    with time_machine.travel(HOUR, tick=False):
        assert client.post(post_url(article), form_data(article, "")).status_code == 200
        csrf = token_for(client, article)["csrf_token"]
        bad = {**form_data(article, old_token(article), body=""), "csrfmiddlewaretoken": csrf}
        assert client.post(post_url(article), bad).status_code == 400
        assert client.post(post_url(article), bad).status_code == 400
        good = {**form_data(article, old_token(article)), "csrfmiddlewaretoken": csrf}
        assert client.post(post_url(article), good).status_code == 429
        assert csrf_client().post(post_url(article), form_data(article, "")).status_code == 429
    assert Comment.objects.count() == 0


def test_rate_limit_is_per_address(settings, client, article, old_token):
    settings.COMMENTS_RATE_PER_MINUTE = 1
    with time_machine.travel(HOUR, tick=False):
        data = form_data(article, old_token(article))
        assert client.post(post_url(article), data, REMOTE_ADDR="203.0.113.1").status_code == 302
        data = form_data(article, old_token(article), body="δεύτερος")
        assert client.post(post_url(article), data, REMOTE_ADDR="203.0.113.2").status_code == 302
        data = form_data(article, old_token(article), body="τρίτος")
        assert client.post(post_url(article), data, REMOTE_ADDR="203.0.113.1").status_code == 429


def test_hourly_rate_limit(settings, client, article, old_token):
    settings.COMMENTS_RATE_PER_MINUTE = 100
    settings.COMMENTS_RATE_PER_HOUR = 2
    with time_machine.travel(HOUR + 10, tick=False):
        for i in range(2):
            client.post(post_url(article), form_data(article, old_token(article), body=f"{i}"))
        refused = client.post(post_url(article), form_data(article, old_token(article), body="x"))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3590"


def test_reply_page_works_without_javascript(client, article):
    parent = CommentFactory(article=article, name="Νίκος", body="Αρχικό σχόλιο")
    response = client.get(reverse("comments:reply", args=[parent.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Απάντηση στον/στην Νίκος" in html or "Νίκος" in html
    assert "Αρχικό σχόλιο" in html
    assert f'name="parent" value="{parent.pk}"' in html
    assert "csrfmiddlewaretoken" in html
    assert response["Cache-Control"] == "private, no-store"


def test_reply_page_of_a_hidden_comment_is_404(client, article):
    hidden = CommentFactory(article=article, status=Comment.Status.PENDING)
    assert client.get(reverse("comments:reply", args=[hidden.pk])).status_code == 404


def test_reply_posted_from_its_page_joins_the_thread(client, article, old_token):
    parent = CommentFactory(article=article)
    client.post(post_url(article), form_data(article, old_token(article), parent=str(parent.pk)))
    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent == parent
    assert reply.thread_id == parent.pk


def test_report_page_and_report_without_javascript(client, article):
    comment = CommentFactory(article=article, body="Προσβλητικό")
    url = reverse("comments:report", args=[comment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Προσβλητικό" in page.content.decode()
    response = client.post(url, {"reason": "abusive"}, follow=True)
    assert "Οι συντονιστές θα εξετάσουν" in response.content.decode()
    report = comment.reports.get()
    assert report.reason == "abusive"
    again = client.post(url, {"reason": "spam"}, follow=True)
    assert "Έχετε ήδη αναφέρει" in again.content.decode()
    assert comment.reports.count() == 1


def test_report_from_the_page_script_answers_json(client, article):
    comment = CommentFactory(article=article)
    url = reverse("comments:report", args=[comment.pk])
    response = client.post(url, {"reason": "nonsense"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.json()["ok"] is True
    assert comment.reports.get().reason == "other"


def test_report_of_a_hidden_comment_is_404(client, article):
    hidden = CommentFactory(article=article, status=Comment.Status.REJECTED)
    assert client.post(reverse("comments:report", args=[hidden.pk])).status_code == 404


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "198.51.100.1", "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1", "127.0.0.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "127.0.0.1", "198.51.100.1"),
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "127.0.0.1", "198.51.100.1"),
        (1, "", "203.0.113.7", "203.0.113.7"),
        (1, "garbage", "127.0.0.1", "0.0.0.0"),  # noqa: S104 - the "unknown" placeholder
    ],
)
def test_client_address_honours_only_trusted_proxies(
    rf, settings, proxies, forwarded, remote, expected
):
    from comments.network import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_ipv6_addresses_of_one_network_share_a_hash():
    from comments.network import hash_address

    assert hash_address("2001:db8:1:2::1") == hash_address("2001:db8:1:2:ffff::9")
    assert hash_address("2001:db8:1:2::1") != hash_address("2001:db8:1:3::1")
    assert hash_address("203.0.113.1") != hash_address("203.0.113.2")


def test_honeypot_and_blocked_posts_get_the_normal_acknowledgement(client, article, old_token):
    from comments import services

    services.block_address(kind="email", value="banned@example.com")
    bot = client.post(
        post_url(article), form_data(article, old_token(article), website="http://spam.example")
    )
    banned = client.post(
        post_url(article),
        form_data(article, old_token(article), body="άλλο", email="banned@example.com"),
    )
    assert bot.status_code == banned.status_code == 302
    assert AWAITS in client.get(banned["Location"]).content.decode()
    assert sorted(Comment.objects.values_list("status", "rule")) == [
        ("spam", "blocked_address"),
        ("spam", "honeypot"),
    ]


@pytest.mark.parametrize("parent", ["²", "abc", "1" * 40, "\x00", "-1"])
def test_odd_parent_values_never_break_the_confirmation_page(article, parent):
    response = csrf_client().post(post_url(article), form_data(article, "", parent=parent))
    assert response.status_code == 200


@pytest.mark.parametrize("field", ["parent", "website"])
def test_altered_hidden_fields_get_a_visible_error(client, article, old_token, field):
    data = form_data(article, old_token(article), **{field: "x" * 600})
    response = client.post(post_url(article), data)
    assert response.status_code == 400
    assert "Δεν μπορέσαμε να επαληθεύσουμε τη φόρμα" in response.content.decode()
