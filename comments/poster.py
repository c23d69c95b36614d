"""What the posting rules need to know about a poster first, read in one query.

A new comment is screened against three facts about its poster: whether their address
or e-mail is blocked, whether they posted the same text lately, and how many comments
they posted in the last hour. Asked one by one they were three round trips and three
statements for PostgreSQL to plan on every comment; here each is still an ORM query (the
same filters and indexes) and one SELECT asks them all. Whether any of the poster's
comments was ever approved is asked apart, and only when no rule held the comment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connections, router
from django.db.models import Q

from comments.models import BlockedAddress, Comment


class PosterRecord(NamedTuple):
    blocked: bool
    posted_same_text: bool
    last_hour: int  # counted up to just past COMMENTS_FLOOD_PER_HOUR


def poster_record(*, ip_hash: str, email: str, body: str, now: datetime) -> PosterRecord:
    """The facts about a poster (their comments on any article count). Whether any of
    theirs was ever approved is not among them: with no index of approvals by address it
    walks a busy address's every comment, so it is asked only when it decides (services)."""
    blocked = Q(kind=BlockedAddress.Kind.IP, value=ip_hash)
    if email:
        blocked |= Q(kind=BlockedAddress.Kind.EMAIL, value=email)
    poster = Comment.objects.from_poster(ip_hash=ip_hash, email=email)
    duplicate_since = now - timedelta(hours=settings.COMMENTS_DUPLICATE_HOURS)
    # Counting stops just past the limit: a flooder's thousands of rows are never all read.
    flood_limit = settings.COMMENTS_FLOOD_PER_HOUR + 1
    alias = router.db_for_read(Comment)
    # The EXISTS questions unordered, as exists() asks them (with the model's ordering
    # PostgreSQL walked a busy address's every comment by date to find one by its text);
    # the last hour counted in date order, as count() keeps a slice's ordering (through
    # the address's index by date, never a scan of the table).
    unordered = poster.order_by()
    parts = [
        ("EXISTS({})", BlockedAddress.objects.filter(blocked).order_by().values("pk")[:1]),
        ("EXISTS({})", unordered.filter(created_at__gte=duplicate_since).same_text_as(body)
         .values("pk")[:1]),
        ("(SELECT COUNT(*) FROM ({}) AS recent)",
         poster.filter(created_at__gte=now - timedelta(hours=1)).values("pk")[:flood_limit]),
    ]  # fmt: skip
    columns, params = [], []
    for template, queryset in parts:
        sql, query_params = queryset.query.get_compiler(using=alias).as_sql()
        columns.append(template.format(sql))
        params.extend(query_params)
    with connections[alias].cursor() as cursor:
        # The text joined here is the ORM's own compiled SQL of the querysets above; every
        # value stays a query parameter. (As annotations of one row the ORM took longer to
        # compile them than to run them apart.)
        cursor.execute(f"SELECT {', '.join(columns)}", params)  # nosemgrep
        blocked_row, same, last_hour = cursor.fetchone()
    return PosterRecord(bool(blocked_row), bool(same), int(last_hour))
