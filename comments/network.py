"""Who is posting, as far as the comment rules need to know: a keyed hash of the address.

The raw address is never stored or logged. It is reduced to an HMAC-SHA256 keyed with
SECRET_KEY, so the same address always gives the same hash (for rate limits, reports,
blocking and "has this reader been approved before") but the hash cannot be reversed by
trying all four billion IPv4 addresses without the key. An IPv6 client usually controls a
whole /64 network, so IPv6 addresses are reduced to their /64 first: otherwise a flooder
would simply count through the addresses of its own network.
"""

from __future__ import annotations

import ipaddress

from django.utils.crypto import salted_hmac

from newsportal.client_ip import UNKNOWN_ADDRESS, client_ip

# One definition of "the client's address" for the whole site (admin throttling too).
__all__ = [
    "UNKNOWN_ADDRESS",
    "client_ip",
    "hash_address",
    "hash_network",
    "request_ip_hash",
    "request_network_hash",
]

# The network one holder of an address usually controls as well: a home or office IPv4
# /24 is a stretch, but it is what three neighbouring addresses of one attacker share; an
# IPv6 customer routinely gets a /48 (RIPE-690 recommends /48 or /56), so /64s are free.
IPV4_NETWORK_PREFIX = 24
IPV6_NETWORK_PREFIX = 48


def hash_address(address: str) -> str:
    """The stored form of an IP address (or of its /64 network for IPv6)."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        parsed = None
    if parsed is not None and parsed.version == 6:
        key = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    else:
        key = str(parsed) if parsed is not None else address.strip()
    return salted_hmac("comments.ip-address", key, algorithm="sha256").hexdigest()


def hash_network(address: str) -> str:
    """The stored form of the network around an address (IPv4 /24, IPv6 /48), for counting
    reports per network rather than per address."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return hash_address(address)
    prefix = IPV6_NETWORK_PREFIX if parsed.version == 6 else IPV4_NETWORK_PREFIX
    key = str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))
    return salted_hmac("comments.ip-network", key, algorithm="sha256").hexdigest()


def request_network_hash(request) -> str:
    return hash_network(client_ip(request))


def request_ip_hash(request) -> str:
    cached = getattr(request, "_comments_ip_hash", None)
    if cached is None:
        cached = request._comments_ip_hash = hash_address(client_ip(request))
    return cached


def is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return True


def is_address_hash(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)
