"""The moderators' faster queue: its default content, decisions by keyboard (the JSON
endpoint the script posts to), a poster's history, the numbers on the admin home and the
decisions per moderator per day with their SVG chart."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment, ModerationLogEntry
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def moderating(client, moderator):
    client.force_login(moderator)
    return client


def listed(response) -> list[Comment]:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def decide_url(comment) -> str:
    return reverse("admin:comments_comment_decide", args=[comment.pk])


# The queue's default view -------------------------------------------------------------------


def test_the_default_queue_holds_pending_and_reported_comments_oldest_first(moderating, article):
    now = timezone.now()
    pending_new = CommentFactory(article=article, status="pending", created_at=now)
    reported = CommentFactory(article=article, report_count=2, created_at=now - timedelta(hours=2))
    hidden = CommentFactory(
        article=article, status="pending", report_count=3, created_at=now - timedelta(hours=3)
    )
    pending_old = CommentFactory(article=article, status="pending", created_at=now - timedelta(1))
    CommentFactory(article=article)  # approved, no reports
    CommentFactory(article=article, status="rejected", report_count=4)  # reports settled
    CommentFactory(article=article, status="spam")

    assert listed(moderating.get(CHANGELIST)) == [pending_old, hidden, reported, pending_new]
    html = moderating.get(CHANGELIST).content.decode()
    assert "Προς έλεγχο: σε αναμονή ή με αναφορές" in html
    # The other statuses stay one click away.
    assert listed(moderating.get(CHANGELIST, {"status": "pending"})) == [
        pending_old,
        hidden,
        pending_new,
    ]


def test_the_queue_shows_the_keyboard_legend_the_dialogs_and_our_script(moderating, article):
    CommentFactory(article=article, status="pending")
    html = moderating.get(CHANGELIST).content.decode()
    assert 'id="moderation-legend"' in html
    assert "<kbd>j</kbd> επόμενο σχόλιο" in html
    assert "<kbd>r</kbd> απόρριψη, με αιτιολογία" in html
    assert 'id="moderation-announce" role="status" aria-live="polite"' in html
    assert '<dialog id="moderation-reject"' in html
    assert '<dialog id="moderation-help"' in html
    assert "js/admin-moderation-queue.js" in html
    assert "<script>" not in html  # no inline script: the admin's CSP forbids them
    assert 'data-decide-url="/admin/comments/comment/{id}/decide/"' in html


def test_a_viewer_without_the_right_to_decide_gets_no_keyboard(client, article):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(*Group.objects.get(name="Moderators").permissions.all())
    viewer.user_permissions.remove(*viewer.user_permissions.filter(codename="change_comment"))
    client.force_login(viewer)
    CommentFactory(article=article, status="pending")
    html = client.get(CHANGELIST).content.decode()
    assert "moderation-legend" not in html


# Decisions from the keyboard -----------------------------------------------------------------


def test_the_keyboard_decisions_go_through_the_services(moderating, moderator, article):
    approve, reject, spam = (CommentFactory(article=article, status="pending") for _ in "abc")
    shown_before = article.__class__.objects.get(pk=article.pk).comment_count

    answer = moderating.post(decide_url(approve), {"decision": "approve"})
    assert answer.status_code == 200
    assert answer.json()["status"] == "approved"
    assert answer.json()["status_label"] == "Εγκεκριμένο"
    assert answer.json()["message"] == f"Εγκρίθηκε: το σχόλιο από «{approve.name}»."

    answer = moderating.post(decide_url(reject), {"decision": "reject", "reason": "off_topic"})
    assert answer.json()["status"] == "rejected"
    answer = moderating.post(decide_url(spam), {"decision": "spam"})
    assert answer.json()["status"] == "spam"

    log = {e.comment_id: e for e in ModerationLogEntry.objects.all()}
    assert log[approve.pk].action == "approved"
    assert (log[reject.pk].action, log[reject.pk].reason) == ("rejected", "off_topic")
    assert log[spam.pk].action == "spam"
    assert {e.moderator_id for e in log.values()} == {moderator.pk}
    # The counter of comments readers see moved as the services move it.
    assert article.__class__.objects.get(pk=article.pk).comment_count == shown_before + 1


def test_a_rejection_without_a_reason_changes_nothing(moderating, article):
    comment = CommentFactory(article=article, status="pending")
    answer = moderating.post(decide_url(comment), {"decision": "reject"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "Επιλέξτε αιτία για την απόρριψη."
    assert moderating.post(decide_url(comment), {"decision": "delete"}).status_code == 400
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert not ModerationLogEntry.objects.exists()


def test_the_decision_endpoint_needs_post_csrf_and_the_right_to_moderate(
    client, moderator, article
):
    comment = CommentFactory(article=article, status="pending")
    client.force_login(moderator)
    assert client.get(decide_url(comment)).status_code == 405

    from django.test import Client

    checked = Client(enforce_csrf_checks=True)
    checked.force_login(moderator)
    assert checked.post(decide_url(comment), {"decision": "approve"}).status_code == 403

    viewer = UserFactory(username="viewer2", is_staff=True)
    viewer.user_permissions.add(
        *Group.objects.get(name="Moderators").permissions.exclude(codename="change_comment")
    )
    client.force_login(viewer)
    assert client.post(decide_url(comment), {"decision": "approve"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


# A poster's history -----------------------------------------------------------------------------


def test_the_posters_history_lists_every_comment_by_address_or_email_with_counts(
    moderating, moderator, article
):
    ip = "a" * 64
    this = CommentFactory(article=article, status="pending", ip_hash=ip, email="p@example.com")
    same_ip = [
        CommentFactory(article=article, ip_hash=ip),
        CommentFactory(article=article, ip_hash=ip),
        CommentFactory(article=article, ip_hash=ip, status="rejected"),
    ]
    same_email = [
        CommentFactory(article=ArticleFactory(), email="p@example.com", status="rejected"),
        CommentFactory(article=article, email="p@example.com", status="spam"),
    ]
    someone_else = CommentFactory(article=article, body="Άλλος αναγνώστης εδώ")

    # One click away: every row of the queue links to it.
    queue = moderating.get(CHANGELIST).content.decode()
    url = reverse("admin:comments_comment_poster", args=[this.pk])
    assert f'<a class="poster-history" href="{url}">ιστορικό</a>' in queue

    response = moderating.get(url)
    assert response.status_code == 200
    assert {c.pk for c in response.context["comments"]} == {
        this.pk,
        *(c.pk for c in same_ip + same_email),
    }
    assert someone_else.pk not in {c.pk for c in response.context["comments"]}
    counts = response.context["counts"]
    assert (counts["total"], counts["approved"], counts["rejected"]) == (6, 2, 2)
    assert (counts["spam"], counts["pending"]) == (1, 1)
    html = response.content.decode()
    assert '<dd data-count="total">6</dd>' in html
    assert "<dt>Εγκεκριμένο</dt><dd>2</dd>" in html
    assert "<dt>Απορριφθέν</dt><dd>2</dd>" in html
    assert "Άλλος αναγνώστης" not in html


def test_the_posters_history_without_email_matches_the_address_only(moderating, article):
    this = CommentFactory(article=article, status="pending", ip_hash="b" * 64)
    CommentFactory(article=article)  # an empty e-mail matches nothing
    response = moderating.get(reverse("admin:comments_comment_poster", args=[this.pk]))
    assert [c.pk for c in response.context["comments"]] == [this.pk]
    assert (
        moderating.get(reverse("admin:comments_comment_poster", args=[999999])).status_code == 404
    )


def test_the_posters_history_is_for_staff_only(client, article):
    comment = CommentFactory(article=article)
    url = reverse("admin:comments_comment_poster", args=[comment.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(username="plainstaff", is_staff=True))
    assert client.get(url).status_code == 403


# The admin home ---------------------------------------------------------------------------------


def test_the_admin_home_shows_pending_comments_and_open_reports(moderating, article):
    for _ in range(3):
        CommentFactory(article=article, status="pending")
    CommentFactory(article=article, status="pending", report_count=3)  # hidden by reports
    CommentFactory(article=article, report_count=2)  # still shown, reported
    CommentFactory(article=article, status="rejected", report_count=5)  # settled
    response = moderating.get(reverse("admin:index"))
    html = response.content.decode()
    assert 'data-count="pending">4 σχόλια σε αναμονή έγκρισης</a>' in html
    assert 'data-count="open-reports">5 ανοιχτές αναφορές</a>' in html
    assert "(σε 2 σχόλια)" in html
    assert reverse("admin:comments_moderationlogentry_decisions") in html


def test_the_admin_home_counts_cost_two_queries_and_only_moderators_see_them(
    client, moderator, article, django_assert_max_num_queries
):
    CommentFactory(article=article, status="pending")
    editor = UserFactory(username="editor-only", is_staff=True)
    client.force_login(editor)
    assert "moderation-summary" not in client.get(reverse("admin:index")).content.decode()

    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = type(moderator).objects.get(pk=moderator.pk)  # no cached permissions
    template = Template("{% load moderation %}{% moderation_summary %}")
    # The user's permissions (2), the queue's 2 counts, the open DSA cases' one.
    with django_assert_max_num_queries(5):
        html = template.render(Context({"request": request}))
    assert "1 σχόλιο σε αναμονή έγκρισης" in html
    assert "0 ανοιχτές καταγγελίες παράνομου περιεχομένου" in html


# Decisions per moderator per day ---------------------------------------------------------------


def at(day, hour=12):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def log(comment, moderator, action, when, reason=""):
    return ModerationLogEntry.objects.create(
        comment=comment,
        moderator=moderator,
        action=action,
        reason=reason or ("spam" if action == "spam" else ""),
        previous_status="pending",
        created_at=when,
    )


def chart_of(html: str) -> ET.Element:
    svg = re.search(
        r'<svg xmlns="http://www.w3.org/2000/svg" id="decisions-chart".*?</svg>', html, re.S
    )
    assert svg, "the chart is drawn on the server"
    return ET.fromstring(svg.group(0))  # noqa: S314 (our own page, in a test)


def test_the_decisions_page_counts_each_moderator_each_day_and_draws_it(
    moderating, moderator, article
):
    other = UserFactory(username="zoe", first_name="Ζωή", last_name="Κ.", is_staff=True)
    comment = CommentFactory(article=article)
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    for _ in range(3):
        log(comment, moderator, "approved", at(today, 10))
    log(comment, moderator, "rejected", at(today, 11), reason="abusive")
    log(comment, other, "spam", at(today, 9))
    log(comment, other, "approved", at(yesterday, 23))  # late evening, Athens time
    log(comment, None, "hidden", at(today))  # readers' reports: nobody's decision
    log(comment, moderator, "approved", at(today - timedelta(days=20)))  # outside 14 days

    response = moderating.get(reverse("admin:comments_moderationlogentry_decisions"))
    assert response.status_code == 200
    days = response.context["by_day"]
    assert len(days) == 14
    assert days[-1].day == today
    assert [(r.moderator, r.approved, r.rejected, r.spam) for r in days[-1].rows] == [
        (moderator.get_full_name(), 3, 1, 0),
        ("Ζωή Κ.", 0, 0, 1),
    ]
    assert [(r.moderator, r.total) for r in days[-2].rows] == [("Ζωή Κ.", 1)]
    assert response.context["total"] == 6

    svg = chart_of(response.content.decode())
    assert svg.find(f"{SVG}title").text == "Αποφάσεις ανά συντονιστή ανά ημέρα"
    assert svg.get("role") == "img"
    bars = {g.get("data-day"): g for g in svg.iter(f"{SVG}g")}
    assert len(bars) == 14
    label = today.strftime("%d/%m")
    today_bar = bars[label]
    assert today_bar.find(f"{SVG}text[@class='bar-total']").text == "5"
    titles = sorted(r.find(f"{SVG}title").text for r in today_bar.iter(f"{SVG}rect"))
    assert titles == sorted([f"{moderator.get_full_name()}, {label}: 4", f"Ζωή Κ., {label}: 1"])
    heights = {
        r.get("data-moderator"): float(r.get("height")) for r in today_bar.iter(f"{SVG}rect")
    }
    # The busiest day fills the plot (176 units); the bars are to scale.
    assert heights[moderator.get_full_name()] == pytest.approx(176 * 4 / 5, abs=0.01)
    assert heights["Ζωή Κ."] == pytest.approx(176 / 5, abs=0.01)
    assert bars[yesterday.strftime("%d/%m")].find(f"{SVG}text[@class='bar-total']").text == "1"
    empty = bars[(today - timedelta(days=5)).strftime("%d/%m")]
    assert empty.find(f"{SVG}text[@class='bar-total']") is None
    assert empty.find(f"{SVG}rect") is None
    axis = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "axis-label"]
    assert axis == ["5", "0"]

    url = reverse("admin:comments_moderationlogentry_decisions")
    thirty = moderating.get(url, {"days": 30})
    assert thirty.context["total"] == 7
    thirty_chart = chart_of(thirty.content.decode())
    assert len(thirty_chart.findall(f"{SVG}g")) == 30
    # Narrow bars: every other day is written, always the last one.
    labels = [t.text for t in thirty_chart.iter(f"{SVG}text") if t.get("class") == "day-label"]
    assert len(labels) == 15
    assert labels[-1] == label
    assert moderating.get(url, {"days": "x"}).context["days"] == 14


def test_the_decisions_page_is_linked_and_needs_the_log_permission(client, moderating, article):
    url = reverse("admin:comments_moderationlogentry_decisions")
    log_list = moderating.get(reverse("admin:comments_moderationlogentry_changelist"))
    assert url in log_list.content.decode()
    assert url in moderating.get(CHANGELIST).content.decode()
    empty = moderating.get(url)
    assert "Καμία απόφαση σε αυτή την περίοδο." in empty.content.decode()
    client.force_login(UserFactory(username="noone", is_staff=True))
    assert client.get(url).status_code == 403


def test_a_decision_by_keyboard_shows_up_on_the_decisions_page(moderating, moderator, article):
    comments = [CommentFactory(article=article, status="pending") for _ in range(3)]
    for comment in comments:
        moderating.post(decide_url(comment), {"decision": "approve"})
    services.approve_comment(
        comment=CommentFactory(article=article, status="pending"), moderator=moderator
    )
    response = moderating.get(reverse("admin:comments_moderationlogentry_decisions"), {"days": 7})
    assert [(r.moderator, r.approved) for r in response.context["by_day"][-1].rows] == [
        (moderator.get_full_name(), 4)
    ]


@pytest.mark.parametrize("object_id", ["abc", "²", "٣", "1e3", "-1"])
def test_odd_ids_are_a_plain_404(moderating, article, object_id):
    CommentFactory(article=article, status="pending")
    base = reverse("admin:comments_comment_changelist")
    assert moderating.post(f"{base}{object_id}/decide/", {"decision": "approve"}).status_code == 404
    assert moderating.get(f"{base}{object_id}/poster/").status_code == 404
    assert not ModerationLogEntry.objects.exists()
