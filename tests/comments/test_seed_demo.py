"""The demo site starts with reader comments in every state a moderator meets."""

import pytest
from django.core.management import call_command

from articles import demo_content
from articles.models import Article
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_seed_adds_threaded_demo_comments_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    assert Comment.objects.count() == len(demo_content.COMMENTS)
    approved = Comment.objects.filter(status="approved")
    assert approved.count() > Comment.objects.count() * 3 // 4
    assert 1 <= Comment.objects.filter(status="pending").count() <= 5
    assert Comment.objects.filter(status="approved", report_count=1).count() == 1
    assert approved.filter(level=2).exists()
    assert approved.exclude(moderated_by=None).filter(moderated_by__username="moderator").exists()
    for reply in Comment.objects.exclude(parent=None).select_related("parent"):
        assert reply.article_id == reply.parent.article_id
        assert reply.created_at > reply.parent.created_at
    for article in Article.objects.filter(comment_count__gt=0):
        assert article.comment_count == article.comments.filter(status="approved").count()

    # Likes and an editors' pick, so "most liked" and the mark show on the demo site.
    assert approved.filter(like_count__gt=0).count() >= 3
    assert approved.filter(is_pick=True, picked_by__username="moderator").count() == 1

    call_command("seed_demo", stdout=None)
    assert Comment.objects.count() == len(demo_content.COMMENTS)
    assert Comment.objects.filter(is_pick=True).count() == 1
