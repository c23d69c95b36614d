"""The moderators' side of the DSA: notices to decide, statements of reasons to read,
appeals to decide (by another moderator), and the transparency figures with their CSV.

A notice or an appeal is decided on its own page, once: the decision goes through
comments.dsa.cases (which moderates the comment through comments.services), never by
saving the row as it is.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comments.dsa import cases, rules, statements, transparency
from comments.models import Appeal, IllegalContentNotice, ModerationLogEntry, StatementOfReasons

TRANSPARENCY_PERMISSION = "comments.view_transparency"


def _comment_link(comment_id: int | None, text: str) -> str:
    if comment_id is None:
        return format_html("{} ({})", Truncator(text).chars(80), gettext("erased"))
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:comments_comment_change", args=[comment_id]),
        Truncator(text).chars(80),
    )


class NoticeDecisionForm(forms.ModelForm):
    rules_reason = forms.ChoiceField(
        label=_("Comment rule broken"),
        choices=[("", "---------")]
        + [
            (reason, label)
            for reason, label in ModerationLogEntry.Reason.choices
            if reason in cases.RULES_REASONS
        ],
        required=False,
        help_text=_("Only for a removal under the comment rules."),
    )

    class Meta:
        model = IllegalContentNotice
        fields = ["decision", "decision_note"]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if not decision:
            self.add_error("decision", _("Choose a decision."))
        elif decision == IllegalContentNotice.Decision.REMOVED_RULES and not data.get(
            "rules_reason"
        ):
            self.add_error("rules_reason", _("Choose which comment rule the comment breaks."))
        return data


@admin.register(IllegalContentNotice)
class IllegalContentNoticeAdmin(admin.ModelAdmin):
    list_display = [
        "reference_column",
        "status",
        "ground",
        "comment_excerpt",
        "created_at",
        "decision",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "ground", "decision", "created_at"]
    list_select_related = ["decided_by"]
    date_hierarchy = "created_at"
    search_fields = ["comment_text", "explanation"]
    form = NoticeDecisionForm
    case_fields = [
        "reference_column",
        "status",
        "comment_excerpt",
        "comment_url",
        "comment_text",
        "ground",
        "explanation",
        "reporter_name",
        "reporter_email",
        "good_faith",
        "created_at",
    ]
    decided_fields = ["decision", "decision_note", "decided_by", "decided_at"]
    change_list_template = "admin/comments/illegalcontentnotice/change_list.html"

    def has_add_permission(self, request):
        return False  # notices come from readers, through the report form

    def has_delete_permission(self, request, obj=None):
        return False  # a case is a record

    def has_change_permission(self, request, obj=None):
        # A case is decided once: afterwards its page is a record to read.
        if obj is not None and obj.status == IllegalContentNotice.Status.DECIDED:
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status == IllegalContentNotice.Status.OPEN:
            return [*self.case_fields, "decision", "rules_reason", "decision_note"]
        return [*self.case_fields, *self.decided_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == IllegalContentNotice.Status.OPEN:
            return self.case_fields
        return [*self.case_fields, *self.decided_fields]

    @admin.display(description=_("reference"), ordering="pk")
    def reference_column(self, notice: IllegalContentNotice) -> str:
        return notice.reference

    @admin.display(description=_("comment"))
    def comment_excerpt(self, notice: IllegalContentNotice) -> str:
        return _comment_link(notice.comment_id, notice.comment_text)

    def save_model(self, request, obj, form, change):
        notice = cases.decide_notice(
            notice=obj,
            moderator=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data.get("rules_reason", ""),
            note=form.cleaned_data.get("decision_note", ""),
        )
        obj.__dict__.update(notice.__dict__)

    def get_urls(self):
        own = [
            path(
                "transparency/",
                self.admin_site.admin_view(self.transparency_view),
                name="comments_transparency",
            ),
            path(
                "transparency/csv/",
                self.admin_site.admin_view(self.transparency_csv),
                name="comments_transparency_csv",
            ),
        ]
        return own + super().get_urls()

    def _period(self, request) -> tuple[date, date, PeriodForm]:
        first, last = transparency.default_period()
        form = PeriodForm(request.GET or None, initial={"first_day": first, "last_day": last})
        if form.is_bound and form.is_valid():
            first, last = form.cleaned_data["first_day"], form.cleaned_data["last_day"]
        return first, last, form

    def transparency_view(self, request):
        if not request.user.has_perm(TRANSPARENCY_PERMISSION):
            raise PermissionDenied
        first, last, form = self._period(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Transparency figures"),
            "form": form,
            "figures": transparency.figures(first, last),
            "bar_width": transparency.BAR_WIDTH,
            "bar_height": transparency.BAR_HEIGHT,
            "csv_query": f"first_day={first.isoformat()}&last_day={last.isoformat()}",
        }
        return TemplateResponse(
            request, "admin/comments/illegalcontentnotice/transparency.html", context
        )

    def transparency_csv(self, request):
        if not request.user.has_perm(TRANSPARENCY_PERMISSION):
            raise PermissionDenied
        first, last, _form = self._period(request)
        response = HttpResponse(
            transparency.as_csv(transparency.figures(first, last)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="transparency-{first.isoformat()}-{last.isoformat()}.csv"'
        )
        return response


class PeriodForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                raise ValidationError(_("The period ends before it begins."))
            if last - first > transparency.LONGEST_PERIOD:
                raise ValidationError(_("Choose a period of at most three years."))
        return data


@admin.register(StatementOfReasons)
class StatementOfReasonsAdmin(admin.ModelAdmin):
    list_display = [
        "reference_column",
        "decision",
        "comment_excerpt",
        "ground",
        "automated_decision",
        "decided_by",
        "emailed",
        "created_at",
    ]
    list_filter = ["decision", "automated_decision", "emailed", "legal_ground", "created_at"]
    list_select_related = ["decided_by"]
    date_hierarchy = "created_at"
    fields = [
        "reference_column",
        "decision",
        "comment_excerpt",
        "comment_posted_at",
        "comment_text",
        "ground",
        "notice",
        "automation",
        "decided_by",
        "created_at",
        "emailed",
        "text",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reference"), ordering="pk")
    def reference_column(self, statement: StatementOfReasons) -> str:
        return statement.reference

    @admin.display(description=_("comment"))
    def comment_excerpt(self, statement: StatementOfReasons) -> str:
        return _comment_link(statement.comment_id, statement.comment_text)

    @admin.display(description=_("ground"))
    def ground(self, statement: StatementOfReasons) -> str:
        return statements.ground_text(statement)

    @admin.display(description=_("automated means"))
    def automation(self, statement: StatementOfReasons) -> str:
        return statements.automation_text(statement)


class AppealDecisionForm(forms.ModelForm):
    class Meta:
        model = Appeal
        fields = ["outcome", "decision_note"]

    def clean(self):
        data = super().clean()
        if not data.get("outcome"):
            self.add_error("outcome", _("Choose an outcome."))
        try:
            cases.check_appeal_moderator(self.instance, self.moderator)
        except ValidationError as error:
            self.add_error(None, error)
        return data


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = [
        "reference_column",
        "status",
        "statement",
        "created_at",
        "outcome",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "outcome", "created_at"]
    list_select_related = ["statement", "decided_by"]
    date_hierarchy = "created_at"
    form = AppealDecisionForm
    case_fields = [
        "reference_column",
        "status",
        "statement_link",
        "first_decision",
        "comment_excerpt",
        "explanation",
        "created_at",
    ]
    decided_fields = ["outcome", "decision_note", "decided_by", "decided_at"]

    def has_add_permission(self, request):
        return False  # appeals come from posters, through the signed link

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == Appeal.Status.DECIDED:
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status == Appeal.Status.OPEN:
            return [*self.case_fields, "outcome", "decision_note"]
        return [*self.case_fields, *self.decided_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Appeal.Status.OPEN:
            return self.case_fields
        return [*self.case_fields, *self.decided_fields]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.moderator = request.user
        return form

    @admin.display(description=_("reference"), ordering="pk")
    def reference_column(self, appeal: Appeal) -> str:
        return appeal.reference

    @admin.display(description=_("statement of reasons"))
    def statement_link(self, appeal: Appeal) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_statementofreasons_change", args=[appeal.statement_id]),
            appeal.statement.reference,
        )

    @admin.display(description=_("first decision"))
    def first_decision(self, appeal: Appeal) -> str:
        statement = appeal.statement
        clause = rules.clause(statement.rules_clause)
        return format_html(
            "{}, {} ({})",
            statement.get_decision_display(),
            statements.ground_text(statement) if clause or statement.legal_ground else "",
            statement.decided_by or gettext("readers’ reports, automatically"),
        )

    @admin.display(description=_("comment"))
    def comment_excerpt(self, appeal: Appeal) -> str:
        return _comment_link(appeal.statement.comment_id, appeal.statement.comment_text)

    def save_model(self, request, obj, form, change):
        appeal = cases.decide_appeal(
            appeal=obj,
            moderator=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data.get("decision_note", ""),
        )
        obj.__dict__.update(appeal.__dict__)
