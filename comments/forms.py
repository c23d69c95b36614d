"""The reader's comment form and report form.

Only the fields a reader may fill are here: status, article, address and time are set
by the service, so extra POST keys ("status=approved", "article=7") change nothing.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from comments import text
from comments.models import BODY_MAX_LENGTH, NAME_MAX_LENGTH, CommentReport, validate_plain_text


class PlainTextField(forms.CharField):
    """Plain text as typed: newlines normalised, direction controls removed, control
    characters (NUL included) refused with our own message rather than Django's."""

    def __init__(self, *, limit: int, too_long: str, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.validators += [MaxLengthValidator(limit, message=too_long), validate_plain_text]

    def to_python(self, value):
        value = super().to_python(value)
        return text.strip_bidi_controls(text.normalise_newlines(value)).strip()


class CommentForm(forms.Form):
    name = PlainTextField(
        label=_("Name"),
        limit=NAME_MAX_LENGTH,
        too_long=_("Keep the name to %(limit_value)d characters (it has %(show_value)d)."),
        error_messages={"required": _("Write the name to show with your comment.")},
    )
    email = forms.EmailField(
        label=_("E-mail (optional, never shown)"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter a valid e-mail address, or leave it empty.")},
    )
    body = PlainTextField(
        label=_("Comment"),
        limit=BODY_MAX_LENGTH,
        too_long=_("Your comment is %(show_value)d characters long; the limit is %(limit_value)d."),
        error_messages={"required": _("Write your comment before sending it.")},
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    token = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling bots.
    website = forms.CharField(required=False, max_length=500, label=_("Leave this field empty"))
    notify_replies = forms.BooleanField(required=False, label=_("Tell me of replies by e-mail"))

    def clean(self):
        # E-mail for commenters (comments/subscriptions.py, confirmation.py): an address
        # is needed to mail the replies, or the confirmation link.
        data = super().clean()
        if "email" in data and not data["email"]:
            if settings.COMMENTS_CONFIRM_EMAIL:
                self.add_error(
                    "email", _("Write your e-mail: we send you a link to confirm the comment.")
                )
            elif data.get("notify_replies"):
                self.add_error("email", _("Write your e-mail to be told of replies."))
        return data


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should moderators look at this comment?"),
        choices=CommentReport.Reason.choices,
        initial=CommentReport.Reason.OTHER,
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_reason(self) -> str:
        return self.cleaned_data.get("reason") or CommentReport.Reason.OTHER
