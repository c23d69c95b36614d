"""django-csp's middleware, with the site-wide policy built once.

The stock middleware rebuilds the header from the settings for every response (two
policy builds, each a deep copy of the directives): about a sixth of what a cached page
costs. A response with no policy of its own (every reader page) gets the same string,
built once per settings object; anything else (the admin's exceptions, a nonce, a
report-only policy, excluded prefixes) goes through the stock code unchanged.
"""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

from articles.embeds import frame_sources

# Attributes through which a view or middleware gives a response its own policy.
_RESPONSE_PARTS = (
    "_csp_config", "_csp_update", "_csp_replace",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro",
)  # fmt: skip

_built: tuple[object, str] | None = None


def site_policy() -> str:
    """The header of the site-wide policy, rebuilt only when the setting is replaced."""
    global _built
    configured = settings.CONTENT_SECURITY_POLICY
    if _built is None or _built[0] is not configured:
        _built = (configured, build_policy())
    return _built[1]


def _has_own_policy(request, response) -> bool:
    if getattr(request, "_csp_nonce", None) is not None:
        return True
    if any(getattr(response, name, None) is not None for name in _RESPONSE_PARTS):
        return True
    if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
        return True
    if (settings.CONTENT_SECURITY_POLICY or {}).get("EXCLUDE_URL_PREFIXES"):
        return True
    return settings.DEBUG  # the stock code leaves debug error pages alone


# A page that carries embeds names their providers here (articles/embeds.py); the header
# never leaves the server.
EMBEDS_HEADER = "X-Embeds"


def _embed_frames(response) -> list[str]:
    if EMBEDS_HEADER not in response:
        return []
    from_header = response[EMBEDS_HEADER].split()
    del response[EMBEDS_HEADER]
    return frame_sources(from_header)


class SitePolicyCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        frames = _embed_frames(response)
        if frames and not getattr(response, "_csp_exempt", False):
            # Exactly the frames of the providers this page embeds, on this page only.
            response._csp_update = {"frame-src": frames}
        if _has_own_policy(request, response):
            return super().process_response(request, response)
        if HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[HEADER] = site_policy()
        # As the stock code does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
