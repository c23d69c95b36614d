"""Security events worth a log line of their own, with the request id like every line.

django-axes masks the username and address in its own messages; operators still need
to know which account is under attack, so a lockout is logged here with the username
(accounts are staff, not readers) and the keyed hash of the address, never the address.
"""

import logging

from axes.signals import user_locked_out
from django.dispatch import receiver

from comments.network import hash_address

logger = logging.getLogger("newsportal.security")


@receiver(user_locked_out)
def log_admin_lockout(sender, request, username, ip_address, **kwargs):
    address = hash_address(ip_address or "")[:12]
    logger.warning(
        "admin login locked out for %r from address %s… after repeated failures",
        username,
        address,
        extra={"event": "login_lockout", "username": username, "address_hash": address},
    )
