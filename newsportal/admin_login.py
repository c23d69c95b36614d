"""The admin's login form, refusing requests that cannot come from a person before any
password is checked.

django-axes records every failed login (username, user agent, Accept header, the query
string and the other POST fields) in varchar columns. A username longer than those
columns, or a NUL byte in any of these values (PostgreSQL refuses NUL in text), would
turn the failed login into a 500. Such a request is answered as a wrong login (the
same message, status 200) without calling authenticate(): no password is checked, so it
cannot be used to guess one either.
"""

from __future__ import annotations

import unicodedata

from django.contrib.admin.forms import AdminAuthenticationForm

# The headers django-axes stores with each attempt.
STORED_HEADERS = ("HTTP_USER_AGENT", "HTTP_ACCEPT")


def _has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in value)


class AdminLoginForm(AdminAuthenticationForm):
    def _from_a_person(self) -> bool:
        username = self.data.get("username", "")
        if len(username) > (self.username_field.max_length or 150):
            return False
        request = self.request
        values = [*self.data.values()]
        if request is not None:
            values += [*request.GET.values(), *(request.META.get(h, "") for h in STORED_HEADERS)]
        return not any(_has_control_characters(str(value)) for value in values)

    def clean(self):
        if not self._from_a_person():
            raise self.get_invalid_login_error()
        return super().clean()
