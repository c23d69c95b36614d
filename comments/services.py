"""Writes with rules: posting, moderating, reporting and blocking.

The views, the admin's actions, the demo data command and the tests all call these
functions. Each runs in one transaction and keeps the article's counter of the comments
readers see (approved, with every comment above them approved) in step with F()
updates; whatever changes what readers see moves the article's comments scope
(newsportal/caching/scopes.py) once the transaction has committed.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.live_parts import comments_changed
from articles.models import Article
from comments import network, policy, subscriptions, text
from comments.models import (
    BlockedAddress,
    BlockedWord,
    Comment,
    CommentReport,
    ModerationLogEntry,
    new_nonce,
)
from comments.poster import poster_record

logger = logging.getLogger(__name__)

# v2: keyed by the phrases' skeletons (comments.text.skeleton), no longer by their fold.
BLOCKED_WORDS_CACHE_KEY = "comments:blocked-words:v2"
RULES_MAX_LENGTH = 255

# Field validation that full_clean() would repeat with a query each: the article and parent
# were loaded by the caller, the nonce's uniqueness and the constraints are the database's
# job (a race between two identical posts can only be settled there anyway).
SKIP_CLEAN = ["article", "parent", "moderated_by"]


def blocked_phrases() -> dict[str, str]:
    """{skeleton: as the moderator wrote it} for every blocked word, cached until the list
    changes (see signals). Comments are compared by skeleton, so the list is too."""
    phrases = cache.get(BLOCKED_WORDS_CACHE_KEY)
    if phrases is None:
        phrases = {
            text.phrase_skeleton(phrase): phrase
            for phrase in BlockedWord.objects.values_list("phrase", flat=True)
        }
        phrases.pop("", None)
        cache.set(BLOCKED_WORDS_CACHE_KEY, phrases, timeout=300)
    return phrases


def _screen(
    *,
    article: Article,
    name: str,
    email: str,
    body: str,
    ip_hash: str,
    form_age: float | None,
    honeypot: str,
    now: datetime,
) -> tuple[str, list[str]]:
    """The status a new comment starts in, and the rules that decided it."""
    rules: list[str] = []
    record = poster_record(ip_hash=ip_hash, email=email, body=body, now=now)
    if record.blocked:
        rules.append("blocked_address")
    if honeypot.strip():
        rules.append("honeypot")
    if rules:
        return Comment.Status.SPAM, rules

    if form_age is not None and form_age < settings.COMMENTS_MIN_SUBMIT_SECONDS:
        rules.append(f"too_fast:{max(0, int(form_age))}")
    blocked = blocked_phrases()
    for found in text.find_blocked(f"{name}\n{body}", list(blocked)):
        rules.append(f"blocked_word:{blocked[found].replace(';', ',')}")
    links = text.count_links(body)
    if links > settings.COMMENTS_MAX_LINKS:
        rules.append(f"links:{links}")
    if record.posted_same_text:
        rules.append("duplicate")
    if record.last_hour >= settings.COMMENTS_FLOOD_PER_HOUR:
        rules.append(f"flood:{record.last_hour + 1}")
    if rules:
        return Comment.Status.PENDING, rules

    if not policy.is_post_moderated(article):
        return Comment.Status.PENDING, ["pre_moderation"]
    if not policy.safeguards_available():
        # Without the cache the rate limits count nothing: a flood could publish itself.
        return Comment.Status.PENDING, ["cache_unavailable"]
    if Comment.objects.from_poster(ip_hash=ip_hash, email=email).approved().exists():
        return Comment.Status.APPROVED, []
    return Comment.Status.PENDING, ["first_time"]


def _join_rules(rules: list[str]) -> str:
    joined = ";".join(dict.fromkeys(rules))
    return joined[:RULES_MAX_LENGTH]


def _count_shown(article_id: int, delta: int) -> None:
    """Move the article's counter of comments readers see (approved, and every comment
    above it approved too: a reply under a hidden comment is not shown)."""
    Article.objects.filter(pk=article_id).update(comment_count=F("comment_count") + delta)
    comments_changed(article_id)


def _with_statuses(rows: list[tuple[int, int, list[int], str]]) -> dict[int, str]:
    """The status of each (id, article, path, status) row and of every comment above it."""
    statuses = {pk: status for pk, _article, _path, status in rows}
    above = {pk for _pk, _article, path, _status in rows for pk in path} - statuses.keys()
    statuses.update(Comment.objects.filter(pk__in=above).values_list("pk", "status"))
    return statuses


def _shown(rows, statuses: dict[int, str]) -> Counter:
    """How many of the rows readers see, per article."""
    approved = Comment.Status.APPROVED
    return Counter(
        article_id
        for pk, article_id, path, _status in rows
        if all(statuses.get(above) == approved for above in path or [pk])
    )


def _threads_below(comment_ids: list[int], article_id: int | None = None):
    """The comments and every reply below them, locked in id order (one moderator's change
    to a thread waits for another's)."""
    below = Comment.objects.filter(Q(pk__in=comment_ids) | Q(path__overlap=comment_ids))
    if article_id is not None:
        below = below.filter(article_id=article_id)  # through the article's index
    return below.select_for_update().order_by("pk")


def post_comment(
    *,
    article: Article,
    parent: Comment | None,
    name: str,
    email: str,
    body: str,
    ip_hash: str,
    user_agent: str = "",
    nonce: str | None = None,
    form_age: float | None = None,
    honeypot: str = "",
    now: datetime | None = None,
) -> Comment:
    """Store a reader's comment; its status follows the moderation policy and spam rules.

    ``nonce`` comes from the signed form: posting the same form twice, even at the same
    instant, stores one comment and returns it both times. ``form_age`` is the seconds
    between handing out the form and receiving it (None when there was no form).
    A reply to a comment at the deepest shown level joins that comment's level.
    """
    now = now or timezone.now()
    if not policy.comments_open(article, now):
        raise ValidationError(_("Comments on this article are closed."), code="closed")

    tree_parent, level = None, 0
    if parent is not None:
        if parent.article_id != article.pk or parent.status != Comment.Status.APPROVED:
            raise ValidationError(
                _("The comment you are replying to is no longer available."), code="parent"
            )
        if parent.level >= settings.COMMENTS_MAX_DEPTH and parent.parent_id is not None:
            tree_parent = Comment.objects.get(pk=parent.parent_id)
            level = parent.level
        else:
            tree_parent, level = parent, parent.level + 1

    comment = Comment(
        article=article,
        parent=tree_parent,
        level=level,
        name=text.clean_single_line(name),
        email=email.strip().lower(),
        body=text.strip_bidi_controls(text.normalise_newlines(body)).strip(),
        created_at=now,
        ip_hash=ip_hash,
        user_agent=text.clean_single_line(user_agent)[:300],
        form_nonce=nonce or new_nonce(),
    )
    # Validate before the rules below query with the text (PostgreSQL refuses NUL).
    comment.full_clean(exclude=SKIP_CLEAN, validate_unique=False, validate_constraints=False)
    comment.status, rules = _screen(
        article=article,
        name=comment.name,
        email=comment.email,
        body=comment.body,
        ip_hash=ip_hash,
        form_age=form_age,
        honeypot=honeypot,
        now=now,
    )
    comment.rule = _join_rules(rules)
    try:
        with transaction.atomic():
            comment.save()
            comment.thread_id = tree_parent.thread_id if tree_parent else comment.pk
            comment.path = [*(tree_parent.path if tree_parent else []), comment.pk]
            Comment.objects.filter(pk=comment.pk).update(
                thread_id=comment.thread_id, path=comment.path
            )
            if comment.status == Comment.Status.APPROVED and _shown_under(tree_parent):
                _count_shown(article.pk, +1)
            if comment.status == Comment.Status.APPROVED:
                subscriptions.reply_published(comment)
    except IntegrityError:
        # This form was stored before (sent twice, or twice at the same instant): the
        # nonce is unique, so the answer is the comment stored the first time.
        existing = Comment.objects.filter(form_nonce=comment.form_nonce).first()
        if existing is None:
            raise
        return existing
    logger.info(
        "comment %s on article %s: %s%s (address %s…)",
        comment.pk,
        article.pk,
        comment.status,
        f" by {comment.rule}" if comment.rule else "",
        ip_hash[:12],
    )
    return comment


def _shown_under(parent: Comment | None) -> bool:
    """Whether a reply under ``parent`` is shown (every comment above it approved)."""
    if parent is None:
        return True
    above = Comment.objects.filter(pk__in=parent.path or [parent.pk])
    return not above.exclude(status=Comment.Status.APPROVED).exists()


def _shown_change(comment: Comment, status: str) -> int:
    """How many more (or fewer) comments readers see once ``comment`` has ``status``: it
    appears or disappears with every shown reply below it."""
    if (comment.status == Comment.Status.APPROVED) == (status == Comment.Status.APPROVED):
        return 0
    thread = list(
        _threads_below([comment.pk], comment.article_id).values_list(
            "pk", "article_id", "path", "status"
        )
    )
    statuses = _with_statuses(thread)
    before = _shown(thread, statuses)[comment.article_id]
    statuses[comment.pk] = status
    return _shown(thread, statuses)[comment.article_id] - before


def _moderate(
    *,
    comment: Comment,
    moderator,
    status: str,
    action: str,
    reason: str = "",
    note: str = "",
    rule: str = "",
) -> Comment:
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        previous = locked.status
        shown_change = _shown_change(locked, status)
        locked.status = status
        if moderator is not None or action != ModerationLogEntry.Action.HIDDEN:
            locked.moderated_by = moderator
            locked.moderated_at = timezone.now()
        if status == Comment.Status.APPROVED:
            locked.report_count = 0
        if rule:
            locked.rule = _join_rules([*locked.rule.split(";"), rule] if locked.rule else [rule])
        locked.full_clean(exclude=SKIP_CLEAN, validate_unique=False, validate_constraints=False)
        locked.save()
        entry = ModerationLogEntry(
            comment=locked,
            moderator=moderator,
            action=action,
            reason=reason,
            previous_status=previous,
            note=note[:255],
        )
        entry.full_clean(exclude=["comment", "moderator"])
        entry.save()
        logger.info(
            "comment %s %s (was %s) by %s%s",
            locked.pk,
            action,
            previous,
            getattr(moderator, "username", "readers' reports"),
            f", reason {reason}" if reason else "",
        )
        if shown_change:
            _count_shown(locked.article_id, shown_change)
        if status == Comment.Status.APPROVED and previous != status:
            subscriptions.reply_published(locked)
    return locked


def approve_comment(*, comment: Comment, moderator, note: str = "") -> Comment:
    """Publish a comment (and clear its open reports)."""
    return _moderate(
        comment=comment,
        moderator=moderator,
        status=Comment.Status.APPROVED,
        action=ModerationLogEntry.Action.APPROVED,
        note=note,
    )


def reject_comment(*, comment: Comment, moderator, reason: str, note: str = "") -> Comment:
    """Refuse a comment, with one of the reason codes kept in the moderation log."""
    if reason not in ModerationLogEntry.Reason.values:
        raise ValidationError(_("Choose a reason for the rejection."), code="reason")
    return _moderate(
        comment=comment,
        moderator=moderator,
        status=Comment.Status.REJECTED,
        action=ModerationLogEntry.Action.REJECTED,
        reason=reason,
        note=note,
    )


def mark_spam(*, comment: Comment, moderator, note: str = "") -> Comment:
    return _moderate(
        comment=comment,
        moderator=moderator,
        status=Comment.Status.SPAM,
        action=ModerationLogEntry.Action.SPAM,
        reason=ModerationLogEntry.Reason.SPAM,
        note=note,
    )


def report_comment(
    *,
    comment: Comment,
    ip_hash: str,
    network_hash: str = "",
    reason: str = CommentReport.Reason.OTHER,
    now: datetime | None = None,
) -> tuple[CommentReport, bool]:
    """Record a reader's report; returns the report and whether it is new.

    One report per comment and address. The comment is hidden (back to "awaiting
    moderation", in the moderators' queue) once its open reports come from enough
    different networks, weighed as comments.policy says: more for a poster with a long
    approved history, less from networks whose reports moderators keep dismissing.
    ``network_hash`` is comments.network.hash_network of the reporter's address; a caller
    that knows only the address hash leaves it empty and the address counts as a network.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != Comment.Status.APPROVED:
            raise ValidationError(_("This comment is no longer shown."), code="not_visible")
        report = CommentReport(
            comment=locked,
            ip_hash=ip_hash,
            network_hash=network_hash or ip_hash,
            reason=reason,
            created_at=now,
        )
        report.full_clean(exclude=["comment"], validate_unique=False)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            return CommentReport.objects.get(comment=locked, ip_hash=ip_hash), False
        Comment.objects.filter(pk=locked.pk).update(report_count=F("report_count") + 1)
        locked.refresh_from_db(fields=["report_count"])
        weight, networks = _reports_weight(locked)
        if weight >= policy.reports_to_hide(_approved_history(locked, now)):
            _moderate(
                comment=locked,
                moderator=None,
                status=Comment.Status.PENDING,
                action=ModerationLogEntry.Action.HIDDEN,
                note=f"{locked.report_count} reports from {networks} networks (weight {weight:g})",
                rule=f"reports:{locked.report_count}",
            )
    return report, True


def _reports_weight(comment: Comment) -> tuple[float, int]:
    """The weighed number of networks among the comment's open reports (those since a
    moderator last approved it), and how many networks that is."""
    open_reports = CommentReport.objects.filter(comment=comment)
    if comment.moderated_at is not None:
        open_reports = open_reports.filter(created_at__gt=comment.moderated_at)
    networks = set(open_reports.values_list("network_hash", flat=True).distinct())
    # Reports from before networks were recorded count by address ("" is no network).
    networks |= set(open_reports.filter(network_hash="").values_list("ip_hash", flat=True))
    networks.discard("")
    history = (
        CommentReport.objects.filter(network_hash__in=networks)
        .exclude(comment=comment)
        .values("network_hash")
        .annotate(
            upheld=Count(
                "pk",
                filter=Q(comment__status__in=[Comment.Status.REJECTED, Comment.Status.SPAM]),
            ),
            dismissed=Count(
                "pk",
                filter=Q(
                    comment__status=Comment.Status.APPROVED,
                    comment__moderated_by__isnull=False,
                    comment__moderated_at__gt=F("created_at"),
                ),
            ),
        )
    )
    weights = dict.fromkeys(networks, 1.0)
    for row in history:
        weights[row["network_hash"]] = policy.reporter_weight(
            upheld=row["upheld"], dismissed=row["dismissed"]
        )
    return sum(weights.values()), len(networks)


def _approved_history(comment: Comment, now: datetime) -> int:
    """The poster's other approved comments at least a day old (counting stops where the
    threshold stops growing)."""
    enough = policy.REPORTS_TRUSTED_STEP * policy.REPORTS_TRUSTED_EXTRA
    history = (
        Comment.objects.from_poster(ip_hash=comment.ip_hash, email=comment.email)
        .approved()
        .exclude(pk=comment.pk)
        .filter(created_at__lte=now - policy.REPORTS_TRUSTED_MIN_AGE)
    )
    return history[:enough].count()


def delete_comments(*, comments) -> int:
    """Delete comments (with their replies), keeping the articles' counters right.

    Only superusers delete: moderators reject instead, which keeps the record.
    """
    with transaction.atomic():
        doomed = _threads_below([c.pk for c in comments])  # with every reply below them
        rows = list(doomed.values_list("pk", "article_id", "path", "status"))
        shown = _shown(rows, _with_statuses(rows))
        deleted, _by_model = Comment.objects.filter(pk__in=[row[0] for row in rows]).delete()
        for article_id, count in shown.items():
            _count_shown(article_id, -count)
    return deleted


def normalise_blocked_value(*, kind: str, value: str) -> str:
    """What is stored for a blocked address: an IP address's keyed hash, an e-mail in lower case."""
    value = value.strip()
    if kind == BlockedAddress.Kind.IP:
        if network.is_address(value):
            return network.hash_address(value)
        if network.is_address_hash(value):
            return value
        raise ValidationError(_("Enter an IP address, such as 203.0.113.7 or 2001:db8::1."))
    value = value.lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address.")) from None
    return value


def block_address(*, kind: str, value: str, note: str = "") -> BlockedAddress:
    """Block an IP address (stored only as its keyed hash) or an e-mail address."""
    value = normalise_blocked_value(kind=kind, value=value)
    existing = BlockedAddress.objects.filter(kind=kind, value=value).first()
    if existing is not None:
        return existing
    blocked = BlockedAddress(kind=kind, value=value, note=note[:255])
    blocked.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            blocked.save()
    except IntegrityError:  # blocked by another moderator at the same moment
        return BlockedAddress.objects.get(kind=kind, value=value)
    return blocked


def block_poster(*, comment: Comment, moderator) -> Comment:
    """Block the address (and e-mail) a comment came from, and mark the comment as spam."""
    with transaction.atomic():
        note = f"comment #{comment.pk}"
        block_address(kind=BlockedAddress.Kind.IP, value=comment.ip_hash, note=note)
        if comment.email:
            block_address(kind=BlockedAddress.Kind.EMAIL, value=comment.email, note=note)
        return mark_spam(comment=comment, moderator=moderator, note=note)
