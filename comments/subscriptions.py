""" "Notify me of replies": one mail per published reply, with a one-click mute.

A poster who gave an e-mail and ticked the box hears of each reply to their comment once
it is published (approved by a moderator, or at once under post-moderation), in the
language they wrote the comment in. Never for their own replies (the same e-mail or the
same address hash), never twice for one reply (ReplyMail), never while the comment above
is hidden.

Muting covers every subscription of that address, not one thread: a reader who presses
"unsubscribe" in their mail program expects to stop hearing from us, and one link per
thread would leave them muting thread after thread. Ticking the box again on a later
comment is a new, explicit request and is honoured. The mute link names the subscription
by a signed number, never the address (links end up in access logs); it never expires.
A GET shows a page with a button; a POST mutes (RFC 8058: mail programs POST
"List-Unsubscribe=One-Click" to the same URL, without a page).
"""

from __future__ import annotations

import logging

from django.urls import reverse
from django.utils import timezone, translation

from comments import commenter_mail
from comments.models import Comment, ReplyMail, ReplySubscription
from newsportal import mail

logger = logging.getLogger(__name__)


def subscribe(*, comment: Comment, language: str) -> ReplySubscription | None:
    """Record the opt-in of a comment that has an e-mail (a repeated form changes nothing)."""
    if not comment.email:
        return None
    subscription, _created = ReplySubscription.objects.get_or_create(
        comment=comment, defaults={"language": language}
    )
    return subscription


def mute_token(subscription: ReplySubscription) -> str:
    return commenter_mail.sign("mute", subscription.pk)


def read_mute_token(token: str) -> ReplySubscription | None:
    try:
        pk = commenter_mail.unsign("mute", token, max_age=None)
    except commenter_mail.LinkInvalid:
        return None
    return ReplySubscription.objects.select_related("comment").filter(pk=pk).first()


def mute(subscription: ReplySubscription) -> int:
    """Mute every reply notification of the subscription's address; returns how many."""
    email = subscription.comment.email
    subscriptions = ReplySubscription.objects.filter(muted_at__isnull=True)
    if email:
        subscriptions = subscriptions.filter(comment__email=email)
    else:  # the comment was erased meanwhile: only this one is left to mute
        subscriptions = subscriptions.filter(pk=subscription.pk)
    muted = subscriptions.update(muted_at=timezone.now())
    logger.info("reply notifications muted for %s (%d)", mail.recipient_tag(email), muted)
    return muted


def _is_own_reply(reply: Comment, above: Comment) -> bool:
    return (bool(reply.email) and reply.email == above.email) or reply.ip_hash == above.ip_hash


def reply_published(reply: Comment) -> bool:
    """Queue the mail about a reply that readers can now see (in the caller's transaction,
    so a rolled-back approval sends nothing). Returns whether a mail was queued."""
    if reply.parent_id is None:
        return False
    subscription = (
        ReplySubscription.objects.select_related("comment__article")
        .filter(comment_id=reply.parent_id, muted_at__isnull=True)
        .first()
    )
    if subscription is None:
        return False
    above = subscription.comment
    if not above.email or _is_own_reply(reply, above):
        return False
    hidden_above = Comment.objects.filter(pk__in=reply.path).exclude(pk=reply.pk)
    if hidden_above.exclude(status=Comment.Status.APPROVED).exists():
        return False
    _sent, created = ReplyMail.objects.get_or_create(reply=reply)
    if not created:
        return False
    article = above.article
    with translation.override(subscription.language):
        mute_url = mail.absolute_url(
            reverse("comments:mute", kwargs={"token": mute_token(subscription)})
        )
        mail.send_later(
            to=above.email,
            template="comments/mail/reply",
            context={
                "name": above.name,
                "replier": reply.name,
                "reply": reply.body,
                "headline": article.headline,
                "reply_url": mail.absolute_url(f"{article.get_absolute_url()}#comment-{reply.pk}"),
                "mute_url": mute_url,
            },
            headers={
                "List-Unsubscribe": f"<{mute_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    logger.info("reply %s: notification queued for %s", reply.pk, mail.recipient_tag(above.email))
    return True
