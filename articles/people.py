"""How the portal names a person: an article's author on the page, in its metadata and
feeds, and the editor holding a lock or saving a revision in the admin."""

from __future__ import annotations


def display_name(user) -> str:
    """The user's full name, else the username; "" for no user (a deleted account)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
