"""What the mails to commenters share: signed links and a limit per recipient.

Links name a row by a signed number, never an address: URLs end up in access logs and
browser histories. The limit per recipient keeps the forms that send mail (confirmation,
"my comments") from flooding someone else's mailbox with our messages, whoever types
the address; it counts by the address's log tag in the "counters" cache.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.utils.crypto import salted_hmac

from newsportal import mail


class LinkInvalid(Exception):
    """Forged, altered, or for something that is gone."""


class LinkExpired(LinkInvalid):
    pass


def sign(kind: str, pk: int) -> str:
    return signing.dumps(pk, salt=f"comments.link.{kind}")


def unsign(kind: str, token: str, *, max_age: int | None) -> int:
    """The number a link was signed for, or LinkExpired / LinkInvalid."""
    try:
        return int(signing.loads(token, salt=f"comments.link.{kind}", max_age=max_age))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, TypeError, ValueError):
        raise LinkInvalid from None


def email_hash(email: str) -> str:
    """A keyed hash of an address, for what is kept about it beside its comments."""
    return salted_hmac("comments.email", email.strip().lower(), algorithm="sha256").hexdigest()


def may_mail(kind: str, email: str, now: float | None = None) -> bool:
    """Count one mail of this kind to this address; False once the hour's limit is reached
    (when the counters are unavailable, mail is allowed: the rate limit per poster's
    address still holds)."""
    now = time.time() if now is None else now
    counters = caches["counters"]
    key = f"comments:mail:{kind}:{int(now // 3600)}:{mail.recipient_tag(email)}"
    counters.add(key, 0, timeout=3600 + 5)
    try:
        count = counters.incr(key)
    except ValueError:
        counters.add(key, 1, timeout=3600 + 5)
        count = 1
    return count is None or count <= settings.COMMENTS_MAILS_PER_ADDRESS_HOUR
