"""The editors' home in the admin: drafts (one's own and everyone's), scheduled articles,
who is editing what, and today's most read with a small bar chart drawn here as SVG.

A fixed number of queries whatever the size of the newsroom (tests/articles/test_desk.py):
one for the counts, one per list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import Truncator

from articles.models import Article, EditLock, ReadCount

LIST_LENGTH = 8
MOST_READ_LENGTH = 10
LOCK_FIELDS = [
    "acquired_at", "expires_at", "article__headline", "user__first_name", "user__last_name",
    "user__username",
]  # fmt: skip


@dataclass
class Desk:
    counts: dict[str, int]
    my_drafts: list[Article]
    drafts: list[Article]
    scheduled: list[Article]
    locks: list[EditLock]
    most_read: list[ReadCount]
    chart: Chart


def desk_for(user, *, now: datetime | None = None) -> Desk:
    now = now or timezone.now()
    draft = Q(status=Article.Status.DRAFT)
    counts = Article.objects.aggregate(
        drafts=Count("pk", filter=draft),
        my_drafts=Count("pk", filter=draft & Q(author=user)),
        scheduled=Count("pk", filter=Q(status=Article.Status.PUBLISHED, published_at__gt=now)),
    )
    listed = Article.objects.only(
        "headline", "status", "published_at", "updated_at", "author__first_name",
        "author__last_name", "author__username",
    )  # fmt: skip
    newest_edit = ["-updated_at", "-pk"]
    drafts = listed.filter(status=Article.Status.DRAFT).select_related("author")
    most_read = (
        ReadCount.objects.filter(day=timezone.localdate(now), count__gt=0)
        .select_related("article")
        .only("count", "article__headline")
        .order_by("-count", "article_id")[:MOST_READ_LENGTH]
    )
    most_read = list(most_read)
    return Desk(
        counts=counts,
        my_drafts=list(drafts.filter(author=user).order_by(*newest_edit)[:LIST_LENGTH]),
        drafts=list(drafts.order_by(*newest_edit)[:LIST_LENGTH]),
        scheduled=list(
            listed.scheduled(now)
            .select_related("author")
            .order_by("published_at", "pk")[:LIST_LENGTH]
        ),
        locks=list(
            EditLock.objects.filter(expires_at__gt=now)
            .select_related("article", "user")
            .only(*LOCK_FIELDS)
            .order_by("acquired_at", "pk")
        ),
        most_read=most_read,
        chart=chart(most_read),
    )


# The chart -----------------------------------------------------------------------------

WIDTH = 600
ROW = 26
TOP = 8
LABEL_WIDTH = 290  # the rank and headline, left of the bars
BARS_FROM = LABEL_WIDTH + 10
COUNT_ROOM = 56  # the number written after each bar
LABEL_CHARS = 38


@dataclass
class ChartRow:
    rank: int
    label: str
    count: int
    y: float
    text_y: float
    width: float
    count_x: float


@dataclass
class Chart:
    width: int
    height: int
    rows: list[ChartRow]
    maximum: int
    bars_from: int

    @property
    def is_empty(self) -> bool:
        return not self.rows


def chart(reads: list[ReadCount]) -> Chart:
    """Horizontal bars, most read first; every number is written beside its bar and each
    headline (shortened) beside it, so nothing is told by length or colour alone."""
    maximum = max((row.count for row in reads), default=0)
    room = WIDTH - BARS_FROM - COUNT_ROOM
    rows = []
    for n, row in enumerate(reads):
        width = max(2.0, room * row.count / maximum) if maximum else 0
        y = TOP + n * ROW
        rows.append(
            ChartRow(
                rank=n + 1,
                label=Truncator(row.article.headline).chars(LABEL_CHARS),
                count=row.count,
                y=y + 4,
                text_y=y + ROW / 2,
                width=round(width, 2),
                count_x=round(BARS_FROM + width + 6, 2),
            )
        )
    return Chart(
        width=WIDTH,
        height=TOP * 2 + ROW * len(rows),
        rows=rows,
        maximum=maximum,
        bars_from=BARS_FROM,
    )
