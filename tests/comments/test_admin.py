"""Moderators work in the admin: the queue, filters, decisions in bulk and one by one."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments import network
from comments.models import BlockedAddress, BlockedWord, Comment, ModerationLogEntry
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


@pytest.fixture
def moderating(client, moderator):
    client.force_login(moderator)
    return client


def listed(response) -> list[Comment]:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_the_queue_shows_pending_comments_oldest_first(moderating, article):
    now = timezone.now()
    newer = CommentFactory(article=article, status="pending", created_at=now - timedelta(hours=1))
    older = CommentFactory(article=article, status="pending", created_at=now - timedelta(hours=5))
    CommentFactory(article=article)  # approved: not in the queue
    assert listed(moderating.get(CHANGELIST)) == [older, newer]


def test_the_queue_shows_article_parent_and_the_rule_that_held_each_comment(moderating, article):
    parent = CommentFactory(article=article, name="Νίκος", body="Το αρχικό σχόλιο")
    CommentFactory(parent=parent, status="pending", rule="blocked_word:βλάκας;links:3")
    html = moderating.get(CHANGELIST).content.decode()
    assert article.headline in html
    assert "<strong>Νίκος</strong>: Το αρχικό σχόλιο" in html
    assert "απαγορευμένη λέξη: βλάκας, 3 σύνδεσμοι" in html


def test_filters_by_status_reports_article_and_search(moderating, article):
    other = ArticleFactory()
    approved = CommentFactory(article=article, body="Για τον πληθωρισμό")
    reported = CommentFactory(article=article, report_count=1)
    hidden = CommentFactory(article=other, status="pending", report_count=3, email="x@example.com")
    rejected = CommentFactory(article=other, status="rejected")
    assert set(listed(moderating.get(CHANGELIST, {"status": "approved"}))) == {approved, reported}
    assert set(listed(moderating.get(CHANGELIST, {"reported": "yes"}))) == {reported, hidden}
    assert listed(moderating.get(CHANGELIST, {"status": "rejected"})) == [rejected]
    assert len(listed(moderating.get(CHANGELIST, {"status": "all"}))) == 4
    by_article = listed(
        moderating.get(CHANGELIST, {"status": "all", "article__id__exact": other.pk})
    )
    assert set(by_article) == {hidden, rejected}
    assert listed(moderating.get(CHANGELIST, {"status": "all", "q": "πληθωρισμό"})) == [approved]
    assert listed(moderating.get(CHANGELIST, {"q": "x@example.com"})) == [hidden]
    day = timezone.localdate()
    assert listed(
        moderating.get(CHANGELIST, {"status": "all", "created_at__day": day.day,
                                    "created_at__month": day.month, "created_at__year": day.year})
    )  # fmt: skip


def bulk(client, action, comments, **extra):
    data = {"action": action, "_selected_action": [c.pk for c in comments], **extra}
    return client.post(f"{CHANGELIST}?status=all", data, follow=True)


def test_bulk_approve_records_who_and_when_and_counts(moderating, moderator, article):
    comments = [CommentFactory(article=article, status="pending") for _ in range(3)]
    bulk(moderating, "approve_selected", comments)
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}
    assert set(Comment.objects.values_list("moderated_by", flat=True)) == {moderator.pk}
    assert Article.objects.get(pk=article.pk).comment_count == 3
    assert ModerationLogEntry.objects.filter(action="approved", moderator=moderator).count() == 3


def test_bulk_reject_needs_a_reason_code(moderating, moderator, article):
    comments = [CommentFactory(article=article, status="pending") for _ in range(2)]
    response = bulk(moderating, "reject_selected", comments)
    assert "Επιλέξτε αιτία" in response.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}
    bulk(moderating, "reject_selected", comments, reason="off_topic")
    assert set(Comment.objects.values_list("status", flat=True)) == {"rejected"}
    assert set(ModerationLogEntry.objects.values_list("reason", flat=True)) == {"off_topic"}


def test_bulk_spam_and_block(moderating, moderator, article):
    spam = CommentFactory(article=article, status="pending")
    troll = CommentFactory(article=article, status="pending", email="troll@example.com")
    bulk(moderating, "spam_selected", [spam])
    bulk(moderating, "block_selected", [troll])
    assert Comment.objects.get(pk=spam.pk).status == "spam"
    assert Comment.objects.get(pk=troll.pk).status == "spam"
    assert BlockedAddress.objects.filter(kind="email", value="troll@example.com").exists()
    assert BlockedAddress.objects.filter(kind="ip", value=troll.ip_hash).exists()


def test_one_comment_is_moderated_from_its_own_page(moderating, moderator, article):
    comment = CommentFactory(article=article, status="pending", body="Ένα σχόλιο")
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    page = moderating.get(url).content.decode()
    assert 'name="_moderation" value="approve"' in page
    assert "Ένα σχόλιο" in page
    refused = moderating.post(url, {"_moderation": "reject", "reason": ""}, follow=True)
    assert "Επιλέξτε αιτία" in refused.content.decode()
    moderating.post(url, {"_moderation": "reject", "reason": "illegal", "note": "δυσφήμιση"})
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.reason, entry.note, entry.moderator) == (
        "rejected", "illegal", "δυσφήμιση", moderator,
    )  # fmt: skip
    moderating.post(url, {"_moderation": "approve"})
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    assert "δυσφήμιση" in moderating.get(url).content.decode()  # the log, on the comment page


def test_moderators_see_the_log_but_cannot_change_it(moderating, moderator, article):
    comment = CommentFactory(article=article, status="pending")
    bulk(moderating, "approve_selected", [comment])
    log = moderating.get(reverse("admin:comments_moderationlogentry_changelist"))
    assert log.status_code == 200
    assert moderator.username in log.content.decode()
    entry = ModerationLogEntry.objects.get()
    change = moderating.post(reverse("admin:comments_moderationlogentry_change", args=[entry.pk]))
    assert change.status_code == 403


def test_moderators_edit_blocked_words_and_addresses(moderating):
    response = moderating.post(
        reverse("admin:comments_blockedword_add"), {"phrase": "Βλάκας"}, follow=True
    )
    assert response.status_code == 200
    assert BlockedWord.objects.get().normalised == "βλακασ"
    moderating.post(
        reverse("admin:comments_blockedaddress_add"),
        {"kind": "ip", "value": "203.0.113.66", "note": "κατακλυσμός"},
    )
    moderating.post(
        reverse("admin:comments_blockedaddress_add"),
        {"kind": "email", "value": "Spam@Example.com", "note": ""},
    )
    stored = dict(BlockedAddress.objects.values_list("kind", "value"))
    assert stored == {"ip": network.hash_address("203.0.113.66"), "email": "spam@example.com"}
    bad = moderating.post(
        reverse("admin:comments_blockedaddress_add"), {"kind": "ip", "value": "όχι-IP", "note": ""}
    )
    assert bad.status_code == 200
    assert BlockedAddress.objects.count() == 2


def test_moderators_cannot_add_or_delete_comments_nor_touch_articles(moderating, article):
    comment = CommentFactory(article=article)
    assert moderating.get(reverse("admin:comments_comment_add")).status_code == 403
    assert (
        moderating.get(reverse("admin:comments_comment_delete", args=[comment.pk])).status_code
        == 403
    )
    assert "delete_selected" not in moderating.get(CHANGELIST).context[
        "cl"
    ].model_admin.get_actions(moderating.get(CHANGELIST).wsgi_request)
    for url in [
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_category_change", args=[CategoryFactory().pk]),
        reverse("admin:articles_article_add"),
        reverse("admin:auth_user_changelist"),
    ]:
        assert moderating.get(url).status_code == 403, url


def test_the_moderators_group_has_only_comment_rights():
    codenames = set(Group.objects.get(name="Moderators").permissions.values_list(
        "content_type__app_label", "codename"))  # fmt: skip
    assert {app for app, _ in codenames} == {"comments"}
    assert ("comments", "change_comment") in codenames
    assert ("comments", "delete_comment") not in codenames


def test_editors_cannot_moderate(client, article):
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(CHANGELIST).status_code == 403


def test_hostile_comments_are_inert_in_the_admin(moderating, article):
    CommentFactory(article=article, status="pending", name="<img src=x onerror=alert(1)>",
                   body="<script>alert(1)</script>")  # fmt: skip
    html = moderating.get(CHANGELIST).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_block_lists_have_working_pages(moderating):
    word = BlockedWord.objects.create(phrase="απάτη")
    from comments import services

    blocked = services.block_address(kind="ip", value="198.51.100.4", note="μαζικά μηνύματα")
    for url in [
        reverse("admin:comments_blockedword_changelist"),
        reverse("admin:comments_blockedword_change", args=[word.pk]),
        reverse("admin:comments_blockedaddress_changelist"),
        reverse("admin:comments_blockedaddress_change", args=[blocked.pk]),
    ]:
        response = moderating.get(url)
        assert response.status_code == 200, url
        assert "198.51.100.4" not in response.content.decode()


def test_a_superuser_deleting_comments_keeps_the_counts(client, article):
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    doomed = CommentFactory(article=article)
    CommentFactory(article=article)
    bulk(client, "delete_selected", [doomed], post="yes")
    assert Comment.objects.count() == 1
    assert Article.objects.get(pk=article.pk).comment_count == 1
