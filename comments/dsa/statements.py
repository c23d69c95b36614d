"""Statements of reasons (DSA Art. 17): whenever a comment is removed or hidden, whatever
the path (a moderator in the queue, by keyboard or in bulk, readers' reports, a decision
on a notice), a statement is stored and, when the poster gave an e-mail, sent to them with
a signed link to contest it.

Every such path writes a ModerationLogEntry through comments.services, so the statement
follows that row (post_save, in the same transaction): a rolled-back decision leaves no
statement and sends no mail.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation

from comments.dsa import rules
from comments.models import (
    BlockedAddress,
    Comment,
    IllegalContentNotice,
    LegalGround,
    ModerationLogEntry,
    StatementOfReasons,
    describe_rule,
)
from newsportal import mail

APPEAL_SALT = "comments.dsa.appeal"
# How long a poster may contest a decision (Art. 20(1): at least six months).
APPEAL_PERIOD = timedelta(days=183)

DECISION_OF_ACTION = {
    ModerationLogEntry.Action.REJECTED: StatementOfReasons.Decision.REJECTED,
    ModerationLogEntry.Action.SPAM: StatementOfReasons.Decision.SPAM,
    ModerationLogEntry.Action.HIDDEN: StatementOfReasons.Decision.HIDDEN,
}


class AppealLinkInvalid(Exception):
    pass


class AppealLinkExpired(AppealLinkInvalid):
    pass


def appeal_token(statement: StatementOfReasons) -> str:
    return signing.dumps(statement.pk, salt=APPEAL_SALT)


def read_appeal_token(token: str) -> int:
    """The statement's id, or AppealLinkExpired / AppealLinkInvalid."""
    if not token or len(token) > 200:
        raise AppealLinkInvalid
    try:
        pk = signing.loads(token, salt=APPEAL_SALT, max_age=APPEAL_PERIOD)
    except signing.SignatureExpired:
        raise AppealLinkExpired from None
    except signing.BadSignature:
        raise AppealLinkInvalid from None
    if not isinstance(pk, int):
        raise AppealLinkInvalid
    return pk


def appeal_path(statement: StatementOfReasons) -> str:
    return reverse("comments:appeal", args=[appeal_token(statement)])


def ground_text(statement: StatementOfReasons) -> str:
    """The ground in words: the legal ground, then the clause of the comment rules."""
    parts = []
    if statement.legal_ground:
        parts.append(str(LegalGround(statement.legal_ground).label))
    clause = rules.clause(statement.rules_clause)
    if clause is not None:
        parts.append(
            translation.gettext("clause %(number)d of the comment rules, “%(title)s”")
            % {"number": clause.number, "title": clause.title}
        )
    return "; ".join(parts)


def automation_text(statement: StatementOfReasons) -> str:
    labels = [describe_rule(code) for code in statement.automated_rules.split(";") if code]
    if statement.automated_decision:
        return translation.gettext(
            "Yes: the comment was hidden automatically (%(rules)s), without a moderator."
        ) % {"rules": ", ".join(labels)}
    if labels:
        return translation.gettext(
            "Automated rules held the comment for a moderator (%(rules)s); a moderator decided."
        ) % {"rules": ", ".join(labels)}
    return translation.gettext("No: a moderator found and decided it.")


@receiver(post_save, sender=ModerationLogEntry)
def statement_after_decision(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.action in DECISION_OF_ACTION:
        issue_statement(entry=instance)


def issue_statement(*, entry: ModerationLogEntry) -> StatementOfReasons:
    """Store the statement for a removal or hiding and, if the poster gave an e-mail that is
    not blocked (a blocked poster's spam is dropped silently), send it."""
    comment = Comment.objects.select_related("article").get(pk=entry.comment_id)
    legal_ground, notice = "", None
    if entry.action == ModerationLogEntry.Action.HIDDEN:
        clause = rules.HIDDEN_BY_REPORTS_CLAUSE
    else:
        clause = rules.CLAUSE_OF_REASON.get(entry.reason, rules.CLAUSE_OF_REASON["other"])
    if entry.reason == ModerationLogEntry.Reason.ILLEGAL:
        notice = (
            IllegalContentNotice.objects.filter(
                comment=comment, decision=IllegalContentNotice.Decision.REMOVED_ILLEGAL
            )
            .order_by("-decided_at")
            .first()
        )
        legal_ground = notice.ground if notice else LegalGround.OTHER
    statement = StatementOfReasons.objects.create(
        comment=comment,
        log_entry=entry,
        decision=DECISION_OF_ACTION[entry.action],
        comment_posted_at=comment.created_at,
        comment_text=comment.body,
        legal_ground=legal_ground,
        rules_clause=clause,
        notice=notice,
        automated_rules=comment.rule,
        automated_decision=entry.moderator_id is None,
        decided_by_id=entry.moderator_id,
        created_at=entry.created_at,
    )
    if comment.email and not _blocked(comment.email):
        with translation.override(comment.article.language):
            context = statement_context(statement, comment)
            statement.text = "\n".join(mail.render("comments/mail/statement_of_reasons", context))
            mail.send_later(
                to=comment.email, template="comments/mail/statement_of_reasons", context=context
            )
        statement.emailed = True
        statement.save(update_fields=["text", "emailed"])
    return statement


def _blocked(email: str) -> bool:
    return BlockedAddress.objects.filter(kind=BlockedAddress.Kind.EMAIL, value=email).exists()


def statement_context(statement: StatementOfReasons, comment: Comment) -> dict:
    return {
        "statement": statement,
        "article": comment.article,
        "article_url": mail.absolute_url(comment.article.get_absolute_url()),
        "ground": ground_text(statement),
        "clause": rules.clause(statement.rules_clause),
        "automation": automation_text(statement),
        "rules_url": mail.absolute_url(reverse("comments:rules")),
        "appeal_url": mail.absolute_url(appeal_path(statement)),
        "appeal_days": APPEAL_PERIOD.days,
    }
