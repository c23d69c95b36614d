"""The client's address, as far as our own proxies vouch for it."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or the X-Forwarded-For entry TRUSTED_PROXY_COUNT hops back.

    Each trusted proxy appends the address it saw, so the rightmost N entries are
    trustworthy and anything to their left may be forged by the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def axes_client_ip(request) -> str:
    return client_ip(request)
