"""Where a comment or report comes from: the check that stands in for the CSRF cookie.

Article pages are cached for everyone and carry no per-visitor token, so a reader without
JavaScript cannot send Django's CSRF token with a comment. What a CSRF token would stop
here is another site making its visitors' browsers post for it: a comment from their
address, with their approved history (published at once under post-moderation), or
reports from many addresses (enough of them hide any comment). Browsers tell where a
request comes from, and a page cannot make them lie:

- ``Sec-Fetch-Site`` (every current browser): "cross-site" is refused; "same-origin" and
  "none" (typed or bookmarked by the reader) are ours. "same-site" (a sibling subdomain)
  is decided by Origin below: a subdomain that serves other people's pages must not post
  for its visitors, so only an origin listed in CSRF_TRUSTED_ORIGINS is accepted.
- ``Origin`` (every browser on a form POST since 2020): ours if it is this request's
  scheme and host, or listed in CSRF_TRUSTED_ORIGINS; anything else (and "null") is refused.
- ``Referer`` when both are missing (older browsers): the same test on its origin.
- None of them (a very old browser with referrers turned off, curl): nothing tells, so
  the reader confirms once on a page of ours that carries Django's CSRF token, and the
  confirmation is checked with Django's own CSRF check, quietly (no WARNING).

The signed form token (comments.tokens) still binds a form to an article, a time and a
nonce when the form has one (with JavaScript, on reply and confirmation pages).
"""

from __future__ import annotations

import enum
from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import is_same_domain


class Origin(enum.Enum):
    OURS = "ours"
    FOREIGN = "foreign"
    UNKNOWN = "unknown"


def of(request) -> Origin:
    """Where this POST was sent from, as far as the browser says."""
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site == "cross-site":
        return Origin.FOREIGN
    origin = request.headers.get("Origin")
    if origin is not None:
        return Origin.OURS if _is_ours(request, origin) else Origin.FOREIGN
    if fetch_site in {"same-origin", "none"}:
        return Origin.OURS
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        if parts.scheme and parts.netloc:
            return (
                Origin.OURS
                if _is_ours(request, f"{parts.scheme}://{parts.netloc}")
                else (Origin.FOREIGN)
            )
        return Origin.FOREIGN
    return Origin.UNKNOWN


def _is_ours(request, origin: str) -> bool:
    origin = origin.strip().lower()
    if origin == f"{request.scheme}://{request.get_host()}".lower():
        return True
    parts = urlsplit(origin)
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        allowed = urlsplit(trusted.lower())
        if allowed.scheme == parts.scheme and (
            allowed.netloc == parts.netloc
            or ("*" in allowed.netloc and is_same_domain(parts.netloc, allowed.netloc[1:]))
        ):
            return True
    return False


class _QuietCsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check that answers yes or no: no failure page, nothing logged."""

    def _reject(self, request, reason):
        return reason

    def _accept(self, request):
        return None


def _needs_csrf(request):  # stands for "a view that is not exempt" in the check below
    raise AssertionError("never called")


def confirmed(request) -> bool:
    """Whether a POST of unknown origin carries a valid CSRF token (sent from the
    confirmation page, which has one)."""
    check = _QuietCsrfCheck(lambda request: None)
    return check.process_view(request, _needs_csrf, (), {}) is None
