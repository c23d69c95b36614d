"""E-mail to readers, sent from the job queue and retried until the server takes it.

`send_later()` renders the message now (in the active language, from
templates/<template>.txt, whose first line is the subject) and enqueues one task in the
current transaction: the mail leaves only if the change that asked for it commits, and
a mail server that is down or refuses costs a retry later (settings.EMAIL_RETRY_DELAYS),
never the comment or the decision. Addresses are never logged: a log line names the
message by its task and the recipient by a short hash.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# Raised by a server that is down, unreachable, or answering 4xx/5xx.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


class MailNotDelivered(Exception):
    """The last attempt failed; says why without the address the server's error names."""


def absolute_url(path: str) -> str:
    """The link a reader follows from a mail (mail is written outside any request)."""
    return settings.SITE_URL + path


def recipient_tag(address: str) -> str:
    """What logs say instead of an address: enough to match two lines, not to mail anyone."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:10]


def render(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) of templates/<template>.txt: the first line is the subject. Plain
    text is rendered without HTML escaping (a name with "&" stays "&")."""
    compiled = get_template(f"{template}.txt").template
    text = compiled.render(Context(context, autoescape=False)).strip("\n")
    subject, _, body = text.partition("\n")
    return " ".join(subject.split()), body.lstrip("\n") + "\n"


def send_later(*, to: str, template: str, context: dict, headers: dict | None = None) -> None:
    """Render the message and queue it with the current transaction."""
    subject, body = render(template, context)
    deliver.enqueue(to=to, subject=subject, body=body, headers=headers or {}, attempt=0)


@task()
def deliver(*, to: str, subject: str, body: str, headers: dict, attempt: int) -> str:
    message = EmailMessage(subject=subject, body=body, to=[to], headers=headers)
    try:
        message.send()
    except DELIVERY_ERRORS as error:
        delays = settings.EMAIL_RETRY_DELAYS
        if attempt >= len(delays):
            logger.error(
                "mail to %s given up after %d attempts: %s",
                recipient_tag(to),
                attempt + 1,
                type(error).__name__,
            )
            raise MailNotDelivered(type(error).__name__) from None
        logger.warning(
            "mail to %s not sent (%s); retrying in %d s",
            recipient_tag(to),
            type(error).__name__,
            delays[attempt],
        )
        deliver.using(run_after=timezone.now() + timedelta(seconds=delays[attempt])).enqueue(
            to=to, subject=subject, body=body, headers=headers, attempt=attempt + 1
        )
        return "retrying"
    return "sent"
