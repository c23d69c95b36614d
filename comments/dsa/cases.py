"""The DSA's cases: a reader's notice of illegal content (Art. 16) and a poster's appeal
against a statement of reasons (Art. 20), each filed once and decided once.

A decision that removes or reinstates a comment goes through comments.services like any
other moderation, so the counters, the page caches (on commit) and the moderation log
follow, and the statement of reasons is issued by comments.dsa.statements.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from comments import services
from comments.models import (
    Appeal,
    Comment,
    CommentReport,
    IllegalContentNotice,
    ModerationLogEntry,
    StatementOfReasons,
)
from newsportal import mail

logger = logging.getLogger(__name__)

# The reasons a moderator may give for removing a noticed comment under the rules instead.
RULES_REASONS = [
    reason
    for reason in ModerationLogEntry.Reason.values
    if reason != ModerationLogEntry.Reason.ILLEGAL
]


def file_notice(
    *,
    comment: Comment,
    ground: str,
    explanation: str,
    reporter_name: str = "",
    reporter_email: str = "",
    good_faith: bool,
    ip_hash: str,
    network_hash: str = "",
    language: str = "el",
    now: datetime | None = None,
) -> IllegalContentNotice:
    """Open a case about a shown comment, identified by its number, address and text as the
    reader saw it. The notice also counts as the reader's report (reports hide a comment
    until a moderator reviews it). The same notice sent twice opens one case."""
    now = now or timezone.now()
    with transaction.atomic():
        services.report_comment(
            comment=comment,
            ip_hash=ip_hash,
            network_hash=network_hash,
            reason=CommentReport.Reason.ILLEGAL,
            now=now,
        )
        earlier = IllegalContentNotice.objects.filter(
            comment=comment,
            ip_hash=ip_hash,
            explanation=explanation,
            status=IllegalContentNotice.Status.OPEN,
        ).first()
        if earlier is not None:
            return earlier
        notice = IllegalContentNotice(
            comment=comment,
            comment_ref=comment.pk,
            comment_url=mail.absolute_url(comment.get_absolute_url()),
            comment_text=comment.body,
            ground=ground,
            explanation=explanation,
            reporter_name=reporter_name,
            reporter_email=reporter_email.strip().lower(),
            good_faith=good_faith,
            language=language,
            ip_hash=ip_hash,
            created_at=now,
        )
        notice.full_clean(exclude=["comment", "decided_by"])
        if not notice.good_faith:
            raise ValidationError(_("Confirm that your notice is made in good faith."))
        notice.save()
        if notice.reporter_email:
            with translation.override(language):
                mail.send_later(
                    to=notice.reporter_email,
                    template="comments/mail/notice_receipt",
                    context={"notice": notice, "comment_url": notice.comment_url},
                )
    logger.info(
        "notice %s about comment %s (%s) from address %s…",
        notice.reference,
        comment.pk,
        ground,
        ip_hash[:12],
    )
    return notice


def decide_notice(
    *,
    notice: IllegalContentNotice,
    moderator,
    decision: str,
    reason: str = "",
    note: str = "",
) -> IllegalContentNotice:
    """Close a case: remove the comment as illegal, remove it under the comment rules (with
    the rule's reason), or keep it (shown again if reports had hidden it). The reporter
    who gave an e-mail receives the decision."""
    Decision = IllegalContentNotice.Decision
    if decision not in Decision.values:
        raise ValidationError(_("Choose a decision."), code="decision")
    if decision == Decision.REMOVED_RULES and reason not in RULES_REASONS:
        raise ValidationError(_("Choose which comment rule the comment breaks."), code="reason")
    with transaction.atomic():
        locked = IllegalContentNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.status == IllegalContentNotice.Status.DECIDED:
            raise ValidationError(_("This notice has already been decided."), code="decided")
        locked.status = IllegalContentNotice.Status.DECIDED
        locked.decision = decision
        locked.decision_note = note
        locked.decided_by = moderator
        locked.decided_at = timezone.now()
        locked.full_clean(exclude=["comment", "decided_by"])
        # Saved before the comment is moderated: the statement of reasons reads this case.
        locked.save()
        _act_on_comment(locked, moderator=moderator, reason=reason)
        if locked.reporter_email:
            with translation.override(locked.language):
                mail.send_later(
                    to=locked.reporter_email,
                    template="comments/mail/notice_decision",
                    context={"notice": locked},
                )
    logger.info(
        "notice %s decided: %s by %s",
        locked.reference,
        decision,
        getattr(moderator, "username", ""),
    )
    return locked


def _act_on_comment(notice: IllegalContentNotice, *, moderator, reason: str) -> None:
    comment = notice.comment
    if comment is None:  # erased by its poster since: the case is decided all the same
        return
    comment.refresh_from_db()
    removed = comment.status in {Comment.Status.REJECTED, Comment.Status.SPAM}
    note = f"notice {notice.reference}"
    if notice.decision == IllegalContentNotice.Decision.REMOVED_ILLEGAL and not removed:
        services.reject_comment(
            comment=comment,
            moderator=moderator,
            reason=ModerationLogEntry.Reason.ILLEGAL,
            note=note,
        )
    elif notice.decision == IllegalContentNotice.Decision.REMOVED_RULES and not removed:
        services.reject_comment(comment=comment, moderator=moderator, reason=reason, note=note)
    elif (
        notice.decision == IllegalContentNotice.Decision.NO_ACTION
        and comment.status == Comment.Status.PENDING
    ):
        services.approve_comment(comment=comment, moderator=moderator, note=note)


def file_appeal(*, statement: StatementOfReasons, explanation: str) -> tuple[Appeal, bool]:
    """The poster's appeal against a statement: one per statement (a second is the first)."""
    with transaction.atomic():
        StatementOfReasons.objects.select_for_update().get(pk=statement.pk)
        existing = Appeal.objects.filter(statement=statement).first()
        if existing is not None:
            return existing, False
        appeal = Appeal(statement=statement, explanation=explanation)
        appeal.full_clean(exclude=["statement", "decided_by"])
        appeal.save()
    logger.info("appeal %s against %s", appeal.reference, statement.reference)
    return appeal, True


def check_appeal_moderator(appeal: Appeal, moderator) -> None:
    """Refuse the moderator who took the first decision (Art. 20(6): an appeal is not
    decided solely by the same person); a decision of readers' reports had none."""
    first = appeal.statement.decided_by_id
    if moderator is None or (first is not None and first == moderator.pk):
        raise ValidationError(
            _(
                "A moderator other than the one who took the first decision must decide "
                "this appeal."
            ),
            code="same_moderator",
        )


def decide_appeal(*, appeal: Appeal, moderator, outcome: str, note: str = "") -> Appeal:
    """Decide an appeal: reinstate the comment or uphold the decision. The moderator who took
    the first decision may not (Art. 20(6): not solely by the same person)."""
    if outcome not in Appeal.Outcome.values:
        raise ValidationError(_("Choose an outcome."), code="outcome")
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().select_related("statement").get(pk=appeal.pk)
        if locked.status == Appeal.Status.DECIDED:
            raise ValidationError(_("This appeal has already been decided."), code="decided")
        check_appeal_moderator(locked, moderator)
        locked.status = Appeal.Status.DECIDED
        locked.outcome = outcome
        locked.decision_note = note
        locked.decided_by = moderator
        locked.decided_at = timezone.now()
        locked.full_clean(exclude=["statement", "decided_by"])
        locked.save()
        comment = (
            Comment.objects.select_related("article").filter(pk=locked.statement.comment_id).first()
        )
        if (
            comment is not None
            and outcome == Appeal.Outcome.REINSTATED
            and comment.status != Comment.Status.APPROVED
        ):
            comment = services.approve_comment(
                comment=comment, moderator=moderator, note=f"appeal {locked.reference}"
            )
        if comment is not None and comment.email:
            with translation.override(comment.article.language):
                mail.send_later(
                    to=comment.email,
                    template="comments/mail/appeal_decision",
                    context={
                        "appeal": locked,
                        "article_url": mail.absolute_url(comment.get_absolute_url()),
                    },
                )
    logger.info(
        "appeal %s decided: %s by %s", locked.reference, outcome, getattr(moderator, "username", "")
    )
    return locked
