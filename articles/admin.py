from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as TaggitTag

from articles.forms import ArticleAdminForm
from articles.models import Article, Category, FlashItem, Image, Tag

# taggit registers an admin for its own Tag model, which the portal does not use.
admin.site.unregister(TaggitTag)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "menu_order"]
    list_editable = ["menu_order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "credit", "width", "height", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline", "category", "status", "published_at", "author", "is_featured", "is_breaking",
    ]  # fmt: skip
    list_filter = ["status", "category", "published_at", "is_featured", "is_breaking", "language"]
    list_select_related = ["category", "author"]
    search_fields = ["headline", "lead"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["category", "hero_image"]
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["headline", "slug", "lead", "body", "category"]}),
        (_("Tags"), {"fields": ["tag_choices", "new_tags"]}),
        (_("Image"), {"fields": ["hero_image", "hero_caption"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "author",
                    "language",
                    "source_line",
                    "is_featured",
                    "is_breaking",
                    "comments_enabled",
                    "comment_moderation",
                ]
            },
        ),
    ]

    class Media:
        # Django's slug prefill spells Greek letter by letter; ours follows ELOT 743.
        js = ["js/admin-slug.js"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            # Authors are newsroom staff; editors need no access to the user list itself.
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.tags.set(form.chosen_tag_names())


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
