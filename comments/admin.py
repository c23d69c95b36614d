"""The moderators' side: a queue of comments, bulk decisions, the log and the block lists.

Every decision goes through comments.services (the same functions the site uses), so
the approved-comment counters, the moderation log and the page caches stay right.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments import services
from comments.models import (
    BlockedAddress,
    BlockedWord,
    Comment,
    CommentReport,
    ModerationLogEntry,
)

REASON_CHOICES = [("", "---------"), *ModerationLogEntry.Reason.choices]


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to the queue: comments awaiting moderation.

    With the "reported" filter on and no status chosen, every status is shown, so that
    approved comments with a report or two surface next to the hidden ones.
    """

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        self.reported = bool(request.GET.get(ReportedFilter.parameter_name))
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.ALL, _("All"))]

    def current(self) -> str:
        if self.value():
            return self.value()
        return self.ALL if self.reported else Comment.Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.current() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        current = self.current()
        if current == self.ALL or current not in Comment.Status.values:
            return queryset
        return queryset.filter(status=current)


class ReportedFilter(admin.SimpleListFilter):
    title = _("reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", _("Reported by readers"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(report_count__gt=0)
        return queryset


class ModerationActionForm(helpers.ActionForm):
    reason = forms.ChoiceField(
        label=_("Reason (needed to reject)"), choices=REASON_CHOICES, required=False
    )


class ModerationLogInline(admin.TabularInline):
    model = ModerationLogEntry
    extra = 0
    can_delete = False
    fields = ["created_at", "moderator", "action", "reason", "previous_status", "note"]
    readonly_fields = fields
    verbose_name_plural = _("moderation log")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    can_delete = False
    fields = ["created_at", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "name",
        "article_link",
        "in_reply_to",
        "status",
        "held_by",
        "report_count",
        "created_at",
        "moderated_by",
    ]
    list_filter = [
        StatusFilter,
        ReportedFilter,
        ("article", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["article__category", "parent", "moderated_by"]
    search_fields = ["body", "name", "email"]
    date_hierarchy = "created_at"
    ordering = ["created_at", "pk"]  # the queue: oldest first
    list_per_page = 50
    action_form = ModerationActionForm
    actions = ["approve_selected", "reject_selected", "spam_selected", "block_selected"]
    inlines = [CommentReportInline, ModerationLogInline]
    fields = [
        "article_link",
        "in_reply_to",
        "name",
        "email",
        "body",
        "status",
        "held_by",
        "created_at",
        "report_count",
        "moderated_by",
        "moderated_at",
        "address",
        "user_agent",
    ]
    readonly_fields = fields
    change_form_template = "admin/comments/comment/change_form.html"

    def has_add_permission(self, request):
        return False  # comments come from readers, through the site's form

    def delete_model(self, request, obj):
        services.delete_comments(comments=[obj])

    def delete_queryset(self, request, queryset):
        services.delete_comments(comments=list(queryset))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("comments.delete_comment"):
            actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(140)

    @admin.display(description=_("article"), ordering="article__headline")
    def article_link(self, comment: Comment) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            comment.article.get_absolute_url(),
            Truncator(comment.article.headline).chars(80),
        )

    @admin.display(description=_("in reply to"))
    def in_reply_to(self, comment: Comment) -> str:
        if comment.parent is None:
            return "—"
        return format_html(
            "<strong>{}</strong>: {}",
            comment.parent.name,
            Truncator(comment.parent.body).chars(100),
        )

    @admin.display(description=_("held by"))
    def held_by(self, comment: Comment) -> str:
        return ", ".join(comment.rule_labels()) or "—"

    @admin.display(description=_("address hash"))
    def address(self, comment: Comment) -> str:
        return f"{comment.ip_hash[:16]}…"

    # Bulk decisions ----------------------------------------------------------------------

    def _apply(self, request, queryset, decide, done_message) -> None:
        done = 0
        for comment in queryset:
            decide(comment)
            done += 1
        self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Approve the selected comments"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda c: services.approve_comment(comment=c, moderator=request.user),
            lambda n: ngettext("%(n)d comment approved.", "%(n)d comments approved.", n) % {"n": n},
        )

    @admin.action(description=_("Reject the selected comments"), permissions=["change"])
    def reject_selected(self, request, queryset):
        reason = request.POST.get("reason", "")
        if reason not in ModerationLogEntry.Reason.values:
            self.message_user(
                request,
                _("Choose a reason to reject comments; nothing was changed."),
                messages.ERROR,
            )
            return
        self._apply(
            request,
            queryset,
            lambda c: services.reject_comment(comment=c, moderator=request.user, reason=reason),
            lambda n: ngettext("%(n)d comment rejected.", "%(n)d comments rejected.", n) % {"n": n},
        )

    @admin.action(description=_("Mark the selected comments as spam"), permissions=["change"])
    def spam_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda c: services.mark_spam(comment=c, moderator=request.user),
            lambda n: (
                ngettext("%(n)d comment marked as spam.", "%(n)d comments marked as spam.", n)
                % {"n": n}
            ),
        )

    @admin.action(
        description=_("Block the posters of the selected comments (and mark them as spam)"),
        permissions=["block"],
    )
    def block_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda c: services.block_poster(comment=c, moderator=request.user),
            lambda n: ngettext("%(n)d poster blocked.", "%(n)d posters blocked.", n) % {"n": n},
        )

    def has_block_permission(self, request) -> bool:
        return self.has_change_permission(request) and request.user.has_perm(
            "comments.add_blockedaddress"
        )

    # One comment at a time, from its page --------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and "_moderation" in request.POST:
            return self.moderate_view(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "reason_choices": REASON_CHOICES,
            "can_moderate": self.has_change_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def moderate_view(self, request, object_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=object_id)
        decision = request.POST.get("_moderation")
        note = request.POST.get("note", "")[:255]
        try:
            if decision == "approve":
                services.approve_comment(comment=comment, moderator=request.user, note=note)
                self.message_user(request, _("The comment was approved."), messages.SUCCESS)
            elif decision == "reject":
                services.reject_comment(
                    comment=comment,
                    moderator=request.user,
                    reason=request.POST.get("reason", ""),
                    note=note,
                )
                self.message_user(request, _("The comment was rejected."), messages.SUCCESS)
            elif decision == "spam":
                services.mark_spam(comment=comment, moderator=request.user, note=note)
                self.message_user(request, _("The comment was marked as spam."), messages.SUCCESS)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    list_display = ["phrase", "normalised_form", "created_at"]
    search_fields = ["phrase", "normalised"]
    fields = ["phrase"]

    @admin.display(description=_("normalised form"), ordering="normalised")
    def normalised_form(self, word: BlockedWord) -> str:
        return word.normalised


class BlockedAddressForm(forms.ModelForm):
    class Meta:
        model = BlockedAddress
        fields = ["kind", "value", "note"]
        labels = {"value": _("Address")}
        help_texts = {
            "value": _(
                "An IP address (only its keyed hash is stored) or an e-mail address. "
                "To block the poster of a comment, use the action in the comments list."
            )
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and cleaned.get("value"):
            try:
                cleaned["value"] = services.normalise_blocked_value(
                    kind=cleaned["kind"], value=cleaned["value"]
                )
            except ValidationError as error:
                self.add_error("value", error.messages)
        return cleaned


@admin.register(BlockedAddress)
class BlockedAddressAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    form = BlockedAddressForm

    def get_readonly_fields(self, request, obj=None):
        return ["kind", "value"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        blocked = services.block_address(kind=obj.kind, value=obj.value, note=obj.note)
        obj.pk, obj.value, obj.created_at = blocked.pk, blocked.value, blocked.created_at


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "reason", "comment_excerpt", "note"]
    list_filter = [
        "action",
        "reason",
        ("moderator", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["moderator", "comment"]
    search_fields = ["comment__body", "note", "moderator__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("comment"))
    def comment_excerpt(self, entry: ModerationLogEntry) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[entry.comment_id]),
            Truncator(entry.comment.body).chars(80),
        )
