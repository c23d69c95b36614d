"""What the posting rules need to know about a poster, read in one query.

A new comment is screened against four facts: whether the poster's address or e-mail is
blocked, whether they posted the same text lately, how many comments they posted in the
last hour and whether any of theirs was ever approved. Asked one by one they were four
round trips and four statements for PostgreSQL to plan on every comment, a third of
what a comment cost under a breaking-news flood; here each is still an ORM query (the
same filters and indexes), asked as columns of one SELECT.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, F, Func, Q, Subquery

from articles.models import Article
from comments.models import BlockedAddress, Comment


class PosterRecord(NamedTuple):
    blocked: bool
    posted_same_text: bool
    last_hour: int  # counted up to just past COMMENTS_FLOOD_PER_HOUR
    ever_approved: bool


def poster_record(
    *, article: Article, ip_hash: str, email: str, body: str, now: datetime
) -> PosterRecord:
    blocked = Q(kind=BlockedAddress.Kind.IP, value=ip_hash)
    if email:
        blocked |= Q(kind=BlockedAddress.Kind.EMAIL, value=email)
    poster = Comment.objects.from_poster(ip_hash=ip_hash, email=email)
    duplicate_since = now - timedelta(hours=settings.COMMENTS_DUPLICATE_HOURS)
    # Counting stops just past the limit: a flooder's thousands of rows are never all read.
    recent = poster.filter(created_at__gte=now - timedelta(hours=1)).values("pk")[
        : settings.COMMENTS_FLOOD_PER_HOUR + 1
    ]
    counted = (
        Comment.objects.filter(pk__in=recent).order_by().values(n=Func(F("pk"), function="COUNT"))
    )
    # Asked as columns of the article's own row: one row for sure, one statement.
    row = (
        Article.objects.filter(pk=article.pk)
        .annotate(
            blocked=Exists(BlockedAddress.objects.filter(blocked)),
            same=Exists(poster.filter(created_at__gte=duplicate_since).same_text_as(body)),
            last_hour=Subquery(counted),
            approved=Exists(poster.approved()),
        )
        .values_list("blocked", "same", "last_hour", "approved")
        .get()
    )
    blocked_row, same, last_hour, approved = row
    return PosterRecord(bool(blocked_row), bool(same), int(last_hour or 0), bool(approved))
