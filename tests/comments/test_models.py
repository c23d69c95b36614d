"""Invariants the database keeps whatever path a row takes."""

import pytest
from django.db import IntegrityError, transaction

from comments.models import Comment, describe_rule
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_a_reply_needs_a_level_and_a_first_comment_none(article):
    root = CommentFactory(article=article)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Comment.objects.filter(pk=root.pk).update(level=1)
    reply = CommentFactory(parent=root)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Comment.objects.filter(pk=reply.pk).update(level=0)


def test_the_database_refuses_over_long_bodies_and_unknown_statuses(article):
    comment = CommentFactory(article=article)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Comment.objects.filter(pk=comment.pk).update(body="x" * 3001)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Comment.objects.filter(pk=comment.pk).update(status="published")


def test_a_form_nonce_is_used_once(article):
    CommentFactory(article=article, form_nonce="once")
    with transaction.atomic(), pytest.raises(IntegrityError):
        CommentFactory(article=article, form_nonce="once")


def test_the_approved_counter_cannot_go_negative(article):
    from articles.models import Article

    with transaction.atomic(), pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(comment_count=-1)


def test_rules_are_described_for_moderators():
    assert describe_rule("links:4") == "4 σύνδεσμοι"
    assert describe_rule("unknown:1") == "unknown:1"
    assert describe_rule("pre_moderation") == "προέγκριση"
