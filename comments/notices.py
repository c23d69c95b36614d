"""The acknowledgement a reader sees after posting or reporting, beside the comments.

Article pages come from a cache shared by every reader and the comments section is a
fragment kept per content version, so neither can hold "your comment awaits moderation".
The redirect after a post carries it instead: ``?notice=<signed code>#comment-notice``,
and the comments section tag shows it just above the comments, where the reader lands.
The code is signed together with the reader's address hash and expires after a few
minutes, so a link copied from the address bar shows nothing to anyone else, or later.
The page cache neither answers nor stores a URL with this parameter (not one of its own).
"""

from __future__ import annotations

import time

from django.core import signing
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from comments import network

PARAM = "notice"
ANCHOR = "comment-notice"
MAX_AGE = 10 * 60
PUBLISHED, HELD, REPORTED, ALREADY_REPORTED = "published", "held", "reported", "again"
LIKED, ALREADY_LIKED = "liked", "liked-again"
CONFIRM = "confirm"
TEXTS = {
    PUBLISHED: _("Thank you. Your comment has been published."),
    # Spam is acknowledged like any held comment: a bot learns nothing from the answer.
    HELD: _(
        "Thank you. Your comment awaits moderation: it will appear under the article "
        "once a moderator approves it."
    ),
    REPORTED: _("Thank you. The moderators will look at this comment."),
    ALREADY_REPORTED: _("You have already reported this comment. Thank you."),
    LIKED: _("Thank you. You like this comment."),
    ALREADY_LIKED: _("You already like this comment: a reader’s like counts once."),
    CONFIRM: _(
        "Thank you. We have sent you an e-mail: your comment goes to the moderators once "
        "you open the link in it."
    ),
}


# The code carries the minute it was made in, not the second: the same post sent twice at
# once (a double click) gets the same answer, and both land on the same page.
WINDOW = 60


def _signer(request) -> signing.Signer:
    return signing.Signer(salt=f"comments.notice:{network.request_ip_hash(request)}")


def text(code: str) -> str:
    return str(TEXTS[code])


def url_after(request, article_url: str, code: str) -> str:
    """Where a reader lands after posting or reporting: the notice above the comments."""
    minute = int(time.time() // WINDOW)
    return f"{article_url}?{PARAM}={_signer(request).sign(f'{code}.{minute}')}#{ANCHOR}"


def read(request) -> str:
    """The code this reader was sent back with, or "" (unsigned, someone else's, or old)."""
    value = request.GET.get(PARAM, "") if request is not None else ""
    if not value or len(value) > 100:
        return ""
    try:
        code, _, minute = _signer(request).unsign(value).rpartition(".")
    except signing.BadSignature:
        return ""
    if not minute.isdigit() or time.time() // WINDOW - int(minute) > MAX_AGE // WINDOW:
        return ""  # old: a link kept from an earlier visit
    return code if code in TEXTS else ""


def notice_html(request) -> SafeString:
    code = read(request)
    if not code:
        return SafeString("")
    return format_html(
        '<div class="messages comments__notice" id="{}" role="status" tabindex="-1">'
        '<p class="message message--{}">{}</p></div>',
        ANCHOR,
        "success" if code == PUBLISHED else "info",
        TEXTS[code],
    )
