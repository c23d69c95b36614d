"""The transparency figures (DSA Art. 15 and 24) for a period: notices by ground, reports
by reason, decisions by type, the median time to a decision, automated holds by rule,
statements of reasons, appeals and their outcomes. The admin page, its SVG bars and the
CSV export are all drawn from one `figures()`, so they cannot disagree.
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models import (
    Appeal,
    CommentReport,
    IllegalContentNotice,
    LegalGround,
    ModerationLogEntry,
    StatementOfReasons,
)

DEFAULT_DAYS = 30
LONGEST_PERIOD = timedelta(days=3 * 366)

# The holds' rule names (comments.services), without their values.
RULE_NAMES = {
    "pre_moderation": _("pre-moderation"),
    "first_time": _("first comment from this reader"),
    "too_fast": _("sent too soon after the form was shown"),
    "blocked_word": _("blocked word"),
    "links": _("links"),
    "duplicate": _("duplicate of an earlier comment"),
    "flood": _("flood of comments"),
    "blocked_address": _("blocked address"),
    "honeypot": _("hidden field filled in (a program)"),
    "reports": _("hidden by readers’ reports"),
    "cache_unavailable": _("held while the rate limits were unavailable"),
}

HOLDS_BY_RULE = """
    SELECT split_part(code, ':', 1) AS name, count(DISTINCT comment.id)
    FROM comments_comment AS comment
    CROSS JOIN LATERAL unnest(string_to_array(comment.rule, ';')) AS code
    WHERE comment.created_at >= %s AND comment.created_at < %s AND comment.rule <> ''
    GROUP BY 1
"""


@dataclass
class Row:
    key: str
    label: str
    count: int


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    @property
    def bars(self) -> list[dict]:
        """Horizontal bars for the section's SVG: one a row, scaled to the largest."""
        largest = max((row.count for row in self.rows), default=0)
        return [
            {
                "y": n * BAR_STEP,
                "width": round(BAR_WIDTH * row.count / largest, 1) if largest else 0,
                "text_y": n * BAR_STEP + BAR_HEIGHT - 3,
                "row": row,
            }
            for n, row in enumerate(self.rows)
        ]

    @property
    def chart_height(self) -> int:
        return max(1, len(self.rows)) * BAR_STEP


BAR_WIDTH, BAR_HEIGHT, BAR_STEP = 300, 16, 22


@dataclass
class Figures:
    first_day: date
    last_day: date
    sections: list[Section]
    median_notice_hours: float | None
    median_appeal_hours: float | None

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _bounds(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """The period's first and last days, whole, in the site's time zone."""
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(first_day, time.min), zone),
        timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min), zone),
    )


def _counted(queryset, column: str, choices) -> list[Row]:
    """One row for every choice (zeros too), in the choices' order."""
    counts = dict(queryset.values_list(column).annotate(n=Count("pk")).order_by())
    return [Row(value, str(label), counts.get(value, 0)) for value, label in choices]


def _median_hours(queryset, start: str) -> float | None:
    durations = [
        (decided - started).total_seconds() / 3600
        for started, decided in queryset.values_list(start, "decided_at")
    ]
    return round(statistics.median(durations), 1) if durations else None


def figures(first_day: date, last_day: date) -> Figures:
    since, until = _bounds(first_day, last_day)
    received = {"created_at__gte": since, "created_at__lt": until}
    decided = {"decided_at__gte": since, "decided_at__lt": until}
    notices_decided = IllegalContentNotice.objects.filter(**decided)
    appeals_decided = Appeal.objects.filter(**decided)

    with connection.cursor() as cursor:
        cursor.execute(HOLDS_BY_RULE, [since, until])
        holds = dict(cursor.fetchall())
    hold_rows = [Row(name, str(label), holds.pop(name, 0)) for name, label in RULE_NAMES.items()]
    hold_rows += [Row(name, name, count) for name, count in sorted(holds.items())]

    sections = [
        Section(
            "notices_by_ground",
            str(_("Notices of illegal content, by legal ground")),
            _counted(
                IllegalContentNotice.objects.filter(**received), "ground", LegalGround.choices
            ),
        ),
        Section(
            "notices_by_decision",
            str(_("Notices decided, by decision")),
            _counted(notices_decided, "decision", IllegalContentNotice.Decision.choices),
        ),
        Section(
            "reports_by_reason",
            str(_("Readers’ reports, by reason")),
            _counted(
                CommentReport.objects.filter(**received), "reason", CommentReport.Reason.choices
            ),
        ),
        Section(
            "decisions_by_type",
            str(_("Moderation decisions, by type")),
            _counted(
                ModerationLogEntry.objects.filter(**received),
                "action",
                ModerationLogEntry.Action.choices,
            ),
        ),
        Section(
            "holds_by_rule",
            str(_("Comments held by automated rules, by rule")),
            hold_rows,
        ),
        Section(
            "statements_by_decision",
            str(_("Statements of reasons, by decision")),
            _counted(
                StatementOfReasons.objects.filter(**received),
                "decision",
                StatementOfReasons.Decision.choices,
            ),
        ),
        Section(
            "appeals_received",
            str(_("Appeals received, by status")),
            _counted(Appeal.objects.filter(**received), "status", Appeal.Status.choices),
        ),
        Section(
            "appeals_by_outcome",
            str(_("Appeals decided, by outcome")),
            _counted(appeals_decided, "outcome", Appeal.Outcome.choices),
        ),
    ]
    return Figures(
        first_day=first_day,
        last_day=last_day,
        sections=sections,
        median_notice_hours=_median_hours(notices_decided, "created_at"),
        median_appeal_hours=_median_hours(appeals_decided, "created_at"),
    )


def as_csv(report: Figures) -> str:
    """section, item, label, count: every row, each section's total, the two medians."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["first_day", "last_day", "section", "item", "label", "count"])
    period = [report.first_day.isoformat(), report.last_day.isoformat()]
    for section in report.sections:
        for row in section.rows:
            writer.writerow([*period, section.key, row.key, row.label, row.count])
        writer.writerow([*period, section.key, "total", str(_("in all")), section.total])
    for key, value in [
        ("median_hours_to_notice_decision", report.median_notice_hours),
        ("median_hours_to_appeal_decision", report.median_appeal_hours),
    ]:
        writer.writerow([*period, "medians", key, key, "" if value is None else value])
    return out.getvalue()


OPEN_CASES = """
    SELECT (SELECT count(*) FROM comments_illegalcontentnotice WHERE status = 'open'),
           (SELECT count(*) FROM comments_appeal WHERE status = 'open')
"""


def open_cases() -> dict[str, int]:
    """The admin home's DSA numbers, in one query: notices and appeals awaiting a decision."""
    with connection.cursor() as cursor:
        cursor.execute(OPEN_CASES)
        notices, appeals = cursor.fetchone()
    return {"open_notices": notices, "open_appeals": appeals}
