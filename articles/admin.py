"""The editors' admin: articles with their workflow, previews, edit locks and revisions;
the image library; categories and tags. Every write goes through articles/services.py
(or locks.py / preview.py for their own rows)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms import Script
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from taggit.models import Tag as TaggitTag

from articles import images, live_coverage, locks, preview, search_preview, services
from articles.forms import ArticleAdminForm, ImageAdminForm, LiveEntryAdminForm, PreviewLinkForm
from articles.models import (
    Article,
    Author,
    BreakingBanner,
    Category,
    Correction,
    FlashItem,
    Image,
    LiveBlog,
    LiveEntry,
    PreviewLink,
    Tag,
)
from articles.people import display_name
from articles.sanitize import editor_html_to_reader_html

# taggit registers an admin for its own Tag model, which the portal does not use.
admin.site.unregister(TaggitTag)


def person(user) -> str:
    if user is None:
        return gettext("someone no longer on the staff")
    return display_name(user)


def local_datetime(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "menu_order", "colour"]
    list_editable = ["menu_order", "colour"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class StateFilter(admin.SimpleListFilter):
    """Draft, scheduled, published or unpublished: "scheduled" is read from the clock."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Article.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == Article.State.SCHEDULED:
            return queryset.scheduled(now)
        if value == Article.State.PUBLISHED:
            return queryset.published(now)
        if value in {Article.State.DRAFT, Article.State.UNPUBLISHED}:
            return queryset.filter(status=value)
        return queryset


class RevisionContextHelper(HistoricalRecordContextHelper):
    """Shows the body's text, not its markup, in the list of changes."""

    def prepare_delta_change_value(self, change, value):
        if change.field == "body":
            return Truncator(strip_tags(value or "")).words(30)
        return super().prepare_delta_change_value(change, value)


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline", "state_column", "category", "published_at", "author", "comments_column",
        "is_featured", "is_breaking",
    ]  # fmt: skip
    list_filter = [
        StateFilter, "category", "published_at", "is_featured", "is_breaking", "language",
    ]  # fmt: skip
    list_select_related = ["category", "author"]
    search_fields = ["headline", "lead", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["category", "hero_image", "authors"]
    actions = ["publish_now", "unpublish"]
    object_history_template = "admin/articles/article/revision_history.html"
    fieldsets = [
        (None, {"fields": ["headline", "slug", "lead", "body", "category"]}),
        (_("Tags"), {"fields": ["tag_choices", "new_tags"]}),
        (_("Image"), {"fields": ["hero_image", "hero_caption"]}),
        (
            _("Publishing"),
            {
                "description": _("All times are Athens time (Europe/Athens)."),
                "fields": [
                    "status",
                    "published_at",
                    "author",
                    "authors",
                    "reading_figures",
                    "language",
                    "source_line",
                    "is_featured",
                    "is_breaking",
                    "comments_enabled",
                    "comment_moderation",
                ],
            },
        ),
        # Last, so that the preview of the search result and share card follows it
        # (change_form.html draws the preview after the fieldsets).
        (_("Search engines and sharing"), {"fields": ["seo_title", "seo_description"]}),
    ]

    class Media:
        # Django's slug prefill spells Greek letter by letter; ours follows ELOT 743.
        js = [
            # Deferred, so that it replaces Django's URLify after admin/js/urlify.js ran.
            Script("js/admin-slug.js", defer=True),
            Script("js/admin-edit-lock.js", defer=True),
            Script("js/admin-editor-i18n.js", defer=True),
            Script("js/admin-seo-preview.js", defer=True),
        ]
        css = {"all": ["css/admin.css"]}

    # --- lists --------------------------------------------------------------------

    @admin.display(description=_("state"), ordering="status")
    def state_column(self, obj):
        state = obj.state()
        return format_html(
            '<span class="article-state article-state--{}">{}</span>',
            state,
            Article.State(state).label,
        )

    @admin.display(description=_("comments"))
    def comments_column(self, obj):
        # The comments app keeps the count of the comments readers see on the article.
        return getattr(obj, "comment_count", 0)

    def view_on_site(self, obj):
        if obj.is_published():
            return obj.get_absolute_url()
        return reverse("admin:articles_article_preview", args=[obj.pk])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            # Authors are newsroom staff; editors need no access to the user list itself.
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = {"author": request.user.pk}
        profile = getattr(request.user, "author_profile", None)
        if profile is not None:
            initial["authors"] = [profile.pk]  # an editor signs their own articles
        return {**initial, **super().get_changeform_initial_data(request)}

    # --- actions ------------------------------------------------------------------

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        done = 0
        for article in queryset:
            if not article.is_published():
                services.publish_article(article=article, editor=request.user)
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish (or cancel the schedule)"), permissions=["change"])
    def unpublish(self, request, queryset):
        done = 0
        for article in queryset:
            if article.status == Article.Status.PUBLISHED:
                services.unpublish_article(article=article, editor=request.user)
                done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d article withdrawn from readers.",
                "%(count)d articles withdrawn from readers.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    # --- the change form: locks, saving through the services ---------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        article = self.get_object(request, unquote(object_id)) if object_id else None
        if article is not None and super().has_change_permission(request, article):
            if request.method == "POST":
                conflict = locks.held_by_other(article=article, user=request.user)
                request._edit_lock_conflict = conflict
                lock = conflict
            else:
                lock = locks.acquire_lock(article=article, user=request.user)
                if lock.user_id != request.user.pk:
                    # Read-only until taken over explicitly.
                    request._edit_lock_blocked = article.pk
            extra_context.update(self.lock_context(request, article, lock))
        if article is not None:
            extra_context.update(self.article_context(article))
            extra_context.update(self.live_desk_context(request, article))
        extra_context["seo_preview"] = search_preview.preview_for(article, request)
        extra_context["slug_placeholder"] = search_preview.SLUG_PLACEHOLDER
        return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def live_desk_context(request, article) -> dict:
        """A link to the article's live desk, or one that turns it into live coverage."""
        if LiveBlog.objects.filter(pk=article.pk).exists():
            if not request.user.has_perm("articles.view_liveblog"):
                return {}
            url = reverse("admin:articles_liveblog_change", args=[article.pk])
            return {"live_desk_url": url, "live_desk_label": gettext("Live coverage desk")}
        if not request.user.has_perm("articles.add_liveblog"):
            return {}
        url = reverse("admin:articles_liveblog_add") + f"?article={article.pk}"
        return {"live_desk_url": url, "live_desk_label": gettext("Turn into live coverage")}

    def lock_context(self, request, article, lock):
        mine = lock is None or lock.user_id == request.user.pk
        return {
            "edit_lock": lock,
            "edit_lock_mine": mine,
            "edit_lock_holder": None if mine else person(lock.user),
            "edit_lock_since": "" if mine else local_datetime(lock.acquired_at),
            "edit_lock_interval": settings.EDIT_LOCK_HEARTBEAT_INTERVAL,
            "edit_lock_heartbeat_url": reverse(
                "admin:articles_article_heartbeat", args=[article.pk]
            ),
            "edit_lock_take_over_url": reverse(
                "admin:articles_article_take_over", args=[article.pk]
            ),
        }

    def article_context(self, article):
        state = article.state()
        return {
            "article_state": state,
            "article_state_label": Article.State(state).label,
            "article_published_at": local_datetime(article.published_at),
            "article_warnings": self.incomplete(article),
            "preview_url": reverse("admin:articles_article_preview", args=[article.pk]),
            "preview_links_url": reverse("admin:articles_article_preview_links", args=[article.pk]),
        }

    def has_change_permission(self, request, obj=None):
        if obj is not None and getattr(request, "_edit_lock_blocked", None) == obj.pk:
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only (another editor holds the lock, or a viewer): the article's tags as a
        # list, not the two fields that change them (the admin would show their names).
        return [
            (name, {**options, "fields": ["tag_list"]})
            if "tag_choices" in options["fields"]
            else (name, options)
            for name, options in fieldsets
        ]

    @admin.display(description=_("Tags"))
    def tag_list(self, obj):
        return ", ".join(sorted(obj.tags.names())) or "—"

    @admin.display(description=_("length"))
    def reading_figures(self, obj):
        if obj is None or not obj.word_count:
            return gettext("Counted when the article is saved.")
        return ngettext(
            "%(words)s words, about %(minutes)s minute to read",
            "%(words)s words, about %(minutes)s minutes to read",
            obj.reading_minutes,
        ) % {
            "words": formats.number_format(obj.word_count, force_grouping=True),
            "minutes": obj.reading_minutes,
        }

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "reading_figures"]
        if obj is not None and obj.has_been_public():
            # Set on first publication and kept from then on.
            readonly.append("published_at")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.edit_lock_conflict = getattr(request, "_edit_lock_conflict", None)
        return form

    def save_model(self, request, obj, form, change):
        """Saved in save_related, with its tags, by the service (one revision per save)."""

    def save_related(self, request, form, formsets, change):
        article = form.instance
        reason = ""
        if "_publish_now" in request.POST and not article.is_published():
            if not (change and Article.objects.get(pk=article.pk).has_been_public()):
                article.published_at = timezone.now()
            article.status = Article.Status.PUBLISHED
            reason = gettext("Article published")
        services.save_article(
            article=article,
            editor=request.user,
            tag_names=form.chosen_tag_names(),
            authors=form.cleaned_data.get("authors") if "authors" in form.cleaned_data else None,
            reason=reason,
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @staticmethod
    def incomplete(article) -> list[str]:
        warnings = []
        if not (article.lead or "").strip():
            warnings.append(
                gettext(
                    "This article has no lead: the home page, section pages and search "
                    "results show the lead under the headline."
                )
            )
        if not article.hero_image_id:
            warnings.append(
                gettext("This article has no image: it appears without a picture in lists.")
            )
        return warnings

    def after_save_messages(self, request, article):
        state = article.state()
        when = local_datetime(article.published_at)
        if state == Article.State.SCHEDULED:
            text = gettext("Scheduled: readers will see it from %(when)s (Athens time).")
        elif state == Article.State.PUBLISHED:
            text = gettext("Published: readers see it since %(when)s (Athens time).")
        elif state == Article.State.UNPUBLISHED:
            text = gettext("Unpublished: readers no longer see it.")
        else:
            text = gettext("Draft: only editors see it.")
        self.message_user(request, text % {"when": when}, messages.INFO)
        for warning in self.incomplete(article):
            self.message_user(request, warning, messages.WARNING)

    def response_add(self, request, obj, post_url_continue=None):
        self.after_save_messages(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self.after_save_messages(request, obj)
        if "_continue" not in request.POST:
            locks.release_lock(article=obj, user=request.user)
        return super().response_change(request, obj)

    # --- extra pages --------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/preview/",
                wrap(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<int:object_id>/preview-links/",
                wrap(self.preview_links_view),
                name="articles_article_preview_links",
            ),
            path(
                "<int:object_id>/preview-links/<int:link_id>/revoke/",
                wrap(self.revoke_preview_link_view),
                name="articles_article_revoke_preview_link",
            ),
            path(
                "<int:object_id>/edit-lock/take-over/",
                wrap(self.take_over_view),
                name="articles_article_take_over",
            ),
            path(
                "<int:object_id>/edit-lock/heartbeat/",
                wrap(self.heartbeat_view),
                name="articles_article_heartbeat",
            ),
            *super().get_urls(),
        ]

    def article_or_404(self, request, object_id, *, change=False) -> Article:
        article = self.get_object(request, str(object_id))
        if article is None:
            raise Http404
        allowed = (
            super().has_change_permission(request, article)
            if change
            else self.has_view_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def preview_view(self, request, object_id):
        """The reader's page for this article, whatever its status (editors only)."""
        article = self.article_or_404(request, object_id)
        return preview.render_preview(
            request,
            article,
            staff_preview=True,
            change_url=reverse("admin:articles_article_change", args=[article.pk]),
            article_state_label=article.get_state_display(),
        )

    def preview_links_view(self, request, object_id):
        article = self.article_or_404(request, object_id)
        can_change = super().has_change_permission(request, article)
        form = PreviewLinkForm(request.POST or None)
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            if form.is_valid():
                preview.create_preview_link(
                    article=article,
                    created_by=request.user,
                    note=form.cleaned_data["note"],
                    lifetime=form.lifetime_delta(),
                )
                self.message_user(
                    request,
                    gettext("A new preview link is ready: copy it from the list below."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(request.path)
        now = timezone.now()
        links = [
            {
                "link": link,
                "url": request.build_absolute_uri(preview.url_for(link)),
                "active": link.is_active(now),
                "created_by": person(link.created_by),
                "expires": local_datetime(link.expires_at),
                "revoked": local_datetime(link.revoked_at),
                "revoke_url": reverse(
                    "admin:articles_article_revoke_preview_link", args=[article.pk, link.pk]
                ),
            }
            for link in article.preview_links.select_related("created_by")
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": gettext("Preview links for “%(headline)s”") % {"headline": article},
            "form": form,
            "links": links,
            "can_change": can_change,
            **self.article_context(article),
        }
        return TemplateResponse(request, "admin/articles/article/preview_links.html", context)

    @staticmethod
    def _post_only(request):
        if request.method != "POST":
            raise PermissionDenied

    def revoke_preview_link_view(self, request, object_id, link_id):
        self._post_only(request)
        article = self.article_or_404(request, object_id, change=True)
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        preview.revoke_preview_link(link=link, revoked_by=request.user)
        self.message_user(
            request, gettext("The preview link was revoked: it no longer works."), messages.SUCCESS
        )
        return HttpResponseRedirect(
            reverse("admin:articles_article_preview_links", args=[article.pk])
        )

    def take_over_view(self, request, object_id):
        self._post_only(request)
        article = self.article_or_404(request, object_id, change=True)
        previous = locks.held_by_other(article=article, user=request.user)
        locks.acquire_lock(article=article, user=request.user, take_over=True)
        if previous is not None:
            self.message_user(
                request,
                gettext(
                    "You are now editing this article. %(name)s will be told that you took over."
                )
                % {"name": person(previous.user)},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def heartbeat_view(self, request, object_id):
        """Called by admin-edit-lock.js while the form is open; says if the lock is kept."""
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self.article_or_404(request, object_id, change=True)
        lock = locks.heartbeat(article=article, user=request.user)
        mine = lock.user_id == request.user.pk
        message = ""
        if not mine:
            message = gettext(
                "%(name)s took over this article at %(time)s. Your changes will not be "
                "saved: copy what you need to keep, then take over again."
            ) % {
                "name": person(lock.user),
                "time": formats.time_format(timezone.localtime(lock.acquired_at)),
            }
        return JsonResponse({"mine": mine, "message": message})

    # --- revisions (django-simple-history) ----------------------------------------

    def history_view_title(self, request, obj):
        return gettext("Revisions of “%(headline)s”") % {"headline": obj}

    def get_historical_record_context_helper(self, request, historical_record):
        return RevisionContextHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        previous = None
        for record in historical_records:
            if previous is not None and previous.tag_names != record.tag_names:
                changes = list(getattr(previous, "history_delta_changes", []))
                changes.append(
                    {
                        "field": gettext("Tags"),
                        "old": ", ".join(record.tag_names),
                        "new": ", ".join(previous.tag_names),
                    }
                )
                previous.history_delta_changes = changes
            previous = record

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One revision: what it differs in from the article now, and a restore button."""
        article = self.article_or_404(request, unquote(object_id))
        revision = get_object_or_404(
            article.history.select_related("history_user", "category", "hero_image"),
            history_id=version_id,
        )
        other = locks.held_by_other(article=article, user=request.user)
        can_restore = super().has_change_permission(request, article) and other is None
        if request.method == "POST":
            if not can_restore:
                raise PermissionDenied
            services.restore_revision(article=article, revision=revision, editor=request.user)
            self.message_user(
                request,
                gettext(
                    "The version of %(when)s is back; the previous text is kept in the history."
                )
                % {"when": local_datetime(revision.history_date)},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        html, _ids = editor_html_to_reader_html(revision.body)
        revision_when = local_datetime(revision.history_date)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "revision": revision,
            "revision_when": revision_when,
            "revision_by": person(revision.history_user),
            "revision_body_html": html,
            "differences": self.differences(article, revision),
            "can_restore": can_restore,
            "edit_lock_holder": person(other.user) if other else None,
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
            "title": gettext("Version of %(when)s") % {"when": revision_when},
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/revision.html", context)

    @staticmethod
    def differences(article, revision) -> list[dict]:
        """Content fields where the revision differs from the article as it is now."""
        rows = []
        for name in services.RESTORED_FIELDS:
            field = Article._meta.get_field(name.removesuffix("_id"))
            then, now = getattr(revision, name), getattr(article, name)
            if then == now:
                continue
            if field.is_relation:
                then = str(getattr(revision, field.name, None) or "—") if then else "—"
                now = str(getattr(article, field.name) or "—") if now else "—"
            elif name == "body":
                then = Truncator(strip_tags(then)).words(40)
                now = Truncator(strip_tags(now)).words(40)
            rows.append({"field": field.verbose_name, "then": then or "—", "now": now or "—"})
        current_tags = sorted(article.tags.names())
        if sorted(revision.tag_names) != current_tags:
            rows.append(
                {
                    "field": gettext("tags"),
                    "then": ", ".join(revision.tag_names) or "—",
                    "now": ", ".join(current_tags) or "—",
                }
            )
        return rows


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The image library: upload once, use in any article (hero or inline)."""

    form = ImageAdminForm
    list_display = ["thumbnail", "__str__", "credit", "dimensions", "usage", "created_at"]
    list_display_links = ["thumbnail", "__str__"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    list_per_page = 40
    # Explicit, because the usage counts below make a GROUP BY query, to which the model's
    # default ordering does not apply: the hero picture's autocomplete paginated an
    # unordered list (UnorderedObjectListWarning, pages that could repeat or skip images).
    ordering = ["-created_at", "-pk"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                hero_uses=Count("hero_of", distinct=True),
                body_uses=Count("in_article_bodies", distinct=True),
            )
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "alt_text", "caption", "credit"]
        return [
            "preview", "alt_text", "caption", "credit", "dimensions", "uploaded_by", "created_at",
        ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["preview", "dimensions", "uploaded_by", "created_at"]

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        return format_html(
            '<img class="library-thumb" src="{}" alt="" width="96" height="{}" loading="lazy">',
            obj.rendition_url(320),
            round(96 * obj.height / obj.width) if obj.width else 54,
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return format_html(
            '<img class="library-preview" src="{}" alt="{}" width="{}" height="{}">',
            obj.rendition_url(640),
            obj.alt_text,
            min(obj.width, 640),
            round(min(obj.width, 640) * obj.height / obj.width) if obj.width else 0,
        )

    @admin.display(description=_("size in pixels"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}"

    @admin.display(description=_("used in"))
    def usage(self, obj):
        count = getattr(obj, "hero_uses", 0) + getattr(obj, "body_uses", 0)
        return ngettext("%(count)d article", "%(count)d articles", count) % {"count": count}

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except images.ImageStorageError as error:
            return self.storage_error_response(request, error)

    def storage_error_response(self, request, error):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("The image was not saved"),
            "error": str(error),
            "add_url": reverse("admin:articles_image_add"),
        }
        # 507 when the disk or the store is full, 503 when it does not answer (try later).
        return TemplateResponse(
            request,
            "admin/articles/image/storage_error.html",
            context,
            status=507 if error.full else 503,
        )

    def save_model(self, request, obj, form, change):
        if change:
            services.update_image(
                image=obj,
                alt_text=obj.alt_text,
                caption=obj.caption,
                credit=obj.credit,
                editor=request.user,
            )
        else:
            services.create_image(
                source=form.processed,
                alt_text=obj.alt_text,
                caption=obj.caption,
                credit=obj.credit,
                uploaded_by=request.user,
                instance=obj,
            )

    def delete_model(self, request, obj):
        services.delete_image(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            services.delete_image(image=image)

    # --- the picker the body editor opens ----------------------------------------

    def get_urls(self):
        return [
            path(
                "picker/",
                self.admin_site.admin_view(self.picker_view),
                name="articles_image_picker",
            ),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        """Choose (or upload) a library image for the body editor's figure dialog.

        Opened by the editor in a small window with ``?CKEditorFuncNum=<n>``; choosing
        an image hands its URL, id, alt text and caption back to the dialog
        (static/js/admin-image-picker.js).
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        callback = request.GET.get("CKEditorFuncNum", "")
        if not callback.lstrip("-").isdigit() or len(callback) > 9:
            callback = ""
        can_add = self.has_add_permission(request)
        form = None
        if can_add:
            form = ImageAdminForm(request.POST or None, request.FILES or None)
        if request.method == "POST":
            if not can_add:
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.create_image(
                        source=form.processed,
                        alt_text=form.cleaned_data["alt_text"],
                        caption=form.cleaned_data["caption"],
                        credit=form.cleaned_data["credit"],
                        uploaded_by=request.user,
                    )
                except images.ImageStorageError as error:
                    form.add_error(None, str(error))
                else:
                    self.message_user(
                        request,
                        gettext("The image is in the library: choose it below."),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(f"{request.path}?CKEditorFuncNum={callback}")
        query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
        found = Image.objects.all()
        if query:
            found = found.filter(
                Q(alt_text__icontains=query)
                | Q(caption__icontains=query)
                | Q(credit__icontains=query)
            )
        page = Paginator(found, 24).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Choose an image"),
            "is_popup": True,
            "callback": callback,
            "query": query,
            "page": page,
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/image/picker.html", context)


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """Every preview link at a glance; links are made from the article's page."""

    list_display = ["article", "note", "created_by", "created_at", "expires_at", "is_active_column"]
    list_select_related = ["article", "created_by"]
    list_filter = ["created_at", "expires_at"]
    search_fields = ["article__headline", "note"]
    actions = ["revoke"]
    readonly_fields = [
        "article", "note", "created_by", "created_at", "expires_at", "revoked_at", "revoked_by",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("articles.change_previewlink")

    @admin.display(description=_("works"), boolean=True)
    def is_active_column(self, obj):
        return obj.is_active()

    @admin.action(description=_("Revoke the selected links"), permissions=["revoke"])
    def revoke(self, request, queryset):
        done = 0
        for link in queryset.filter(revoked_at__isnull=True):
            preview.revoke_preview_link(link=link, revoked_by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d link revoked.", "%(count)d links revoked.", done) % {"count": done},
            messages.SUCCESS,
        )


@admin.register(FlashItem)
class FlashItemAdmin(admin.ModelAdmin):
    """One-line flashes for the news feed: posted in seconds, withdrawn by changing status."""

    list_display = ["text", "status", "published_at", "language", "link"]
    list_filter = ["status", "language", "published_at"]
    search_fields = ["text"]
    date_hierarchy = "published_at"
    fields = ["text", "link", "status", "published_at", "language"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "link":
            # An address typed without a scheme is taken as https:// (Django 6's default).
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(BreakingBanner)
class BreakingBannerAdmin(admin.ModelAdmin):
    """The breaking-news line across every page: set in seconds, gone by itself at its end."""

    list_display = ["text", "starts_at", "ends_at", "is_shown", "created_by"]
    list_filter = ["starts_at"]
    search_fields = ["text"]
    fields = ["text", "link", "starts_at", "ends_at"]

    @admin.display(boolean=True, description=_("shown now"))
    def is_shown(self, banner: BreakingBanner) -> bool:
        now = timezone.now()
        return banner.starts_at <= now < banner.ends_at

    def get_changeform_initial_data(self, request):
        # A breaking story is usually over within the hour; the editor can change it.
        now = timezone.now()
        return {"starts_at": now, "ends_at": now + timedelta(hours=1)}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "link":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Corrections and clarifications of published articles, made in the open."""

    list_display = ["article", "kind", "published_at", "created_by"]
    list_filter = ["kind", "published_at"]
    list_select_related = ["article", "created_by"]
    search_fields = ["text", "article__headline"]
    autocomplete_fields = ["article"]
    date_hierarchy = "published_at"
    fields = ["article", "kind", "text", "published_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    """Journalists' pages: the bylines readers follow (/syntaktes/<slug>/)."""

    list_display = ["name", "role", "user"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo"]
    fields = ["name", "slug", "role", "biography", "photo", "user"]

    class Media:
        js = [Script("js/admin-slug.js", defer=True)]  # ELOT 743, as for articles

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LiveStateFilter(admin.SimpleListFilter):
    title = _("coverage")
    parameter_name = "coverage"

    def lookups(self, request, model_admin):
        return [("live", _("Going on")), ("ended", _("Ended"))]

    def queryset(self, request, queryset):
        if self.value() in {"live", "ended"}:
            return queryset.filter(ended_at__isnull=self.value() == "live")
        return queryset


@admin.register(LiveBlog)
class LiveBlogAdmin(admin.ModelAdmin):
    """Live coverage: an article whose page receives entries while readers have it open.
    Its page here is the desk: "Post an entry" and the latest entries, to edit or delete."""

    list_display = ["article", "coverage_state", "started_at", "ended_at", "entry_count", "desk"]
    list_filter = [LiveStateFilter, "started_at"]
    list_select_related = ["article"]
    search_fields = ["article__headline"]
    autocomplete_fields = ["article"]
    date_hierarchy = "started_at"
    fields = ["article", "started_at", "expected_end_at", "ended_at"]
    actions = ["end_coverage"]
    change_form_template = "admin/articles/liveblog/change_form.html"
    DESK_ENTRIES = 30

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entries_total=Count("entries"))

    def get_readonly_fields(self, request, obj=None):
        return ["article"] if obj is not None else []

    @admin.display(description=_("coverage"), boolean=True, ordering="ended_at")
    def coverage_state(self, obj: LiveBlog) -> bool:
        return obj.is_live

    @admin.display(description=_("entries"), ordering="entries_total")
    def entry_count(self, obj: LiveBlog) -> int:
        return getattr(obj, "entries_total", 0)

    @admin.display(description=_("desk"))
    def desk(self, obj: LiveBlog):
        if not obj.is_live:
            return ""
        url = reverse("admin:articles_liveentry_add") + f"?live_blog={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("Post an entry"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["live_entries"] = list(
                obj.entries.select_related("posted_by")[: self.DESK_ENTRIES]
            )
            context["post_entry_url"] = (
                reverse("admin:articles_liveentry_add") + f"?live_blog={obj.pk}"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("End the coverage now"), permissions=["change"])
    def end_coverage(self, request, queryset):
        done = 0
        for live_blog in queryset.filter(ended_at__isnull=True):
            live_coverage.end_live_blog(live_blog=live_blog)
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d coverage ended.", "%(count)d coverages ended.", done)
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(LiveEntry)
class LiveEntryAdmin(admin.ModelAdmin):
    """Entries of live blogs, posted from a compact form as fast as a flash item: after
    posting, the form is back, empty, for the same live blog, with its latest entries."""

    form = LiveEntryAdminForm
    list_display = ["posted_at", "__str__", "live_blog", "is_key_event", "is_pinned", "posted_by"]
    list_display_links = ["posted_at", "__str__"]
    list_filter = ["is_key_event", "is_pinned", "posted_at"]
    list_select_related = ["live_blog__article", "posted_by"]
    search_fields = ["title", "body", "live_blog__article__headline"]
    autocomplete_fields = ["image"]
    date_hierarchy = "posted_at"
    change_form_template = "admin/articles/liveentry/change_form.html"
    DESK_ENTRIES = 10

    class Media:
        js = [Script("js/admin-editor-i18n.js", defer=True)]
        css = {"all": ["css/admin.css"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "live_blog":
            # Entries are posted to coverage that goes on (an edited entry keeps its own).
            allowed = Q(ended_at__isnull=True)
            if entry_id := request.resolver_match.kwargs.get("object_id"):
                allowed |= Q(entries__pk=entry_id)
            kwargs["queryset"] = (
                LiveBlog.objects.select_related("article").filter(allowed).distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "live_blog" not in initial:
            ongoing = list(LiveBlog.objects.filter(ended_at__isnull=True)[:2])
            if len(ongoing) == 1:  # the one coverage going on is the one to post to
                initial["live_blog"] = ongoing[0].pk
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        live_blog_id = (
            obj.live_blog_id if obj else context["adminform"].form.initial.get("live_blog")
        )
        if live_blog_id:
            context["live_entries"] = list(
                LiveEntry.objects.filter(live_blog_id=live_blog_id).select_related("posted_by")[
                    : self.DESK_ENTRIES
                ]
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.posted_by = request.user
        live_coverage.save_entry(entry=obj)

    def delete_model(self, request, obj):
        live_coverage.delete_entry(entry=obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            live_coverage.delete_entry(entry=entry)

    def _back_to_the_desk(self, request, obj):
        url = reverse("admin:articles_liveentry_add") + f"?live_blog={obj.live_blog_id}"
        return HttpResponseRedirect(url)

    def response_add(self, request, obj, post_url_continue=None):
        if "_continue" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, gettext("Entry posted."), messages.SUCCESS)
        return self._back_to_the_desk(request, obj)

    def response_change(self, request, obj):
        if "_continue" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, gettext("Entry saved."), messages.SUCCESS)
        return self._back_to_the_desk(request, obj)
