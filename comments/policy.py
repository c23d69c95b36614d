"""The moderation policy the services read: what an article's comments are allowed to do.

Kept as data (settings and two fields on Article), like django-contrib-comments'
CommentModerator: pre- or post-moderation site-wide with a per-article override, and
comments that close by themselves some days after publication. Post-moderation trusts
the rate limits kept in the cache; while the cache is unavailable it falls back to
holding every comment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from articles.models import Article, CommentModeration
from newsportal.caching.backends.redis import cache_available

SAFEGUARDS_KEY = "comments:safeguards"


def moderation_mode(article: Article) -> str:
    """ "pre" or "post" for this article."""
    return article.comment_moderation or settings.COMMENTS_MODERATION


def is_post_moderated(article: Article) -> bool:
    return moderation_mode(article) == CommentModeration.POST


def closes_at(article: Article) -> datetime | None:
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days <= 0 or article.published_at is None:
        return None
    return article.published_at + timedelta(days=days)


def comments_open(article: Article, now: datetime | None = None) -> bool:
    """Readers may comment: the article is published, open, and not past its closing day."""
    now = now or timezone.now()
    if not article.comments_enabled or not article.is_published(now):
        return False
    closing = closes_at(article)
    return closing is None or now < closing


def safeguards_available() -> bool:
    """The rate limits can count (the cache answers), so comments may skip the queue.

    Asks the cache once, so a cache that just went away is noticed here even when nothing
    else in this request touched it, then reads its circuit breaker.
    """
    counters = caches["counters"]
    counters.get(SAFEGUARDS_KEY)
    return cache_available("counters")
