"""The report form with its notice of illegal content, and the poster's appeal form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comments.forms import PlainTextField, ReportForm
from comments.models import (
    EXPLANATION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    CommentReport,
    LegalGround,
)

EXPLANATION_MIN_LENGTH = 20


class NoticeForm(ReportForm):
    """A report; with "illegal content" it is a notice under Art. 16 DSA, which needs the
    reasons, the legal ground and the reporter's good faith (name and e-mail optional).
    The fields are on the page for everyone (no script needed) and required only then."""

    ground = forms.ChoiceField(
        label=_("Which law does it break?"),
        choices=[("", "---------"), *LegalGround.choices],
        required=False,
    )
    explanation = PlainTextField(
        label=_("Why is it illegal?"),
        limit=EXPLANATION_MAX_LENGTH,
        too_long=_("Keep the explanation to %(limit_value)d characters (it has %(show_value)d)."),
        required=False,
    )
    reporter_name = PlainTextField(
        label=_("Your name (optional)"),
        limit=NAME_MAX_LENGTH,
        too_long=_("Keep the name to %(limit_value)d characters (it has %(show_value)d)."),
        required=False,
    )
    reporter_email = forms.EmailField(
        label=_("Your e-mail (optional: for the receipt and the decision)"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter a valid e-mail address, or leave it empty.")},
    )
    good_faith = forms.BooleanField(
        label=_(
            "I confirm in good faith that the information and allegations in this notice are "
            "accurate and complete."
        ),
        required=False,
    )

    def is_notice(self) -> bool:
        return self.cleaned_data.get("reason") == CommentReport.Reason.ILLEGAL

    def clean(self):
        data = super().clean()
        if not self.is_notice():
            return data
        if not data.get("ground"):
            self.add_error("ground", _("Choose which law the comment breaks."))
        explanation = data.get("explanation", "")
        if "explanation" not in self.errors and len(explanation) < EXPLANATION_MIN_LENGTH:
            self.add_error(
                "explanation",
                _("Explain in at least %(count)d characters why the comment is illegal.")
                % {"count": EXPLANATION_MIN_LENGTH},
            )
        if not data.get("good_faith"):
            self.add_error("good_faith", _("Confirm that your notice is made in good faith."))
        return data


class AppealForm(forms.Form):
    explanation = PlainTextField(
        label=_("Why should the decision change?"),
        limit=EXPLANATION_MAX_LENGTH,
        too_long=_("Keep your reasons to %(limit_value)d characters (it has %(show_value)d)."),
        error_messages={"required": _("Write why you think the decision is wrong.")},
    )
