""" "My comments": a reader without an account gets, downloads and erases their comments.

A reader types their e-mail; whatever the address, the page answers the same (no one
learns whether an address has comments here), and only an address with comments is
mailed a signed link that works for COMMENTS_MY_COMMENTS_MAX_AGE (GDPR Art. 15 and 20:
see them and take them away as JSON; Art. 17: erase them). Requests are rate-limited per
poster's address (the comment limits) and per recipient (commenter_mail.may_mail).

The link names one of the address's comments by a signed number (never the address, which
would end up in access logs); it opens every comment written with that address.

Erasing: a comment nobody else replied to is deleted, with the replies below it that are
the reader's own. A comment others replied to stays in its place, so their replies keep
their context: its name, text, e-mail, address hash and browser are emptied and readers see
"[erased by its author]" instead (comments.rendering). Reply notifications, a confirmation
remembered for the address, comments still waiting for confirmation and the mails queued
or sent to it leave with them. The comments sections concerned (and the cards' counts)
move when the erasure commits.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from articles.live_parts import comments_changed
from comments import commenter_mail, services
from comments.models import Comment, ConfirmedAddress, ReplySubscription, UnconfirmedComment
from newsportal import mail

logger = logging.getLogger(__name__)


def _written_with(email: str):
    return Comment.objects.filter(email=email.strip().lower()).exclude(email="")


def request_link(email: str) -> bool:
    """Mail the link if the address has comments (and was not mailed too often this hour).
    Returns whether a mail was queued: for tests and logs, never for the page."""
    email = email.strip().lower()
    newest = _written_with(email).order_by("-created_at", "-pk").first()
    if newest is None or not commenter_mail.may_mail("my-comments", email):
        logger.info("my comments: no link for %s", mail.recipient_tag(email))
        return False
    token = commenter_mail.sign("mine", newest.pk)
    mail.send_later(
        to=email,
        template="comments/mail/my_comments",
        context={
            "site_name": settings.SITE_NAME,
            "hours": settings.COMMENTS_MY_COMMENTS_MAX_AGE // 3600,
            "link": mail.absolute_url(reverse("comments:mine", kwargs={"token": token})),
        },
    )
    logger.info("my comments: link queued for %s", mail.recipient_tag(email))
    return True


def email_of(token: str) -> str:
    """The address a link opens, or commenter_mail.LinkExpired / LinkInvalid (also once
    its comments were erased)."""
    pk = commenter_mail.unsign("mine", token, max_age=settings.COMMENTS_MY_COMMENTS_MAX_AGE)
    email = Comment.objects.filter(pk=pk).values_list("email", flat=True).first()
    if not email:
        raise commenter_mail.LinkInvalid
    return email


def comments_of(email: str):
    return _written_with(email).select_related("article").order_by("-created_at", "-pk")


def export(email: str) -> list[dict]:
    """Everything stored with the reader's comments that is theirs to take away."""
    rows = []
    for comment in comments_of(email).select_related("article__category"):
        with translation.override(comment.article.language):
            url = mail.absolute_url(comment.article.get_absolute_url())
        rows.append(
            {
                "id": comment.pk,
                "article": {"headline": comment.article.headline, "url": url},
                "in_reply_to": comment.parent_id,
                "posted_at": comment.created_at.isoformat(),
                "status": comment.status,
                "name": comment.name,
                "email": comment.email,
                "text": comment.body,
                "reply_notifications": _notifications(comment),
            }
        )
    return rows


def _notifications(comment: Comment) -> str:
    subscription = ReplySubscription.objects.filter(comment=comment).first()
    if subscription is None:
        return "none"
    return "muted" if subscription.muted_at else "on"


def erase(email: str, now: datetime | None = None) -> int:
    """Erase every comment written with the address (see the module's docstring);
    returns how many."""
    email = email.strip().lower()
    with transaction.atomic():
        mine = list(_written_with(email).select_for_update().values_list("pk", "article_id"))
        ids = {pk for pk, _article in mine}
        # The comments that someone else's reply hangs under: kept, emptied.
        kept = set()
        others_below = Comment.objects.filter(path__overlap=list(ids)).exclude(pk__in=ids)
        for path in others_below.values_list("path", flat=True):
            kept.update(pk for pk in path if pk in ids)
        deleted = [Comment(pk=pk) for pk in ids - kept]
        if deleted:
            services.delete_comments(comments=deleted)
        Comment.objects.filter(pk__in=kept).update(
            name="",
            email="",
            body="",
            body_html="",
            body_skeleton_md5="",
            ip_hash="",
            user_agent="",
        )
        ReplySubscription.objects.filter(comment_id__in=kept).delete()
        UnconfirmedComment.objects.filter(email=email).delete()
        ConfirmedAddress.objects.filter(email_hash=commenter_mail.email_hash(email)).delete()
        _forget_mails_to(email)
        for article_id in {article for _pk, article in mine}:
            comments_changed(article_id)
    logger.info("my comments: %d erased for %s", len(ids), mail.recipient_tag(email))
    return len(ids)


def _forget_mails_to(email: str) -> None:
    """The job queue keeps each mail's arguments (the address, the text) after sending:
    those to this address go, except one being sent right now."""
    DBTaskResult.objects.filter(
        task_path=mail.deliver.module_path, args_kwargs__kwargs__to=email
    ).exclude(status="RUNNING").delete()
