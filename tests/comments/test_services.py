"""The rules of posting, moderating and reporting, through comments.services."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article
from comments import network, services
from comments.models import BlockedAddress, BlockedWord, Comment, CommentReport, ModerationLogEntry
from newsportal.caching import scopes
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

ALICE = network.hash_address("203.0.113.10")
BOB = network.hash_address("203.0.113.20")


def post(article, **overrides):
    values = {
        "article": article,
        "parent": None,
        "name": "Ελένη",
        "email": "",
        "body": "Πολύ ενδιαφέρον, ευχαριστώ.",
        "ip_hash": ALICE,
        "user_agent": "Mozilla/5.0",
        "form_age": 30.0,
    }
    values.update(overrides)
    return services.post_comment(**values)


def refreshed(article):
    return Article.objects.get(pk=article.pk)


def test_pre_moderation_holds_every_new_comment(article):
    comment = post(article)
    assert comment.status == Comment.Status.PENDING
    assert comment.rule == "pre_moderation"
    assert comment.thread_id == comment.pk
    assert comment.path == [comment.pk]
    assert refreshed(article).comment_count == 0


def test_post_moderation_holds_a_first_time_commenter(settings, article):
    settings.COMMENTS_MODERATION = "post"
    comment = post(article)
    assert comment.status == Comment.Status.PENDING
    assert comment.rule == "first_time"


@pytest.mark.parametrize("same", ["ip_hash", "email"])
def test_post_moderation_publishes_a_reader_approved_before(settings, article, same):
    settings.COMMENTS_MODERATION = "post"
    CommentFactory(article=article, ip_hash=ALICE, email="eleni@example.com")
    other = {"ip_hash": BOB, "email": "eleni@example.com"} if same == "email" else {}
    comment = post(article, body="Δεύτερο σχόλιο", **other)
    assert comment.status == Comment.Status.APPROVED
    assert refreshed(article).comment_count == 2


def test_article_can_choose_post_moderation_against_the_site_default(article):
    article.comment_moderation = "post"
    article.save()
    CommentFactory(article=article, ip_hash=ALICE)
    assert post(article, body="Νέο").status == Comment.Status.APPROVED


def test_article_can_choose_pre_moderation_against_the_site_default(settings, article):
    settings.COMMENTS_MODERATION = "post"
    article.comment_moderation = "pre"
    article.save()
    CommentFactory(article=article, ip_hash=ALICE)
    assert post(article, body="Νέο").status == Comment.Status.PENDING


def test_blocked_word_holds_even_in_post_moderation(settings, article):
    settings.COMMENTS_MODERATION = "post"
    CommentFactory(article=article, ip_hash=ALICE)
    BlockedWord.objects.create(phrase="βλάκας")
    comment = post(article, body="Είσαι ΒΛΑΚΑΣ")
    assert comment.status == Comment.Status.PENDING
    assert comment.rule == "blocked_word:βλάκας"
    assert comment.rule_labels() == ["απαγορευμένη λέξη: βλάκας"]


def test_blocked_word_in_the_name_also_holds(article):
    BlockedWord.objects.create(phrase="απάτη")
    assert "blocked_word:απάτη" in post(article, name="Απάτη").rule


def test_blocked_words_list_change_is_seen_at_once(article, django_capture_on_commit_callbacks):
    assert post(article, body="ένα").rule == "pre_moderation"
    with django_capture_on_commit_callbacks(execute=True):
        BlockedWord.objects.create(phrase="δύο")
    assert "blocked_word:δύο" in post(article, body="δύο", ip_hash=BOB).rule


def test_more_links_than_allowed_are_held(settings, article):
    settings.COMMENTS_MODERATION = "post"
    CommentFactory(article=article, ip_hash=ALICE)
    two = post(article, body="https://a.example https://b.example")
    three = post(article, body="https://a.example https://b.example www.c.example")
    assert two.status == Comment.Status.APPROVED
    assert three.status == Comment.Status.PENDING
    assert three.rule == "links:3"


def test_same_text_from_same_poster_within_hours_is_a_duplicate(settings, article):
    settings.COMMENTS_MODERATION = "post"
    CommentFactory(article=article, ip_hash=ALICE)
    first = post(article, body="Ακριβώς το ίδιο")
    again = post(article, body="Ακριβώς το ίδιο")
    other_poster = post(article, body="Ακριβώς το ίδιο", ip_hash=BOB)
    assert first.status == Comment.Status.APPROVED
    assert again.rule == "duplicate"
    assert "duplicate" not in other_poster.rule
    later = timezone.now() + timedelta(hours=7)
    with time_machine.travel(later):
        assert post(article, body="Ακριβώς το ίδιο").status == Comment.Status.APPROVED


def test_many_comments_in_an_hour_are_held_as_a_flood(settings, article):
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_FLOOD_PER_HOUR = 3
    CommentFactory(article=article, ip_hash=ALICE)
    statuses = [post(article, body=f"Σχόλιο {i}").status for i in range(3)]
    assert statuses == [Comment.Status.APPROVED, Comment.Status.APPROVED, Comment.Status.PENDING]
    assert Comment.objects.order_by("-pk").first().rule == "flood:4"


@pytest.mark.parametrize("kind", ["ip", "email"])
def test_blocked_address_is_stored_as_spam_silently(article, kind):
    if kind == "ip":
        services.block_address(kind="ip", value="203.0.113.10")
    else:
        services.block_address(kind="email", value="Spammer@Example.com")
    comment = post(article, email="spammer@example.com")
    assert comment.status == Comment.Status.SPAM
    assert comment.rule == "blocked_address"


def test_honeypot_filled_is_spam(article):
    comment = post(article, honeypot="https://cheap.example")
    assert comment.status == Comment.Status.SPAM
    assert comment.rule == "honeypot"


def test_form_sent_too_fast_is_held(settings, article):
    settings.COMMENTS_MODERATION = "post"
    CommentFactory(article=article, ip_hash=ALICE)
    comment = post(article, form_age=1.2)
    assert comment.status == Comment.Status.PENDING
    assert comment.rule == "too_fast:1"


def test_every_rule_that_caught_a_comment_is_recorded(article):
    BlockedWord.objects.create(phrase="απάτη")
    comment = post(article, body="απάτη https://a.gr https://b.gr https://c.gr", form_age=0.5)
    assert comment.rule == "too_fast:0;blocked_word:απάτη;links:3"


def test_comments_closed_by_editor_are_refused(article):
    article.comments_enabled = False
    article.save()
    with pytest.raises(ValidationError) as refused:
        post(article)
    assert refused.value.code == "closed"
    assert Comment.objects.count() == 0


def test_comments_close_by_themselves_after_the_configured_days(settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=29, hours=23))
    post(article)
    with time_machine.travel(timezone.now() + timedelta(hours=2)), pytest.raises(ValidationError):
        post(article, body="Αργά")
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        post(article, body="Χωρίς όριο")


def test_reply_joins_the_thread_and_nests(article):
    root = CommentFactory(article=article)
    reply = post(article, parent=root)
    assert (reply.parent, reply.level, reply.thread_id) == (root, 1, root.pk)
    assert reply.path == [root.pk, reply.pk]


def test_reply_beyond_the_deepest_level_joins_that_level(settings, article):
    settings.COMMENTS_MAX_DEPTH = 2
    root = CommentFactory(article=article)
    child = CommentFactory(parent=root)
    grandchild = CommentFactory(parent=child)
    deeper = post(article, parent=grandchild)
    assert deeper.parent == child
    assert deeper.level == 2
    assert deeper.path == [root.pk, child.pk, deeper.pk]


@pytest.mark.parametrize("problem", ["pending", "other_article"])
def test_reply_to_a_comment_readers_cannot_see_is_refused(article, problem):
    if problem == "pending":
        parent = CommentFactory(article=article, status=Comment.Status.PENDING)
    else:
        parent = CommentFactory(article=ArticleFactory())
    with pytest.raises(ValidationError):
        post(article, parent=parent)


def test_the_same_form_nonce_stores_one_comment(article):
    first = post(article, nonce="nonce-0123456789")
    second = post(article, nonce="nonce-0123456789", body="άλλο κείμενο")
    assert first.pk == second.pk
    assert Comment.objects.count() == 1


def test_text_is_stored_as_typed_without_direction_overrides(article):
    comment = post(article, name="Νί\u202eκος", body="  Γραμμή 1\r\nΓραμμή 2\u2066  ")
    assert comment.name == "Νίκος"
    assert comment.body == "Γραμμή 1\nΓραμμή 2"
    assert comment.email == ""


@pytest.mark.parametrize("body", ["a\x00b", "a\x1bb", "x" * 3001])
def test_invalid_text_is_refused_even_without_the_form(article, body):
    with pytest.raises(ValidationError):
        post(article, body=body)
    assert Comment.objects.count() == 0


def test_approving_counts_logs_and_refreshes_pages(
    article, moderator, django_capture_on_commit_callbacks
):
    comment = post(article)
    version = scopes.versions_of([scopes.comments(article.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.approve_comment(comment=comment, moderator=moderator)
    assert approved.status == Comment.Status.APPROVED
    assert approved.moderated_by == moderator
    assert approved.moderated_at is not None
    assert refreshed(article).comment_count == 1
    assert scopes.versions_of([scopes.comments(article.pk)]) != version
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.moderator, entry.previous_status) == (
        "approved",
        moderator,
        "pending",
    )
    assert '<a href="' not in approved.body_html or "nofollow" in approved.body_html


def test_approving_twice_counts_once(article, moderator):
    comment = post(article)
    services.approve_comment(comment=comment, moderator=moderator)
    services.approve_comment(comment=comment, moderator=moderator)
    assert refreshed(article).comment_count == 1


def test_rejecting_needs_a_reason_and_uncounts_an_approved_comment(
    article, moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=article)
    with pytest.raises(ValidationError):
        services.reject_comment(comment=comment, moderator=moderator, reason="")
    version = scopes.versions_of([scopes.comments(article.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_comment(
            comment=comment, moderator=moderator, reason="abusive", note="ύβρεις"
        )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    assert refreshed(article).comment_count == 0
    assert scopes.versions_of([scopes.comments(article.pk)]) != version
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.reason, entry.note) == ("rejected", "abusive", "ύβρεις")


def test_marking_spam_logs_the_spam_reason(article, moderator):
    comment = post(article)
    services.mark_spam(comment=comment, moderator=moderator)
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.reason) == ("spam", "spam")


def test_links_become_clickable_only_once_approved(article, moderator):
    comment = post(article, body="Δείτε https://example.org")
    assert "<a" not in comment.body_html
    approved = services.approve_comment(comment=comment, moderator=moderator)
    assert 'rel="nofollow ugc noopener"' in approved.body_html
    hidden = services.reject_comment(comment=approved, moderator=moderator, reason="spam")
    assert "<a" not in hidden.body_html


def test_a_reader_reports_a_comment_once(article):
    comment = CommentFactory(article=article)
    report, created = services.report_comment(comment=comment, ip_hash=BOB, reason="abusive")
    again, created_again = services.report_comment(comment=comment, ip_hash=BOB)
    assert created
    assert not created_again
    assert report.pk == again.pk
    comment.refresh_from_db()
    assert comment.report_count == 1
    assert comment.status == Comment.Status.APPROVED


def test_enough_reports_hide_the_comment_until_reviewed(
    settings, article, moderator, django_capture_on_commit_callbacks
):
    settings.COMMENTS_REPORTS_TO_HIDE = 3
    comment = CommentFactory(article=article)
    version = scopes.versions_of([scopes.comments(article.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            services.report_comment(comment=comment, ip_hash=network.hash_address(f"10.0.0.{n}"))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.report_count == 3
    assert comment.rule.endswith("reports:3")
    assert refreshed(article).comment_count == 0
    assert scopes.versions_of([scopes.comments(article.pk)]) != version
    assert ModerationLogEntry.objects.get().action == "hidden"

    services.approve_comment(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.report_count == 0
    assert refreshed(article).comment_count == 1
    services.report_comment(comment=comment, ip_hash=network.hash_address("10.0.0.0"))
    comment.refresh_from_db()
    assert comment.report_count == 0  # that reader had reported it already


def test_only_shown_comments_can_be_reported(article):
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    with pytest.raises(ValidationError):
        services.report_comment(comment=comment, ip_hash=BOB)
    assert CommentReport.objects.count() == 0


def test_blocking_a_poster_blocks_address_and_email_and_marks_spam(article, moderator):
    comment = post(article, email="troll@example.com")
    services.block_poster(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert set(BlockedAddress.objects.values_list("kind", "value")) == {
        ("ip", ALICE),
        ("email", "troll@example.com"),
    }
    assert post(article, body="ξανά", ip_hash=ALICE).status == Comment.Status.SPAM


@pytest.mark.parametrize(("kind", "value"), [("ip", "not-an-ip"), ("email", "not-an-email")])
def test_blocking_refuses_a_malformed_address(kind, value):
    with pytest.raises(ValidationError):
        services.block_address(kind=kind, value=value)


def test_blocked_ip_is_stored_only_as_its_hash():
    blocked = services.block_address(kind="ip", value="203.0.113.10")
    assert blocked.value == ALICE
    assert "203.0.113.10" not in blocked.value


def test_deleting_comments_takes_their_replies_and_keeps_counts(article):
    first = CommentFactory(article=article)
    reply = CommentFactory(parent=first)
    CommentFactory(parent=reply)
    CommentFactory(parent=first, status="pending")
    kept = CommentFactory(article=article)
    assert refreshed(article).comment_count == 4
    assert services.delete_comments(comments=[first]) >= 4
    assert list(Comment.objects.all()) == [kept]
    assert refreshed(article).comment_count == 1


def shown_on_page(article) -> int:
    """Comments the article page shows (every thread, all levels)."""
    from comments.threads import thread_page

    page = thread_page(refreshed(article), order="oldest", page_number=1)

    def count(nodes):
        return sum(1 + count(node.replies) for node in nodes)

    return count(page.threads)


def test_the_count_follows_what_the_page_shows_when_a_thread_is_hidden(
    settings, article, moderator
):
    settings.COMMENTS_REPORTS_TO_HIDE = 1
    settings.COMMENTS_THREADS_PER_PAGE = 50
    first = CommentFactory(article=article)
    answered = CommentFactory(parent=first)
    CommentFactory(parent=answered)
    other = CommentFactory(parent=first)
    CommentFactory(parent=first, status=Comment.Status.PENDING)
    CommentFactory(article=article)  # another thread
    assert refreshed(article).comment_count == shown_on_page(article) == 5

    services.report_comment(comment=first, ip_hash=BOB)  # hides it, and its replies with it
    assert refreshed(article).comment_count == shown_on_page(article) == 1
    services.reject_comment(comment=answered, moderator=moderator, reason="abusive")
    assert refreshed(article).comment_count == 1  # it was not shown: nothing to take away
    services.approve_comment(comment=first, moderator=moderator)
    # Back with the replies still approved; the rejected one's reply stays out.
    assert refreshed(article).comment_count == shown_on_page(article) == 3
    services.delete_comments(comments=[other])
    assert refreshed(article).comment_count == shown_on_page(article) == 2


def test_an_approved_reply_below_a_hidden_comment_is_not_counted(settings, article):
    settings.COMMENTS_MODERATION = "post"
    CommentFactory(article=article, ip_hash=ALICE)  # Alice is trusted: published at once
    hidden = CommentFactory(article=article, status=Comment.Status.PENDING)
    shown_reply = CommentFactory(parent=hidden)  # approved before its parent was hidden
    before = refreshed(article).comment_count
    reply = post(article, parent=shown_reply, body="Απάντηση σε ένα σχόλιο")
    assert reply.status == Comment.Status.APPROVED
    assert refreshed(article).comment_count == before
    assert post(article, body="Σχόλιο στο άρθρο").status == Comment.Status.APPROVED
    assert refreshed(article).comment_count == before + 1


def test_deleting_a_hidden_thread_leaves_the_count(article, moderator):
    first = CommentFactory(article=article)
    CommentFactory(parent=first)
    services.mark_spam(comment=first, moderator=moderator)
    assert refreshed(article).comment_count == 0
    services.delete_comments(comments=[first])
    assert refreshed(article).comment_count == 0
