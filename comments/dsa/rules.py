"""The comment rules, numbered: the reader page shows them and a statement of reasons cites
the clause a removal rests on. Renumbering a clause changes what old statements point to,
so a new clause goes at the end."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comments.models import ModerationLogEntry


@dataclass(frozen=True)
class Clause:
    number: int
    title: Promise
    text: Promise


CLAUSES = [
    Clause(
        1,
        _("Lawful content"),
        _(
            "No content that is illegal under Greek or EU law: incitement to hatred or "
            "violence, defamation, other people’s personal data or images, material that "
            "infringes copyright, fraud. Anyone may send us a notice of illegal content from "
            "the “Report” link of a comment."
        ),
    ),
    Clause(
        2,
        _("Respect"),
        _(
            "No insults, threats, harassment or abuse of other readers, of our journalists "
            "or of the people in the news. Criticise ideas, not persons."
        ),
    ),
    Clause(
        3,
        _("On topic"),
        _("Comments discuss the article they are posted under."),
    ),
    Clause(
        4,
        _("No spam"),
        _(
            "No advertising, repeated messages, floods of comments or links posted to "
            "promote a site or a product."
        ),
    ),
    Clause(
        5,
        _("Honesty"),
        _(
            "Do not pretend to be someone else or post under several names to make a view "
            "look more widely held."
        ),
    ),
    Clause(
        6,
        _("How moderation works"),
        _(
            "Every comment is read by a moderator before or after it appears. Automated "
            "rules hold some comments for a moderator (a first comment, links, blocked words, "
            "copies, floods), and a comment reported by several readers is hidden until a "
            "moderator has reviewed it."
        ),
    ),
    Clause(
        7,
        _("Decisions and appeals"),
        _(
            "If you gave your e-mail address, you are told when a comment of yours is "
            "removed or hidden, on which ground, and how to contest the decision: within six "
            "months, through the link in that message. A moderator other than the one who "
            "took the first decision examines your appeal, and you receive the outcome by "
            "e-mail."
        ),
    ),
]
BY_NUMBER = {clause.number: clause for clause in CLAUSES}

# The clause a rejection reason rests on (an illegal comment rests on a legal ground and
# clause 1); a comment hidden by readers' reports rests on clause 6.
CLAUSE_OF_REASON = {
    ModerationLogEntry.Reason.ILLEGAL: 1,
    ModerationLogEntry.Reason.ABUSIVE: 2,
    ModerationLogEntry.Reason.OFF_TOPIC: 3,
    ModerationLogEntry.Reason.SPAM: 4,
    ModerationLogEntry.Reason.OTHER: 5,
}
HIDDEN_BY_REPORTS_CLAUSE = 6


def clause(number: int | None) -> Clause | None:
    return BY_NUMBER.get(number) if number else None
