"""The client's address, as far as our own proxies vouch for it."""

from __future__ import annotations

import ipaddress

from django.conf import settings

# A placeholder value for an unparseable address, never bound to.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104  # nosec B104


def client_ip(request) -> str:
    """REMOTE_ADDR, or the X-Forwarded-For entry our proxies added.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so with N trusted
    proxies (TRUSTED_PROXY_COUNT) the client is the N-th entry from the right; anything
    further left was written by the client and is ignored. Unparseable values become
    UNKNOWN_ADDRESS; IPv4-mapped IPv6 addresses are written as IPv4.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            remote = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return UNKNOWN_ADDRESS
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def axes_client_ip(request) -> str:
    return client_ip(request)
