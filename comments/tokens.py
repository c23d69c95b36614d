"""The signed form token: which article a form is for, a one-time number, and when it was made.

Article pages are cached for everyone, so their comment forms carry no token; the page's
script fetches one (with a CSRF token) the first time a reader touches a form, and pages
served per visitor (the reply page, a form shown again) carry a fresh one. The token
tells the server three things a bot would rather hide: how long the form was open
(too fast is held), whether it is stale (expired is refused, text kept) and whether it was
already used (the nonce is unique on the comment, so a double submit stores one comment).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from comments.models import new_nonce

SALT = "comments.form-token"
# A token from a clock slightly ahead is fine; one from the far future was forged.
CLOCK_SKEW = 60


class TokenError(Exception):
    code = "invalid"


class TokenMissing(TokenError):
    code = "missing"


class TokenExpired(TokenError):
    code = "expired"


class TokenInvalid(TokenError):
    code = "invalid"


@dataclass(frozen=True)
class FormToken:
    article_id: int
    nonce: str
    issued_at: float

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.issued_at


def issue(article_id: int, now: float | None = None) -> str:
    issued = time.time() if now is None else now
    return signing.dumps({"a": article_id, "n": new_nonce(), "t": round(issued, 3)}, salt=SALT)


def read(token: str, *, article_id: int, now: float | None = None) -> FormToken:
    """The token's contents, or TokenMissing / TokenExpired / TokenInvalid."""
    if not token:
        raise TokenMissing
    now = time.time() if now is None else now
    try:
        data = signing.loads(token, salt=SALT)
        parsed = FormToken(
            article_id=int(data["a"]), nonce=str(data["n"]), issued_at=float(data["t"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise TokenInvalid from None
    if parsed.article_id != article_id or parsed.issued_at > now + CLOCK_SKEW:
        raise TokenInvalid
    if not 8 <= len(parsed.nonce) <= 64:
        raise TokenInvalid
    if parsed.age(now) > settings.COMMENTS_FORM_MAX_AGE:
        raise TokenExpired
    return parsed
