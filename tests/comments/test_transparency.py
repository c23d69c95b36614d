"""The transparency figures (DSA Art. 24) add up: a known set of notices, reports,
decisions, holds, statements and appeals inside and outside a period gives the same
numbers on the admin page, in its CSV export and in the rows themselves."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.dsa import transparency
from comments.models import (
    Appeal,
    CommentReport,
    IllegalContentNotice,
    ModerationLogEntry,
    StatementOfReasons,
)
from tests.comments.test_dsa import make_moderator
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:comments_transparency")
CSV = reverse("admin:comments_transparency_csv")


def notice(comment, *, ground, created_at, decision="", hours=0, moderator=None):
    decided = decision != ""
    return IllegalContentNotice.objects.create(
        comment=comment,
        comment_ref=comment.pk,
        comment_url=f"https://example.gr/x/#comment-{comment.pk}",
        comment_text=comment.body,
        ground=ground,
        explanation="Ένα παράνομο σχόλιο, για τον λόγο που εξηγώ εδώ.",
        good_faith=True,
        ip_hash="e" * 64,
        created_at=created_at,
        status="decided" if decided else "open",
        decision=decision,
        decided_by=moderator if decided else None,
        decided_at=created_at + timedelta(hours=hours) if decided else None,
    )


@pytest.fixture
def known_set():
    """Inside the last ten days, and (never counted) sixty days ago."""
    now = timezone.now()
    inside, outside = now - timedelta(days=2), now - timedelta(days=60)
    moderator = make_moderator("eleni")
    held = [
        CommentFactory(created_at=inside, rule="first_time;links:3"),
        CommentFactory(created_at=inside, rule="first_time"),
        CommentFactory(created_at=inside, rule="reports:3"),
        CommentFactory(created_at=outside, rule="first_time"),
    ]
    notice(
        held[0], ground="hate", created_at=inside, decision="illegal", hours=2, moderator=moderator
    )
    notice(held[1], ground="hate", created_at=inside, decision="none", hours=4, moderator=moderator)
    notice(held[2], ground="privacy", created_at=inside)
    notice(
        held[3], ground="fraud", created_at=outside, decision="none", hours=1, moderator=moderator
    )
    for n, (reason, when) in enumerate(
        [("abusive", inside), ("abusive", inside), ("spam", inside), ("illegal", outside)]
    ):
        CommentReport.objects.create(
            comment=held[0], ip_hash=f"{n:064x}", reason=reason, created_at=when
        )
    entries = [
        ("approved", "", inside),
        ("rejected", "abusive", inside),
        ("spam", "spam", inside),
        ("hidden", "", inside),
        ("rejected", "other", outside),
    ]
    for action, reason, when in entries:
        ModerationLogEntry.objects.create(
            comment=held[1],
            moderator=None if action == "hidden" else moderator,
            action=action,
            reason=reason,
            previous_status="approved",
            created_at=when,
        )
    # The log entries issued their statements (rejected, spam, hidden inside; one outside).
    inside_statements = StatementOfReasons.objects.filter(created_at=inside).order_by("pk")
    first, second = inside_statements[0], inside_statements[1]
    Appeal.objects.create(
        statement=first,
        explanation="Δεν ήταν προσβλητικό.",
        created_at=inside,
        status="decided",
        outcome="reinstated",
        decided_by=moderator,
        decided_at=inside + timedelta(hours=6),
    )
    Appeal.objects.create(statement=second, explanation="Ήταν κριτική.", created_at=inside)
    return moderator


def read_csv(text: str) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    by_section: dict[str, dict[str, str]] = {}
    for row in rows:
        by_section.setdefault(row["section"], {})[row["item"]] = row["count"]
    return by_section


def test_the_figures_count_the_period_only(known_set):
    first, last = transparency.default_period()
    figures = transparency.figures(first, last)
    counts = {s.key: {r.key: r.count for r in s.rows if r.count} for s in figures.sections}
    assert counts["notices_by_ground"] == {"hate": 2, "privacy": 1}
    assert counts["notices_by_decision"] == {"illegal": 1, "none": 1}
    assert counts["reports_by_reason"] == {"abusive": 2, "spam": 1}
    assert counts["decisions_by_type"] == {"approved": 1, "rejected": 1, "spam": 1, "hidden": 1}
    assert counts["holds_by_rule"] == {"first_time": 2, "links": 1, "reports": 1}
    assert counts["statements_by_decision"] == {"rejected": 1, "spam": 1, "hidden": 1}
    assert counts["appeals_received"] == {"open": 1, "decided": 1}
    assert counts["appeals_by_outcome"] == {"reinstated": 1}
    assert figures.median_notice_hours == 3.0
    assert figures.median_appeal_hours == 6.0


def test_the_page_and_the_csv_agree_with_each_other_and_with_the_rows(client, known_set):
    client.force_login(known_set)
    first, last = transparency.default_period()
    period = {"first_day": first.isoformat(), "last_day": last.isoformat()}
    page = client.get(PAGE, period)
    assert page.status_code == 200
    html = page.content.decode()
    exported = client.get(CSV, period)
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in exported["Content-Disposition"]
    by_section = read_csv(exported.content.decode())
    for section in page.context["figures"].sections:
        rows = by_section[section.key]
        items = {key: int(value) for key, value in rows.items() if key != "total"}
        assert sum(items.values()) == int(rows["total"]) == section.total
        assert items == {row.key: row.count for row in section.rows}
        assert f'<td class="total">{section.total}</td>' in html
    assert by_section["notices_by_ground"]["total"] == str(
        IllegalContentNotice.objects.filter(created_at__date__gte=first).count()
    )
    assert by_section["medians"]["median_hours_to_notice_decision"] == "3.0"
    assert "<svg" in html


def test_a_period_outside_everything_counts_nothing(client, known_set):
    client.force_login(known_set)
    exported = client.get(CSV, {"first_day": "2001-01-01", "last_day": "2001-01-31"})
    for section in read_csv(exported.content.decode()).values():
        assert all(value in {"0", ""} for value in section.values())


def test_a_bad_period_falls_back_to_the_last_thirty_days_with_an_error(client, known_set):
    client.force_login(known_set)
    page = client.get(PAGE, {"first_day": "2026-02-10", "last_day": "2026-01-01"})
    assert page.status_code == 200
    assert "Η περίοδος τελειώνει πριν αρχίσει." in page.content.decode()
    first, _last = transparency.default_period()
    assert page.context["figures"].first_day == first
    garbage = client.get(PAGE, {"first_day": "χθες", "last_day": "<script>"})
    assert garbage.status_code == 200


def test_only_staff_with_the_permission_see_the_figures(client):
    clerk = UserFactory(username="clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403
    client.force_login(make_moderator("eleni"))
    assert client.get(PAGE).status_code == 200
