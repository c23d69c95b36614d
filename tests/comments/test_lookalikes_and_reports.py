"""Spam that only looks different, and reports that only come from different addresses.

Blocked words and the duplicate rule compare a skeleton of the text (comments.text), so
look-alike letters, invisible characters and spacing change nothing. Reports hide a
comment by networks (IPv4 /24, IPv6 /48), weighed by the poster's approved history and
by what moderators made of the reporters' earlier reports (comments.policy).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import network, policy, services
from comments.models import BlockedWord, Comment, CommentReport
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

POSTER = network.hash_address("203.0.113.10")

PAYLOADS = [
    "𝛃𝛌𝛂𝛋𝛂𝛓",
    "βλaκaς",  # Latin a
    "βλάκаς",  # Cyrillic а
    "«β λ ά κ α ς»",
    "βλά.κας",
    "ｉｄｉｏｔ",
    "іdіot",  # Cyrillic і
    "ıdıot",
    "1d10t",
    "ɪᴅɪᴏᴛ",
    "ⓘⓓⓘⓞⓣ",
    "𝒾𝒹𝒾ℴ𝓉",
    "𝒾𝒹𝒾𝓈𝓉",  # as the issue wrote it, it spells "idist": blocked below as well
    "idi\u200dot",
    "idi\u3164ot",
    "idi\u2800ot",
]


@pytest.fixture
def post_moderated(settings, article):
    """Post-moderation with a poster approved before: only a rule can hold a comment."""
    settings.COMMENTS_MODERATION = "post"
    CommentFactory(article=article, ip_hash=POSTER)
    for phrase in ("βλάκας", "idiot", "idist"):
        BlockedWord.objects.create(phrase=phrase)


def post(article, body, **overrides):
    values = {"article": article, "parent": None, "name": "Αναγνώστης", "email": "",
              "body": body, "ip_hash": POSTER, "form_age": 30.0}  # fmt: skip
    values.update(overrides)
    return services.post_comment(**values)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_lookalike_blocked_word_is_held_even_in_post_moderation(post_moderated, article, payload):
    comment = post(article, f"Είσαι {payload} και το ξέρεις")
    assert comment.status == Comment.Status.PENDING
    assert comment.rule.startswith("blocked_word:")
    assert comment.rule_labels()[0].startswith("απαγορευμένη λέξη: ")
    assert article.comments.approved().filter(pk=comment.pk).count() == 0


@pytest.mark.parametrize(
    "body",
    [
        "Η βλακεία του νόμου είναι προφανής.",
        "Μια βλακώδης απόφαση.",
        "Οι ιδιώτες και η ιδιωτική οικονομία.",
        "Idiomatic English is hard.",
    ],
)
def test_greek_words_that_contain_a_blocked_word_are_published(post_moderated, article, body):
    assert post(article, body).status == Comment.Status.APPROVED


ORIGINAL = "Κερδίστε 500 ευρώ την ημέρα από το σπίτι σας"


@pytest.mark.parametrize(
    "copy",
    [
        "Κερδίστε 500 ευρώ την ημέρα από το σπί\u200bτι σας",  # zero-width space
        "Κερδίστε 500 ευρώ\u00a0την ημέρα από το σπίτι σας",  # non-breaking space
        "Κερδίστε 500 ευρώ  την ημέρα από το σπίτι σας",  # double space
        "Κερδίστε 500 ευρώ την ημέρα από το σπίτι σας.",  # trailing full stop
        "κερδίστε 500 ευρώ την ημέρα από το σπίτι σας",  # lower case
        "Κερδίστε 500 ευρώ την ημέρα απо το σπίτι σας",  # one Cyrillic о
    ],
    ids=["zero-width", "nbsp", "double-space", "full-stop", "lower-case", "cyrillic"],
)
def test_a_copy_that_only_looks_different_is_a_duplicate(post_moderated, article, copy):
    first = post(article, ORIGINAL)
    again = post(article, copy)
    assert first.status == Comment.Status.APPROVED
    assert again.status == Comment.Status.PENDING
    assert again.rule == "duplicate"


def test_a_different_text_is_no_duplicate(post_moderated, article):
    post(article, ORIGINAL)
    assert post(article, "Κερδίστε 900 ευρώ την ημέρα από το σπίτι σας").rule == ""


def test_the_skeleton_digest_is_stored_and_follows_an_edit(article):
    comment = CommentFactory(article=article, body="Ένα σχόλιο.")
    twin = CommentFactory(article=article, body="ΕΝΑ   σχόλιο")
    assert comment.body_skeleton_md5 == twin.body_skeleton_md5
    comment.body = "Άλλο σχόλιο"
    comment.save()
    comment.refresh_from_db()
    assert comment.body_skeleton_md5 != twin.body_skeleton_md5


# Reports per network ---------------------------------------------------------------------


def report(comment, address, **overrides):
    return services.report_comment(
        comment=comment,
        ip_hash=network.hash_address(address),
        network_hash=network.hash_network(address),
        **overrides,
    )


def status(comment):
    comment.refresh_from_db()
    return comment.status


def test_networks_are_ipv4_24_and_ipv6_48():
    assert network.hash_network("198.51.100.1") == network.hash_network("198.51.100.254")
    assert network.hash_network("198.51.100.1") != network.hash_network("198.51.101.1")
    assert network.hash_network("2001:db8:aa:1::1") == network.hash_network("2001:db8:aa:ff::9")
    assert network.hash_network("2001:db8:aa::1") != network.hash_network("2001:db8:ab::1")
    # Different from the address hashes, so neither can be mistaken for the other.
    assert network.hash_network("198.51.100.1") != network.hash_address("198.51.100.1")


def test_three_64s_of_one_48_no_longer_hide_a_comment(article):
    comment = CommentFactory(article=article)
    for subnet in ("1", "2", "3"):
        _report, created = report(comment, f"2001:db8:aa:{subnet}::1")
        assert created
    assert comment.reports.count() == 3
    assert status(comment) == Comment.Status.APPROVED


def test_three_addresses_of_one_ipv4_24_no_longer_hide_a_comment(article):
    comment = CommentFactory(article=article)
    for host in (1, 2, 3):
        report(comment, f"198.51.100.{host}")
    assert status(comment) == Comment.Status.APPROVED


def test_three_distinct_networks_hide_a_comment(article):
    comment = CommentFactory(article=article)
    report(comment, "2001:db8:aa:1::1")
    report(comment, "2001:db8:bb:1::1")
    assert status(comment) == Comment.Status.APPROVED
    report(comment, "198.51.100.7")
    assert status(comment) == Comment.Status.PENDING
    assert comment.rule.endswith("reports:3")
    assert "3 networks" in comment.log.get().note


def test_a_poster_with_a_long_approved_history_needs_more_networks(article):
    poster = network.hash_address("203.0.113.99")
    old = timezone.now() - timedelta(days=3)
    for _ in range(policy.REPORTS_TRUSTED_STEP):
        CommentFactory(article=article, ip_hash=poster, created_at=old)
    comment = CommentFactory(article=article, ip_hash=poster)
    for n in range(3):
        report(comment, f"198.51.{n}.7")
    assert status(comment) == Comment.Status.APPROVED
    report(comment, "198.51.3.7")
    assert status(comment) == Comment.Status.PENDING


def test_fresh_approved_comments_buy_a_poster_nothing(article):
    poster = network.hash_address("203.0.113.98")
    for _ in range(policy.REPORTS_TRUSTED_STEP * 3):
        CommentFactory(article=article, ip_hash=poster)  # all posted just now
    comment = CommentFactory(article=article, ip_hash=poster)
    for n in range(3):
        report(comment, f"198.51.{n}.7")
    assert status(comment) == Comment.Status.PENDING


def test_the_extra_networks_for_a_trusted_poster_are_capped():
    assert policy.reports_to_hide(0) == 3
    assert policy.reports_to_hide(policy.REPORTS_TRUSTED_STEP - 1) == 3
    assert policy.reports_to_hide(policy.REPORTS_TRUSTED_STEP) == 4
    assert policy.reports_to_hide(10_000) == 3 + policy.REPORTS_TRUSTED_EXTRA


def test_networks_whose_reports_were_all_dismissed_count_half(article, moderator):
    grudges = ["198.51.1.7", "198.51.2.7"]
    # Their earlier reports: each on a comment that a moderator then approved.
    for _ in range(policy.REPORTS_DISMISSED_MIN):
        earlier = CommentFactory(article=article)
        for address in grudges:
            report(earlier, address)
        services.approve_comment(comment=earlier, moderator=moderator)
    comment = CommentFactory(article=article)
    for address in [*grudges, "198.51.3.7"]:
        report(comment, address)
    # Three networks weigh 0.5 + 0.5 + 1 = 2: not enough.
    assert status(comment) == Comment.Status.APPROVED
    report(comment, "198.51.4.7")
    assert status(comment) == Comment.Status.PENDING  # 0.5 + 0.5 + 1 + 1 = 3


def test_a_network_with_an_upheld_report_keeps_its_full_weight(article, moderator):
    reporters = ["198.51.1.7", "198.51.2.7", "198.51.3.7"]
    for _ in range(policy.REPORTS_DISMISSED_MIN):
        earlier = CommentFactory(article=article)
        report(earlier, reporters[0])
        services.approve_comment(comment=earlier, moderator=moderator)
    upheld = CommentFactory(article=article)
    report(upheld, reporters[0])
    services.reject_comment(comment=upheld, moderator=moderator, reason="abusive")
    comment = CommentFactory(article=article)
    for address in reporters:
        report(comment, address)
    assert status(comment) == Comment.Status.PENDING


def test_reports_before_an_approval_do_not_count_again(article, moderator):
    comment = CommentFactory(article=article)
    for n in range(3):
        report(comment, f"198.51.{n}.7")
    services.approve_comment(comment=comment, moderator=moderator)
    report(comment, "198.51.10.7")
    report(comment, "198.51.11.7")
    assert status(comment) == Comment.Status.APPROVED
    report(comment, "198.51.12.7")
    assert status(comment) == Comment.Status.PENDING


def test_a_report_from_the_site_records_the_reporter_s_network(client, article):
    comment = CommentFactory(article=article)
    url = f"/comments/{comment.pk}/report/"
    client.post(url, {"reason": "spam"}, REMOTE_ADDR="2001:db8:aa:1::5")
    assert CommentReport.objects.get().network_hash == network.hash_network("2001:db8:aa::")


def test_the_migration_fills_the_digest_of_recent_comments_only(article):
    import importlib

    from django.apps import apps

    from comments.models import skeleton_digest

    migration = importlib.import_module("comments.migrations.0004_comment_body_skeleton_md5")
    recent = CommentFactory(article=article, body="Πρόσφατο σχόλιο")
    old = CommentFactory(
        article=article, body="Παλιό σχόλιο", created_at=timezone.now() - timedelta(days=30)
    )
    Comment.objects.update(body_skeleton_md5="")
    migration.fill_recent_digests(apps, None)
    recent.refresh_from_db()
    old.refresh_from_db()
    assert recent.body_skeleton_md5 == skeleton_digest("Πρόσφατο σχόλιο")
    assert old.body_skeleton_md5 == ""
