"""The moderators' side: a queue of comments, bulk decisions, the log and the block lists.

Every decision goes through comments.services (the same functions the site uses), so
the approved-comment counters, the moderation log and the page caches stay right.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from comments import moderation_stats, reactions, services
from comments.models import (
    BlockedAddress,
    BlockedWord,
    Comment,
    CommentReport,
    ModerationLogEntry,
)

REASON_CHOICES = [("", "---------"), *ModerationLogEntry.Reason.choices]

# The queue's keyboard (static/js/admin-moderation-queue.js): the key as printed on a Latin
# keyboard (the script reads the key's position, so a Greek layout works the same way).
SHORTCUTS = [
    ("j", _("next comment")),
    ("k", _("previous comment")),
    ("a", _("approve")),
    ("r", _("reject, with a reason")),
    ("s", _("spam")),
    ("h", _("the poster’s history")),
    ("o", _("open the comment")),
    ("?", _("this list of shortcuts")),
]
DECISION_DAYS = [7, 14, 30, 90]


def in_the_queue() -> Q:
    """What a moderator has to look at: comments awaiting moderation, and approved comments
    with open reports (hidden ones are awaiting moderation already)."""
    return Q(status=Comment.Status.PENDING) | Q(status=Comment.Status.APPROVED, report_count__gt=0)


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to the queue: comments awaiting moderation and reported comments,
    in one list, oldest first.

    With the "reported" filter on and no status chosen, every status is shown, so that
    rejected comments with reports can be found too.
    """

    title = _("status")
    parameter_name = "status"
    ALL = "all"
    QUEUE = "queue"

    def __init__(self, request, params, model, model_admin):
        self.reported = bool(request.GET.get(ReportedFilter.parameter_name))
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [
            (self.QUEUE, _("To moderate: awaiting or reported")),
            *Comment.Status.choices,
            (self.ALL, _("All")),
        ]

    def current(self) -> str:
        if self.value():
            return self.value()
        return self.ALL if self.reported else self.QUEUE

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.current() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        current = self.current()
        if current == self.QUEUE:
            return queryset.filter(in_the_queue())
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
        "poster_history",
        "is_pick",
    ]
    list_filter = [
        StatusFilter,
        ReportedFilter,
        ("article", admin.RelatedOnlyFieldListFilter),
        "created_at",
        "is_pick",
    ]
    list_select_related = ["article__category", "parent", "moderated_by"]
    search_fields = ["body", "name", "email"]
    date_hierarchy = "created_at"
    ordering = ["created_at", "pk"]  # the queue: oldest first
    list_per_page = 50
    action_form = ModerationActionForm
    actions = ["approve_selected", "reject_selected", "spam_selected", "block_selected"]
    actions += ["pick_selected", "unpick_selected"]
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
    fields += ["like_count", "is_pick", "picked_by", "picked_at"]
    readonly_fields = fields
    change_form_template = "admin/comments/comment/change_form.html"
    change_list_template = "admin/comments/comment/change_list.html"

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

    @admin.display(description=_("poster"))
    def poster_history(self, comment: Comment) -> str:
        return format_html(
            '<a class="poster-history" href="{}">{}</a>',
            reverse("admin:comments_comment_poster", args=[comment.pk]),
            gettext("history"),
        )

    # The queue's own pages: decisions by keyboard, and a poster's history -----------------

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="comments_comment_decide",
            ),
            path(
                "<path:object_id>/poster/",
                self.admin_site.admin_view(self.poster_history_view),
                name="comments_comment_poster",
            ),
        ]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_moderate": self.has_change_permission(request),
            "shortcuts": SHORTCUTS,
            "rejection_reasons": ModerationLogEntry.Reason.choices,
            "decide_url": reverse("admin:comments_comment_decide", args=["0"]).replace(
                "/0/", "/{id}/"
            ),
            "can_see_decisions": request.user.has_perm("comments.view_moderationlogentry"),
        }
        return super().changelist_view(request, extra_context)

    @staticmethod
    def decision_message(comment: Comment, decision: str) -> str:
        messages_by_decision = {
            "approve": gettext("Approved: the comment by %(name)s."),
            "reject": gettext("Rejected: the comment by %(name)s."),
            "spam": gettext("Marked as spam: the comment by %(name)s."),
        }
        return messages_by_decision[decision] % {"name": comment.name}

    @staticmethod
    def _json_error(message: str, status: int) -> JsonResponse:
        return JsonResponse({"error": message}, status=status)

    def decide_view(self, request, object_id):
        """One decision from the queue's keyboard: the same services as the actions,
        answered in JSON for the script (the CSRF token comes with the POST)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            return self._json_error(gettext("You may not moderate comments."), 403)
        comment = (
            Comment.objects.filter(pk=object_id).first()
            if (object_id.isascii() and object_id.isdigit())
            else None
        )
        if comment is None:
            return self._json_error(gettext("This comment no longer exists."), 404)
        decision = request.POST.get("decision", "")
        try:
            if decision == "approve":
                comment = services.approve_comment(comment=comment, moderator=request.user)
            elif decision == "reject":
                comment = services.reject_comment(
                    comment=comment, moderator=request.user, reason=request.POST.get("reason", "")
                )
            elif decision == "spam":
                comment = services.mark_spam(comment=comment, moderator=request.user)
            else:
                return self._json_error(gettext("Unknown decision."), 400)
        except ValidationError as error:
            return self._json_error(" ".join(error.messages), 400)
        return JsonResponse(
            {
                "id": comment.pk,
                "status": comment.status,
                "status_label": str(comment.get_status_display()),
                "message": self.decision_message(comment, decision),
            }
        )

    def poster_history_view(self, request, object_id):
        """Every comment from the same address hash or e-mail as this one, newest first,
        with how many of them were approved, rejected, marked as spam or are waiting."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not (object_id.isascii() and object_id.isdigit()):
            raise Http404
        comment = get_object_or_404(Comment, pk=object_id)
        comments = Comment.objects.from_poster(ip_hash=comment.ip_hash, email=comment.email)
        counts = moderation_stats.poster_counts(comments)
        shown = list(
            comments.select_related("article__category", "moderated_by").order_by(
                "-created_at", "-pk"
            )[: self.POSTER_HISTORY_LIMIT]
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("The poster’s history: %(name)s") % {"name": comment.name},
            "comment": comment,
            "address": self.address(comment),
            "counts": counts,
            "status_counts": [(label, counts[value]) for value, label in Comment.Status.choices],
            "comments": shown,
            "limit": self.POSTER_HISTORY_LIMIT,
            "queue_url": reverse("admin:comments_comment_changelist"),
        }
        return TemplateResponse(request, "admin/comments/comment/poster_history.html", context)

    POSTER_HISTORY_LIMIT = 200

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
        if request.method == "POST" and "_pick" in request.POST:
            return self.pick_view(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "reason_choices": REASON_CHOICES,
            "can_moderate": self.has_change_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # Editors' picks (comments.reactions) -----------------------------------------------------

    @admin.action(
        description=_("Mark the selected comments as editors’ picks"), permissions=["change"]
    )
    def pick_selected(self, request, queryset):
        comments = list(queryset)
        picked = reactions.pick_comments(comments=comments, picked=True, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(n)d comment marked as an editors’ pick.",
                "%(n)d comments marked as editors’ picks.",
                picked,
            )
            % {"n": picked},
            messages.SUCCESS,
        )
        if not_shown := sum(c.status != Comment.Status.APPROVED for c in comments):
            self.message_user(
                request,
                ngettext(
                    "%(n)d comment is not approved and cannot be a pick.",
                    "%(n)d comments are not approved and cannot be picks.",
                    not_shown,
                )
                % {"n": not_shown},
                messages.WARNING,
            )

    @admin.action(
        description=_("Remove the selected comments from the editors’ picks"),
        permissions=["change"],
    )
    def unpick_selected(self, request, queryset):
        removed = reactions.pick_comments(comments=list(queryset), picked=False, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(n)d comment removed from the editors’ picks.",
                "%(n)d comments removed from the editors’ picks.",
                removed,
            )
            % {"n": removed},
            messages.SUCCESS,
        )

    def pick_view(self, request, object_id):
        """The pick button of a comment's page: marks or unmarks it, then back to the page."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=object_id)
        picked = request.POST.get("_pick") == "pick"
        if picked and comment.status != Comment.Status.APPROVED:
            self.message_user(
                request, _("Only an approved comment can be an editors’ pick."), messages.ERROR
            )
        else:
            reactions.pick_comments(comments=[comment], picked=picked, by=request.user)
            done = (
                _("The comment is an editors’ pick.")
                if picked
                else _("The comment is no longer an editors’ pick.")
            )
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(request.path)

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
    change_list_template = "admin/comments/moderationlogentry/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        own = [
            path(
                "decisions/",
                self.admin_site.admin_view(self.decisions_view),
                name="comments_moderationlogentry_decisions",
            )
        ]
        return own + super().get_urls()

    def decisions_view(self, request):
        """Decisions per moderator per day over a period, as a table and an SVG chart."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            days = int(request.GET.get("days", 14))
        except ValueError:
            days = 14
        if days not in DECISION_DAYS:
            days = 14
        today = timezone.localdate()
        by_day = moderation_stats.decisions_by_day(days=days, today=today)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Decisions per moderator per day"),
            "days": days,
            "periods": DECISION_DAYS,
            "by_day": by_day,
            "chart": moderation_stats.chart(by_day),
            "first_day": by_day[0].day,
            "last_day": today,
            "total": sum(day.total for day in by_day),
        }
        return TemplateResponse(
            request, "admin/comments/moderationlogentry/decisions.html", context
        )

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


from comments.dsa import admin as dsa_admin  # noqa: E402, F401 - registers the DSA's pages
