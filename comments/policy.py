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

# Readers' reports (README, "Moderation"). A comment is hidden once reports from enough
# different networks (IPv4 /24, IPv6 /48: comments.network) add up to the threshold:
# COMMENTS_REPORTS_TO_HIDE networks, plus one for every REPORTS_TRUSTED_STEP approved
# comments the poster wrote (at most REPORTS_TRUSTED_EXTRA more), so a regular's comment is
# not hidden as cheaply as a newcomer's. Approved comments count once a day old: a burst
# of fresh ones buys nothing.
REPORTS_TRUSTED_STEP = 10
REPORTS_TRUSTED_EXTRA = 3
REPORTS_TRUSTED_MIN_AGE = timedelta(days=1)
# A network whose earlier reports moderators all dismissed (at least this many, each on a
# comment a moderator approved after the report, none on a comment they rejected) weighs
# half a network: it has not lost its voice, but it no longer hides alone what it dislikes.
REPORTS_DISMISSED_MIN = 2
REPORTS_DISMISSED_WEIGHT = 0.5


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


def reports_to_hide(approved_history: int) -> int:
    """Networks (weighted) whose reports hide a comment whose poster has ``approved_history``
    approved comments at least a day old."""
    extra = min(REPORTS_TRUSTED_EXTRA, approved_history // REPORTS_TRUSTED_STEP)
    return settings.COMMENTS_REPORTS_TO_HIDE + extra


def reporter_weight(*, upheld: int, dismissed: int) -> float:
    """How much one network's report weighs, from what moderators made of its earlier ones."""
    if upheld == 0 and dismissed >= REPORTS_DISMISSED_MIN:
        return REPORTS_DISMISSED_WEIGHT
    return 1.0
