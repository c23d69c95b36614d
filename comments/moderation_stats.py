"""What the moderators' pages count: the queue for the admin home, a poster's history, and
the decisions per moderator per day with their chart (an SVG drawn here, on the server).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format

from comments.models import Comment, ModerationLogEntry

DECISIONS = [
    ModerationLogEntry.Action.APPROVED,
    ModerationLogEntry.Action.REJECTED,
    ModerationLogEntry.Action.SPAM,
]
# Eight colours told apart with the common colour blindnesses (Okabe and Ito's set).
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000"]


def queue_counts() -> dict[str, int]:
    """The admin home's two numbers: comments awaiting a moderator, and readers' reports
    not yet decided (on comments still shown or held; a rejection settles them)."""
    pending = Comment.objects.filter(status=Comment.Status.PENDING).count()
    open_reports = Comment.objects.filter(
        status__in=[Comment.Status.PENDING, Comment.Status.APPROVED], report_count__gt=0
    ).aggregate(reports=Sum("report_count"), comments=Count("pk"))
    return {
        "pending": pending,
        "open_reports": open_reports["reports"] or 0,
        "reported_comments": open_reports["comments"],
    }


def poster_counts(comments) -> dict[str, int]:
    """How many of a poster's comments are in each status, and in all."""
    counts = comments.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in Comment.Status.values},
    )
    return counts


@dataclass
class ModeratorDay:
    moderator: str
    approved: int = 0
    rejected: int = 0
    spam: int = 0

    @property
    def total(self) -> int:
        return self.approved + self.rejected + self.spam


@dataclass
class Day:
    day: date
    rows: list[ModeratorDay] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def moderator_name(first_name: str, last_name: str, username: str) -> str:
    return f"{first_name} {last_name}".strip() or username


def decisions_by_day(*, days: int, today: date | None = None) -> list[Day]:
    """Every day of the period (oldest first, empty days too) with each moderator's
    approvals, rejections and spam marks, counted in the site's time zone. Comments
    hidden by readers' reports are no moderator's decision and are left out."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(first, time.min), zone)
    until = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min), zone)
    rows = (
        ModerationLogEntry.objects.filter(
            moderator__isnull=False,
            action__in=DECISIONS,
            created_at__gte=since,
            created_at__lt=until,
        )
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values(
            "day",
            "moderator_id",
            "moderator__username",
            "moderator__first_name",
            "moderator__last_name",
        )
        .annotate(
            **{action: Count("pk", filter=Q(action=action)) for action in DECISIONS},
        )
        .order_by("day", "moderator__username")
    )
    by_day = {first + timedelta(days=n): Day(first + timedelta(days=n)) for n in range(days)}
    for row in rows:
        by_day[row["day"]].rows.append(
            ModeratorDay(
                moderator=moderator_name(
                    row["moderator__first_name"],
                    row["moderator__last_name"],
                    row["moderator__username"],
                ),
                approved=row["approved"],
                rejected=row["rejected"],
                spam=row["spam"],
            )
        )
    return list(by_day.values())


# The chart ---------------------------------------------------------------------------------

CHART_HEIGHT = 240
PLOT_TOP = 24
PLOT_BOTTOM = 200
LEFT = 44
RIGHT = 12


@dataclass
class Bar:
    x: float
    width: float
    centre: float
    label: str
    show_label: bool
    total: int
    total_y: float
    segments: list[dict]


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    moderators: list[dict]
    maximum: int
    axis_y: float
    plot_top: float
    left: float
    label_y: float

    @property
    def is_empty(self) -> bool:
        return self.maximum == 0


def chart(days: list[Day]) -> Chart:
    """Stacked bars, one a day, one colour a moderator; every number is in the geometry
    (a rect's height and its <title>) and in text (the total above each bar)."""
    names = sorted({row.moderator for day in days for row in day.rows})
    colours = {name: PALETTE[n % len(PALETTE)] for n, name in enumerate(names)}
    maximum = max((day.total for day in days), default=0)
    slot = max(22, min(64, 640 // max(1, len(days))))
    width = LEFT + slot * len(days) + RIGHT
    plot = PLOT_BOTTOM - PLOT_TOP
    scale = plot / maximum if maximum else 0
    # Day labels need about 34 units: on narrow bars every other (or third) day is written,
    # counting back from the last, which always is.
    step = -(-34 // slot)
    bars = []
    for n, day in enumerate(days):
        x = LEFT + n * slot + slot * 0.15
        bar_width = slot * 0.7
        y = float(PLOT_BOTTOM)
        segments = []
        for row in sorted(day.rows, key=lambda r: r.moderator):
            height = row.total * scale
            y -= height
            segments.append(
                {
                    "y": round(y, 2),
                    "height": round(height, 2),
                    "colour": colours[row.moderator],
                    "moderator": row.moderator,
                    "total": row.total,
                }
            )
        bars.append(
            Bar(
                x=round(x, 2),
                width=round(bar_width, 2),
                centre=round(x + bar_width / 2, 2),
                label=date_format(day.day, "d/m"),
                show_label=(len(days) - 1 - n) % step == 0,
                total=day.total,
                total_y=round(y - 4, 2),
                segments=segments,
            )
        )
    return Chart(
        width=width,
        height=CHART_HEIGHT,
        bars=bars,
        moderators=[{"name": name, "colour": colours[name]} for name in names],
        maximum=maximum,
        axis_y=PLOT_BOTTOM,
        plot_top=PLOT_TOP,
        left=LEFT,
        label_y=PLOT_BOTTOM + 16,
    )
