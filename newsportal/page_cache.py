"""The whole-page cache for anonymous readers, keyed by the freshness token.

A reader page is answered from the cache, with no database query, when the visitor
carries no session or messages cookie: logged-in editors and readers who just posted
a comment always get a fresh page. Keys carry `articles.freshness.current_version()`,
so any change readers could see (publishing, editing, withdrawing, a comment approved,
a scheduled article falling due) is visible on the very next request, and an entry
never outlives the next scheduled article. Pages carry a weak ETag built from the same
token, so a browser or proxy revalidating gets a 304 for the price of a cache read.

Only the views named in PAGE_CACHE_VIEWS are cached, and only responses that set no
cookie and did not read the session: a page that rendered a CSRF token for this visitor
(Vary: Cookie) is never stored.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags

from articles import freshness
from newsportal.local_memo import LocalMemo
from newsportal.view_names import view_name_of

# Query parameters that change what a page shows; a URL with any other is served, not cached
# (otherwise random ?x=... values would fill the cache).
CACHEABLE_PARAMETERS = {"page", "comments", "before"}
# Tracking parameters that never change a page: ignored for the key.
IGNORED_PARAMETERS = {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
                      "fbclid", "gclid"}  # fmt: skip
# Headers set per response by middleware outside this one, or about this response only.
NOT_REPLAYED_HEADERS = {
    "set-cookie", "date", "etag", "cache-control", "content-length", "x-request-id",
    "content-security-policy", "content-security-policy-report-only",
}  # fmt: skip


# Pages this process has answered, kept in its own memory as well: a hit then costs one
# small read of the token from the shared cache instead of the whole page's bytes. Keys
# carry the token, so a change made by any instance is seen on the next request here too.
LOCAL_PAGES = LocalMemo(max_bytes=settings.PAGE_CACHE_LOCAL_BYTES)


def _eligible(request) -> bool:
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or settings.MESSAGES_COOKIE_NAME in cookies:
        return False
    if not set(request.GET) - IGNORED_PARAMETERS <= CACHEABLE_PARAMETERS:
        return False
    return view_name_of(request.path_info) in settings.PAGE_CACHE_VIEWS


def _key(request, version: str) -> str:
    query = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name not in IGNORED_PARAMETERS
        for value in values
    )
    identity = f"{request.get_host()}|{request.path}|{urlencode(query)}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"page:{version}:{digest}"


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return False
    return "cookie" not in response.get("Vary", "").lower()


def _mark_public(response, etag: str) -> None:
    response["ETag"] = etag
    # Anyone may keep a copy, but must revalidate it: the ETag answers that cheaply.
    response["Cache-Control"] = "public, no-cache"


class AnonymousPageCacheMiddleware:
    """Answers a hit before sessions, CSRF, locale, messages and the view are involved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        version = freshness.current_version()
        key = _key(request, version)
        etag = f'W/"{key.rsplit(":", 1)[1][:20]}-{version}"'
        if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            response = HttpResponseNotModified()
            _mark_public(response, etag)
            return response
        cached = LOCAL_PAGES.get(key)
        if cached is None:
            cached = cache.get(key)
            if cached is not None:
                LOCAL_PAGES.set(key, cached, len(cached[0]), settings.PAGE_CACHE_SECONDS)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            _mark_public(response, etag)
            return response

        response = self.get_response(request)
        if _storable(response):
            _mark_public(response, etag)
            timeout = settings.PAGE_CACHE_SECONDS
            until_due = freshness.seconds_until_next_due()
            if until_due is not None:
                timeout = min(timeout, int(until_due))
            if timeout > 0:
                # The headers the inner middleware gave the page (language, framing, Vary),
                # replayed on hits; outer middleware (CSP, security, request id) adds its own.
                headers = [
                    (name, value)
                    for name, value in response.items()
                    if name.lower() not in NOT_REPLAYED_HEADERS
                ]
                cache.set(key, (response.content, headers), timeout)
                LOCAL_PAGES.set(key, (response.content, headers), len(response.content), timeout)
        return response
