"""Reader comments, reports on them, the moderators' log and the block lists.

Threads render from one ordered query: every comment stores the id of its thread's
first comment (``thread_id``), its depth (``level``) and the path of ids from the root
down to itself (``path``), so "ORDER BY thread_id, path" lists each thread depth-first
with replies in the order they were written.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from comments import text

BODY_MAX_LENGTH = 3000
NAME_MAX_LENGTH = 60


def validate_plain_text(value: str) -> None:
    """Refuse NUL and other control characters (newline and tab are text)."""
    found = text.control_characters(value)
    if found:
        raise ValidationError(
            _("Remove the invisible control characters from the text (%(codes)s)."),
            code="control_characters",
            params={"codes": ", ".join(f"U+{ord(ch):04X}" for ch in found)},
        )


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def skeleton_digest(body: str) -> str:
    """The stored digest of a body's skeleton (an index key, not a secret)."""
    return hashlib.md5(text.body_skeleton(body).encode(), usedforsecurity=False).hexdigest()


class CommentQuerySet(models.QuerySet):
    def approved(self) -> CommentQuerySet:
        """The comments readers may see (each still needs its ancestors approved too)."""
        return self.filter(status=Comment.Status.APPROVED)

    def on_article(self, article: Article) -> CommentQuerySet:
        return self.filter(article=article)

    def threads(self) -> CommentQuerySet:
        """First comments of threads (not replies)."""
        return self.filter(parent__isnull=True)

    def in_threads(self, roots: models.QuerySet) -> CommentQuerySet:
        return self.filter(thread_id__in=roots)

    def in_reading_order(self, *, newest_first: bool = False) -> CommentQuerySet:
        """Threads oldest (or newest) first; inside a thread always depth-first, oldest first."""
        return self.order_by("-thread_id" if newest_first else "thread_id", "path")

    def same_text_as(self, body: str) -> CommentQuerySet:
        """Comments that read as this text: the same skeleton (comments.text.skeleton), so a
        zero-width space, a double or non-breaking space, a full stop, case or a look-alike
        letter from another alphabet make no copy new. Found through the stored digest."""
        return self.filter(body_skeleton_md5=skeleton_digest(body))

    def from_poster(self, *, ip_hash: str, email: str = "") -> CommentQuerySet:
        """Comments by the same poster: the same address hash, or the same e-mail if given."""
        same = Q(ip_hash=ip_hash)
        if email:
            same |= Q(email=email)
        return self.filter(same)

    def awaiting_moderation(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.PENDING).order_by("created_at", "pk")


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("article")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    thread_id = models.BigIntegerField(_("thread"), null=True, editable=False)
    level = models.PositiveSmallIntegerField(_("level"), default=0, editable=False)
    path = ArrayField(models.BigIntegerField(), default=list, editable=False)
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH, validators=[validate_plain_text])
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Never shown to readers."))
    body = models.TextField(
        _("comment"),
        validators=[MaxLengthValidator(BODY_MAX_LENGTH), validate_plain_text],
    )
    # The body escaped and, once approved, with links: the only comment HTML marked safe.
    body_html = models.TextField(editable=False, blank=True)
    # What the duplicate rule compares: the digest of the body's skeleton, set on save.
    body_skeleton_md5 = models.CharField(
        max_length=32, editable=False, blank=True, default="", db_default=""
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rule = models.CharField(
        _("held by"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("The rules that held or rejected the comment when it was posted."),
    )
    created_at = models.DateTimeField(_("posted at"), default=timezone.now, editable=False)
    ip_hash = models.CharField(_("address hash"), max_length=64, editable=False)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True, editable=False)
    report_count = models.PositiveIntegerField(
        _("open reports"),
        default=0,
        editable=False,
        help_text=_("Reports since a moderator last approved the comment."),
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True, editable=False)
    # The signed form's one-time number: the same form sent twice stores one comment.
    form_nonce = models.CharField(max_length=64, unique=True, default=new_nonce, editable=False)
    # Readers' likes (comments.reactions): counted in the cache, written here in batches.
    like_count = models.PositiveIntegerField(_("likes"), default=0, db_default=0, editable=False)
    is_pick = models.BooleanField(
        _("editors’ pick"),
        default=False,
        db_default=False,
        editable=False,
        help_text=_("Shown first, with a mark, in every order of the comments."),
    )
    picked_at = models.DateTimeField(_("picked at"), null=True, blank=True, editable=False)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("picked by"),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            # The article page: one article's approved comments in thread order.
            models.Index(
                fields=["article", "thread_id", "path"],
                name="comment_article_threads",
                condition=Q(status="approved"),
            ),
            # Counting and paging an article's approved threads.
            models.Index(
                fields=["article", "id"],
                name="comment_article_roots",
                condition=Q(status="approved", parent__isnull=True),
            ),
            # The moderation queue, oldest first.
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
            # One poster's recent comments (duplicates, floods, earlier approvals).
            models.Index(fields=["ip_hash", "created_at"], name="comment_ip_created"),
            # The same text (by skeleton) from the same address: found among a busy
            # address's thousands of comments (a newsroom's or a mobile network's) at once.
            models.Index(fields=["ip_hash", "body_skeleton_md5"], name="comment_ip_body"),
            models.Index(
                fields=["email", "created_at"], name="comment_email_created", condition=~Q(email="")
            ),
            # Threads with an editors' pick come first: the few picks, found by thread.
            models.Index(fields=["thread_id"], name="comment_picks", condition=Q(is_pick=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "spam"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(level=0))
                | (Q(parent__isnull=False) & Q(level__gt=0)),
                name="comment_reply_has_level",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), BODY_MAX_LENGTH),
                name="comment_body_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:60]}"

    def save(self, *args, **kwargs):
        # Whatever path a comment arrives by, direction overrides never reach a page.
        self.name = text.clean_single_line(self.name)
        self.body = text.strip_bidi_controls(self.body)
        self.body_html = text.comment_text_to_html(
            self.body, links=self.status == self.Status.APPROVED
        )
        self.body_skeleton_md5 = skeleton_digest(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    def rule_labels(self) -> list[str]:
        """The rules that held the comment, in the moderator's language."""
        return [describe_rule(code) for code in self.rule.split(";") if code]


RULE_LABELS = {
    "pre_moderation": _("pre-moderation"),
    "first_time": _("first comment from this reader"),
    "too_fast": _("sent %(value)s s after the form was shown"),
    "blocked_word": _("blocked word: %(value)s"),
    "links": _("%(value)s links"),
    "duplicate": _("duplicate of an earlier comment"),
    "flood": _("flood: %(value)s comments in an hour"),
    "blocked_address": _("blocked address"),
    "honeypot": _("hidden field filled in (a program)"),
    "reports": _("hidden after %(value)s reports"),
    "cache_unavailable": _("held while the rate limits were unavailable"),
}


def describe_rule(code: str) -> str:
    name, _sep, value = code.partition(":")
    label = RULE_LABELS.get(name)
    if label is None:
        return code
    return str(label % {"value": value})


class CommentReport(models.Model):
    """A reader's report of an approved comment; one per comment and address."""

    class Reason(models.TextChoices):
        ABUSIVE = "abusive", _("Abusive or hateful")
        SPAM = "spam", _("Spam or advertising")
        OFF_TOPIC = "off_topic", _("Off-topic")
        ILLEGAL = "illegal", _("Illegal content")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment")
    )
    ip_hash = models.CharField(_("address hash"), max_length=64)
    # Reports hide a comment by networks, not by addresses: one person holds a whole IPv6
    # /48 or an IPv4 /24 far more easily than three of them (comments.policy).
    network_hash = models.CharField(
        _("network hash"),
        max_length=64,
        blank=True,
        default="",
        db_default="",
        help_text=_("The keyed hash of the reporter's network (IPv4 /24, IPv6 /48)."),
    )
    reason = models.CharField(
        _("reason"), max_length=10, choices=Reason.choices, default=Reason.OTHER
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "ip_hash"], name="one_report_per_address"),
        ]
        indexes = [
            # A reporting network's earlier reports: how often moderators agreed with them.
            models.Index(fields=["network_hash"], name="report_network"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class ModerationLogEntry(models.Model):
    """Who decided what about a comment, when, and why: the moderators' record."""

    class Action(models.TextChoices):
        APPROVED = "approved", _("Approval")
        REJECTED = "rejected", _("Rejection")
        SPAM = "spam", _("Marked as spam")
        HIDDEN = "hidden", _("Hidden by readers’ reports")

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSIVE = "abusive", _("Abusive")
        OFF_TOPIC = "off_topic", _("Off-topic")
        ILLEGAL = "illegal", _("Illegal content")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="log", verbose_name=_("comment")
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices, blank=True)
    previous_status = models.CharField(
        _("previous status"), max_length=10, choices=Comment.Status.choices
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="rejected") | ~Q(reason=""),
                name="rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.comment_id}"


class BlockedWord(models.Model):
    """A word or phrase that holds a comment for a moderator (whole words, accents ignored)."""

    phrase = models.CharField(
        _("word or phrase"),
        max_length=100,
        help_text=_(
            "Matched as whole words, ignoring case, accents, final sigma, invisible "
            "characters and look-alike letters: “βλάκας” also catches “ΒΛΑΚΑΣ”, “βλaκaς” "
            "with a Latin a and “β λ ά κ α ς”, but not longer words containing it."
        ),
    )
    normalised = models.CharField(max_length=100, unique=True, editable=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["normalised"]
        verbose_name = _("blocked word")
        verbose_name_plural = _("blocked words")

    def __str__(self) -> str:
        return self.phrase

    def save(self, *args, **kwargs):
        self.normalised = text.normalise_phrase(self.phrase)
        super().save(*args, **kwargs)

    def clean(self):
        self.normalised = text.normalise_phrase(self.phrase)
        if not self.normalised:
            raise ValidationError({"phrase": _("Enter at least one word.")})


class BlockedAddress(models.Model):
    """A poster whose comments are silently stored as spam: an IP address (hashed) or e-mail."""

    class Kind(models.TextChoices):
        IP = "ip", _("IP address")
        EMAIL = "email", _("E-mail")

    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    value = models.CharField(
        _("value"),
        max_length=254,
        help_text=_("An e-mail address in lower case, or the hash of an IP address."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("blocked address")
        verbose_name_plural = _("blocked addresses")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="unique_blocked_address"),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.IP:
            return gettext("IP address %(hash)s…") % {"hash": self.value[:12]}
        return self.value


# The EU Digital Services Act (Regulation 2022/2065) -----------------------------------------
# Notices of illegal content (Art. 16), statements of reasons to posters (Art. 17) and their
# appeals (Art. 20). The rules are in comments/dsa/; these are only the records.

EXPLANATION_MAX_LENGTH = 2000


def case_reference(prefix: str, pk: int, when) -> str:
    """A reference a reader can quote: the kind, the year and the number of the case."""
    return f"{prefix}-{when:%Y}-{pk:06d}"


class LegalGround(models.TextChoices):
    HATE_SPEECH = "hate", _("Hate speech or incitement to violence")
    DEFAMATION = "defamation", _("Defamation or insult")
    PRIVACY = "privacy", _("Someone’s private data or images")
    INTELLECTUAL_PROPERTY = "ip", _("Copyright or trademark infringement")
    FRAUD = "fraud", _("Fraud or scam")
    OTHER = "other", _("Other illegal content")


class IllegalContentNotice(models.Model):
    """A reader's notice that a comment is illegal: a case a moderator decides once."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    class Decision(models.TextChoices):
        REMOVED_ILLEGAL = "illegal", _("Removed as illegal content")
        REMOVED_RULES = "rules", _("Removed under the comment rules")
        NO_ACTION = "none", _("No action: the comment stays")

    comment = models.ForeignKey(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="illegal_content_notices",
        verbose_name=_("comment"),
    )
    # The comment exactly as the reader saw it: the case outlives an edit or an erasure.
    comment_ref = models.PositiveBigIntegerField(_("comment number"))
    comment_url = models.CharField(_("comment address"), max_length=500)
    comment_text = models.TextField(_("comment text when reported"))
    ground = models.CharField(_("legal ground"), max_length=12, choices=LegalGround.choices)
    explanation = models.TextField(
        _("why it is illegal"), validators=[MaxLengthValidator(EXPLANATION_MAX_LENGTH)]
    )
    reporter_name = models.CharField(_("reporter’s name"), max_length=NAME_MAX_LENGTH, blank=True)
    reporter_email = models.EmailField(_("reporter’s e-mail"), blank=True)
    good_faith = models.BooleanField(_("confirmed in good faith"), default=False)
    language = models.CharField(_("language"), max_length=5, default="el", editable=False)
    ip_hash = models.CharField(_("address hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    decision_note = models.TextField(
        _("note to the reporter"), blank=True, validators=[MaxLengthValidator(1000)]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-status", "created_at"]  # open ("open" > "decided") first, oldest first
        verbose_name = _("notice of illegal content")
        verbose_name_plural = _("notices of illegal content")
        permissions = [("view_transparency", _("Can see the transparency figures"))]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open") & Q(decision="") & Q(decided_at__isnull=True))
                | (Q(status="decided") & ~Q(decision="") & Q(decided_at__isnull=False)),
                name="notice_decided_has_decision",
            ),
            models.CheckConstraint(condition=Q(good_faith=True), name="notice_in_good_faith"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return case_reference("N", self.pk, self.created_at)


class StatementOfReasons(models.Model):
    """What a poster is told when their comment is rejected or hidden (Art. 17)."""

    class Decision(models.TextChoices):
        REJECTED = "rejected", _("Removed")
        SPAM = "spam", _("Removed as spam")
        HIDDEN = "hidden", _("Hidden until a moderator reviews it")

    comment = models.ForeignKey(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("comment"),
    )
    log_entry = models.OneToOneField(
        ModerationLogEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statement",
        verbose_name=_("moderation log entry"),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment_posted_at = models.DateTimeField(_("comment posted at"))
    comment_text = models.TextField(_("comment text"))
    legal_ground = models.CharField(
        _("legal ground"), max_length=12, choices=LegalGround.choices, blank=True
    )
    rules_clause = models.PositiveSmallIntegerField(_("clause of the comment rules"), null=True)
    notice = models.ForeignKey(
        IllegalContentNotice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notice of illegal content"),
    )
    automated_rules = models.CharField(_("automated rules involved"), max_length=255, blank=True)
    automated_decision = models.BooleanField(_("decided without a moderator"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    emailed = models.BooleanField(_("sent by e-mail"), default=False)
    text = models.TextField(_("statement as sent"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("statement of reasons")
        verbose_name_plural = _("statements of reasons")
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_ground="") | Q(rules_clause__isnull=False),
                name="statement_has_ground",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return case_reference("S", self.pk, self.created_at)


class Appeal(models.Model):
    """A poster's complaint against a statement of reasons (Art. 20): decided once, by a
    moderator other than the one who took the first decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    class Outcome(models.TextChoices):
        REINSTATED = "reinstated", _("Comment reinstated")
        UPHELD = "upheld", _("Decision upheld")

    statement = models.OneToOneField(
        StatementOfReasons,
        on_delete=models.CASCADE,
        related_name="appeal",
        verbose_name=_("statement of reasons"),
    )
    explanation = models.TextField(
        _("the poster’s reasons"), validators=[MaxLengthValidator(EXPLANATION_MAX_LENGTH)]
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    decision_note = models.TextField(
        _("note to the poster"), blank=True, validators=[MaxLengthValidator(1000)]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-status", "created_at"]  # open ("open" > "decided") first, oldest first
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open") & Q(outcome="") & Q(decided_at__isnull=True))
                | (Q(status="decided") & ~Q(outcome="") & Q(decided_at__isnull=False)),
                name="appeal_decided_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return case_reference("A", self.pk, self.created_at)


class ReplySubscription(models.Model):
    """A poster's "notify me of replies" on one comment (comments.subscriptions)."""

    comment = models.OneToOneField(
        Comment,
        on_delete=models.CASCADE,
        related_name="reply_subscription",
        verbose_name=_("comment"),
    )
    # The language the comment was written in: the mails about its replies are too.
    language = models.CharField(_("language"), max_length=5, default="el")
    created_at = models.DateTimeField(_("subscribed at"), default=timezone.now)
    muted_at = models.DateTimeField(_("muted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reply notification")
        verbose_name_plural = _("reply notifications")

    def __str__(self) -> str:
        return f"#{self.comment_id}"


class ReplyMail(models.Model):
    """A reply whose notification was queued: at most one mail per reply, whatever happens
    to the reply later (hidden by reports and approved again, for instance)."""

    reply = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"#{self.reply_id}"


class UnconfirmedComment(models.Model):
    """A comment waiting for its poster to follow the confirmation link (setting
    COMMENTS_CONFIRM_EMAIL). Neither readers nor moderators see it: it becomes a Comment,
    screened by the usual rules, when confirmed, and is deleted unconfirmed after
    COMMENTS_CONFIRM_MAX_AGE (manage.py purge_unconfirmed_comments)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, related_name="+")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    email = models.EmailField()
    body = models.TextField(validators=[MaxLengthValidator(BODY_MAX_LENGTH)])
    ip_hash = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=300, blank=True)
    form_nonce = models.CharField(max_length=64, unique=True)
    form_age = models.FloatField(null=True)
    notify_replies = models.BooleanField(default=False)
    language = models.CharField(max_length=5, default="el")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["email"], name="unconfirmed_email")]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:60]}"


class ConfirmedAddress(models.Model):
    """An e-mail address confirmed from one poster's address: later comments with both
    skip the confirmation. Only keyed hashes are stored (comments.confirmation)."""

    email_hash = models.CharField(max_length=64)
    ip_hash = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email_hash", "ip_hash"], name="one_confirmation"),
        ]

    def __str__(self) -> str:
        return f"{self.email_hash[:12]}… ({self.confirmed_at:%Y-%m-%d})"
