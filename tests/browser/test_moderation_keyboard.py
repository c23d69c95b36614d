"""A moderator clears a queue of 20 comments with the keyboard alone: no mouse click from
the login to the last decision, and the database holds the 20 decisions."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, ModerationLogEntry
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
MODERATOR_PERMISSIONS = [
    "view_comment",
    "change_comment",
    "view_commentreport",
    "view_moderationlogentry",
]

# What the moderator does to each of the 20 comments, oldest first: the key(s) pressed and
# the decision expected. "r" opens the reasons; a digit chooses one at once, or the arrow
# keys move through them and Enter confirms.
PLAN = [
    (["a"], "approved", ""),
    (["r", "3"], "rejected", "off_topic"),
    (["s"], "spam", "spam"),
    (["r", "ArrowDown", "Enter"], "rejected", "abusive"),
    (["a"], "approved", ""),
] * 4

FOCUS = """() => {
  const el = document.activeElement;
  const box = el.querySelector && el.querySelector('input.action-select');
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    comment: box ? box.value : null,
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def make_moderator(username: str):
    """A member of Moderators (the group is rebuilt if an earlier test flushed it)."""
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=MODERATOR_PERMISSIONS
        )
    )
    user = UserFactory(username=username, first_name="Άρης", last_name="Μ.", is_staff=True)
    user.groups.add(moderators)
    return user


def row(page, comment):
    return page.locator(f"#result_list tbody tr:has(input.action-select[value='{comment.pk}'])")


def focused(page) -> dict:
    return page.evaluate(FOCUS)


def test_a_moderator_clears_twenty_comments_by_keyboard(live_server, page, artifacts_dir):
    moderator = make_moderator("aris")
    article = ArticleFactory(headline="Νέος δρόμος στο λιμάνι")
    start = timezone.now() - timedelta(hours=3)
    queue = [
        CommentFactory(
            article=article,
            status=Comment.Status.PENDING,
            name=f"Αναγνώστρια {n + 1}",
            body=f"Σχόλιο αριθμός {n + 1} για τον δρόμο.",
            created_at=start + timedelta(minutes=n),
            rule="first_time",
        )
        for n in range(20)
    ]

    # Logging in: the username field has the focus; type, Tab, type, Enter.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/comments/comment/")
    page.keyboard.type("aris")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/admin/comments/comment/")

    legend = page.locator("#moderation-legend")
    expect(legend).to_contain_text("j επόμενο σχόλιο")
    expect(legend).to_contain_text("? αυτή η λίστα συντομεύσεων")
    announce = page.locator("#moderation-announce")
    expect(announce).to_have_attribute("aria-live", "polite")

    # "?" lists the keys in a dialog; Escape closes it.
    page.keyboard.press("Shift+Slash")
    help_dialog = page.locator("#moderation-help")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("απόρριψη, με αιτιολογία")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    # A key that needs a comment before one is chosen says so, and changes nothing.
    page.keyboard.press("a")
    expect(announce).to_have_text("Πατήστε j για να επιλέξετε πρώτα ένα σχόλιο.")

    # j chooses the first (oldest) comment: it has the focus, visibly.
    page.keyboard.press("j")
    assert focused(page) == {"tag": "tr", "comment": str(queue[0].pk), "outline": True}
    # j and k move down and back up.
    page.keyboard.press("j")
    assert focused(page)["comment"] == str(queue[1].pk)
    page.keyboard.press("k")
    assert focused(page)["comment"] == str(queue[0].pk)

    reject_dialog = page.locator("#moderation-reject")
    for n, (comment, (keys, status, _reason)) in enumerate(zip(queue, PLAN, strict=True)):
        assert focused(page)["comment"] == str(comment.pk), n
        for key in keys:
            page.keyboard.press(key)
            if key == "r":
                expect(reject_dialog).to_be_visible()
        expect(row(page, comment)).to_have_attribute("data-decision", status)
        expect(reject_dialog).to_be_hidden()
        if n == 0:
            expect(row(page, comment).locator("td.field-status")).to_have_text("Εγκεκριμένο")
            expect(announce).to_have_text("Εγκρίθηκε: το σχόλιο από «Αναγνώστρια 1».")
            page.screenshot(path=str(artifacts_dir / "moderation-queue.png"), full_page=True)
        if n < len(queue) - 1:
            # The focus moved on to the next comment by itself.
            expect(page.locator("#result_list tbody tr:focus")).to_have_count(1)
            assert focused(page) == {
                "tag": "tr",
                "comment": str(queue[n + 1].pk),
                "outline": True,
            }
    expect(announce).to_contain_text("Όλα τα σχόλια αυτής της σελίδας έχουν απόφαση.")

    # The database holds the 20 decisions, each by this moderator, with its reason.
    entries = {e.comment_id: e for e in ModerationLogEntry.objects.all()}
    assert len(entries) == 20
    for comment, (_keys, status, reason) in zip(queue, PLAN, strict=True):
        entry = entries[comment.pk]
        assert (entry.action, entry.reason, entry.moderator_id) == (status, reason, moderator.pk)
        comment.refresh_from_db()
        assert comment.status == status
    assert not Comment.objects.filter(status=Comment.Status.PENDING).exists()

    # The queue is empty on reload, and the admin home says so.
    page.goto(f"{live_server.url}/admin/comments/comment/")
    expect(page.locator("#result_list tbody tr")).to_have_count(0)
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator(".moderation-summary")).to_contain_text("0 σχόλια σε αναμονή έγκρισης")
    page.screenshot(path=str(artifacts_dir / "moderation-home.png"), full_page=True)


def test_h_opens_the_posters_history_and_the_decisions_chart_is_drawn(
    live_server, page, artifacts_dir
):
    moderator = make_moderator("eva")
    article = ArticleFactory(headline="Νέος δρόμος στο λιμάνι")
    ip_hash = "c" * 64
    earlier = [
        CommentFactory(article=article, ip_hash=ip_hash, status=status)
        for status in ["approved", "approved", "rejected"]
    ]
    held = CommentFactory(article=article, ip_hash=ip_hash, status=Comment.Status.PENDING)
    for comment in earlier:
        ModerationLogEntry.objects.create(
            comment=comment,
            moderator=moderator,
            action=comment.status,
            reason="abusive" if comment.status == "rejected" else "",
            previous_status="pending",
        )
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/comments/comment/")
    page.keyboard.type("eva")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/admin/comments/comment/")
    page.keyboard.press("j")
    # With a Greek layout the same key gives "η": the script reads the key's position.
    page.evaluate(
        """() => document.activeElement.dispatchEvent(new KeyboardEvent("keydown",
             {key: "η", code: "KeyH", bubbles: true, cancelable: true}))"""
    )
    page.wait_for_url(f"**/admin/comments/comment/{held.pk}/poster/")
    expect(page.locator("#poster-comments tbody tr")).to_have_count(4)
    expect(page.locator(".poster-counts")).to_contain_text("Εγκεκριμένο")
    expect(page.locator("[data-count=total]")).to_have_text("4")
    page.screenshot(path=str(artifacts_dir / "moderation-poster-history.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/comments/moderationlogentry/decisions/")
    chart = page.locator("svg#decisions-chart")
    expect(chart).to_be_visible()
    expect(page.get_by_role("img", name="Αποφάσεις ανά συντονιστή ανά ημέρα")).to_be_visible()
    expect(chart.locator("text.bar-total")).to_have_text(["3"])
    assert chart.locator("rect.segment").bounding_box()["height"] > 100
    page.screenshot(path=str(artifacts_dir / "moderation-decisions.png"), full_page=True)
    assert errors == []  # no script or style refused by the admin's CSP
