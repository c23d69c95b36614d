"""Confirmation by e-mail before a comment enters the queue (setting COMMENTS_CONFIRM_EMAIL).

When it is on, a comment needs an e-mail and is stored apart (UnconfirmedComment), seen by
neither readers nor moderators, and its poster is mailed a signed link that works for
COMMENTS_CONFIRM_MAX_AGE. Following it posts the comment through services.post_comment,
with every rule of a comment posted directly (the time the form was open included), and
it enters moderation as usual. `manage.py purge_unconfirmed_comments` deletes those never
confirmed once their link has expired (run it from cron or a timer, hourly).

An address confirmed once skips the step for later comments, but only from the same
address hash that posted the confirmed comment: an e-mail typed into a form proves nothing,
so skipping on the address alone would let anyone post under a confirmed one. Only keyed
hashes of both are kept (ConfirmedAddress). A bot that fills the hidden field gets no mail:
its comment goes straight to the spam folder, as without confirmation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from comments import commenter_mail, policy, services, subscriptions
from comments.models import Comment, ConfirmedAddress, UnconfirmedComment
from newsportal import mail

logger = logging.getLogger(__name__)


class TooManyMails(Exception):
    """This address was sent enough confirmation mails this hour."""


@dataclass(frozen=True)
class Draft:
    """A comment as the form gave it, before it is posted or held for confirmation."""

    article: Article
    parent: Comment | None
    name: str
    email: str
    body: str
    ip_hash: str
    user_agent: str
    nonce: str
    form_age: float | None
    honeypot: str
    notify_replies: bool
    language: str


def required() -> bool:
    return settings.COMMENTS_CONFIRM_EMAIL


def needed_for(draft: Draft) -> bool:
    """Whether this comment waits for its poster's confirmation."""
    if not required() or draft.honeypot.strip():
        return False
    return not ConfirmedAddress.objects.filter(
        email_hash=commenter_mail.email_hash(draft.email), ip_hash=draft.ip_hash
    ).exists()


def post(draft: Draft, *, now: datetime | None = None) -> Comment:
    """Post the comment at once (no confirmation needed) and record its opt-in."""
    with transaction.atomic():
        comment = services.post_comment(
            article=draft.article,
            parent=draft.parent,
            name=draft.name,
            email=draft.email,
            body=draft.body,
            ip_hash=draft.ip_hash,
            user_agent=draft.user_agent,
            nonce=draft.nonce,
            form_age=draft.form_age,
            honeypot=draft.honeypot,
            now=now,
        )
        if draft.notify_replies:
            subscriptions.subscribe(comment=comment, language=draft.language)
    return comment


def hold(draft: Draft) -> UnconfirmedComment:
    """Keep the comment apart and mail its poster the link (once per form, however often
    it is sent). ValidationError when the comment could not be posted anyway;
    TooManyMails when this address had enough links this hour."""
    if not policy.comments_open(draft.article):
        raise ValidationError(_("Comments on this article are closed."), code="closed")
    if draft.parent is not None and draft.parent.status != Comment.Status.APPROVED:
        raise ValidationError(
            _("The comment you are replying to is no longer available."), code="parent"
        )
    existing = UnconfirmedComment.objects.filter(form_nonce=draft.nonce).first()
    if existing is not None:
        return existing
    if not commenter_mail.may_mail("confirm", draft.email):
        raise TooManyMails
    held = UnconfirmedComment(
        article=draft.article,
        parent=draft.parent,
        name=draft.name,
        email=draft.email.strip().lower(),
        body=draft.body,
        ip_hash=draft.ip_hash,
        user_agent=draft.user_agent[:300],
        form_nonce=draft.nonce,
        form_age=draft.form_age,
        notify_replies=draft.notify_replies,
        language=draft.language,
    )
    try:
        with transaction.atomic():
            held.save()
            _mail_link(held)
    except IntegrityError:  # the same form at the same instant: the first one is kept
        return UnconfirmedComment.objects.get(form_nonce=draft.nonce)
    logger.info(
        "comment on article %s held for confirmation by %s",
        held.article_id,
        mail.recipient_tag(held.email),
    )
    return held


def _mail_link(held: UnconfirmedComment) -> None:
    token = commenter_mail.sign("confirm", held.pk)
    with translation.override(held.language):
        mail.send_later(
            to=held.email,
            template="comments/mail/confirm",
            context={
                "name": held.name,
                "body": held.body,
                "headline": held.article.headline,
                "hours": settings.COMMENTS_CONFIRM_MAX_AGE // 3600,
                "confirm_url": mail.absolute_url(
                    reverse("comments:confirm", kwargs={"token": token})
                ),
            },
        )


def find(token: str) -> UnconfirmedComment:
    """The comment a confirmation link is for, or commenter_mail.LinkExpired / LinkInvalid
    (also when it was confirmed already, or purged)."""
    pk = commenter_mail.unsign("confirm", token, max_age=settings.COMMENTS_CONFIRM_MAX_AGE)
    held = UnconfirmedComment.objects.select_related("article", "parent").filter(pk=pk).first()
    if held is None:
        raise commenter_mail.LinkInvalid
    return held


def confirm(held: UnconfirmedComment) -> Comment:
    """Post the held comment (it enters moderation as usual) and remember the address."""
    with transaction.atomic():
        locked = UnconfirmedComment.objects.select_for_update().filter(pk=held.pk).first()
        if locked is None:  # confirmed by another click a moment ago
            raise commenter_mail.LinkInvalid
        comment = post(
            Draft(
                article=held.article,
                parent=held.parent,
                name=held.name,
                email=held.email,
                body=held.body,
                ip_hash=held.ip_hash,
                user_agent=held.user_agent,
                nonce=held.form_nonce,
                form_age=held.form_age,
                honeypot="",
                notify_replies=held.notify_replies,
                language=held.language,
            ),
        )
        ConfirmedAddress.objects.get_or_create(
            email_hash=commenter_mail.email_hash(held.email), ip_hash=held.ip_hash
        )
        locked.delete()
    logger.info("comment %s confirmed by %s", comment.pk, mail.recipient_tag(held.email))
    return comment


def purge_expired(now: datetime | None = None) -> int:
    """Delete the comments whose confirmation link has expired; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.COMMENTS_CONFIRM_MAX_AGE)
    deleted, _by_model = UnconfirmedComment.objects.filter(created_at__lt=cutoff).delete()
    if deleted:
        logger.info("%d unconfirmed comments deleted after their link expired", deleted)
    return deleted
