"""Admin forms for articles, images and preview links."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.urls import reverse_lazy
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.utils import parse_tags

from articles import images
from articles.models import Article, Image, LiveEntry, Tag
from articles.people import display_name
from articles.sanitize import clean_editor_html, process_entry_html

# What the body editor offers. The editor's own sanitiser (nh3) keeps to this on submit;
# Article.save() sanitises again for readers (articles/sanitize.py) whatever arrives.
BODY_EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    # Figures of library images: "Browse..." opens the picker (ImageAdmin.picker_view).
    "Figure": {"pickerUrl": reverse_lazy("admin:articles_image_picker")},
    "Image": True,
    "Caption": True,
}


class ArticleAdminForm(forms.ModelForm):
    """Tags picked with the admin's autocomplete, plus a field for brand-new tags."""

    body = ProseEditorFormField(
        label=_("Body"),
        required=False,
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        sanitize=True,
        widget=AdminProseEditorWidget,
        help_text=_(
            "Sub-headings, bold, italic, links, lists and quotes from the toolbar; "
            "the picture button inserts an image from the library with its caption."
        ),
    )
    tag_choices = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
        help_text=_("Start typing to find an existing tag."),
    )
    new_tags = forms.CharField(
        label=_("New tags"),
        required=False,
        help_text=_("Tags that do not exist yet, separated by commas."),
    )

    # Set by ArticleAdmin when another editor took the article over meanwhile.
    edit_lock_conflict = None

    class Meta:
        model = Article
        # Tags are handled by tag_choices/new_tags, not taggit's comma field.
        fields = [
            "headline", "slug", "lead", "body", "category", "hero_image", "hero_caption",
            "status", "published_at", "author", "language", "source_line", "is_featured",
            "is_breaking", "comments_enabled", "seo_title", "seo_description",
        ]  # fmt: skip
        widgets = {"seo_description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "status": _(
                "Draft: only editors see it. Published: readers see it from the publication "
                "time on, so a future time schedules it. Unpublished: withdrawn from readers."
            ),
            "hero_image": _("Type to search the image library; the + button uploads a new image."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["tag_choices"].initial = list(self.instance.tags.all())
        public = self.instance.pk is not None and self.instance.has_been_public()
        slug = self.fields.get("slug")
        if slug is not None:
            # The rule of articles.services.save_article, said where the editor sees it;
            # static/js/admin-slug.js makes a marked slug follow the headline as it is typed.
            if public:
                slug.help_text = _(
                    "The article’s address since its publication: it stays as it is when the "
                    "headline changes, because links to it are out there. If you change it "
                    "here, the old address still leads to the article."
                )
            else:
                slug.help_text = _(
                    "Filled in from the headline in Latin letters, and follows it while the "
                    "article is unpublished. Once the article is published, it stays."
                )
                slug.widget.attrs["data-follows-headline"] = ""
        status = self.fields.get("status")
        if status is not None:
            # Withdrawing only makes sense for an article readers have seen; such an
            # article is not a draft any more.
            keep = (
                {Article.Status.PUBLISHED, Article.Status.UNPUBLISHED}
                if public
                else {Article.Status.DRAFT, Article.Status.PUBLISHED}
            )
            status.choices = [c for c in status.choices if c[0] in keep]

    def clean_body(self) -> str:
        # Cleaned as Article.save stores it (articles/sanitize.py), so that a body the
        # editor left alone compares equal to the stored one: no "updated" time for readers.
        return clean_editor_html(self.cleaned_data.get("body") or "")

    def clean_new_tags(self) -> list[str]:
        names = parse_tags(self.cleaned_data.get("new_tags", ""))
        for name in names:
            if len(name) > 100:
                raise forms.ValidationError(_("A tag can have at most 100 characters."))
        return names

    def clean(self):
        cleaned = super().clean()
        lock = self.edit_lock_conflict
        if lock is not None:
            raise forms.ValidationError(
                _(
                    "%(name)s took over this article at %(time)s, so your changes were not "
                    "saved. Copy what you need to keep, then take over editing again to save."
                ),
                code="edit_lock",
                params={
                    "name": display_name(lock.user),
                    "time": formats.time_format(timezone.localtime(lock.acquired_at)),
                },
            )
        return cleaned

    def chosen_tag_names(self) -> list[str]:
        chosen = [tag.name for tag in self.cleaned_data.get("tag_choices", [])]
        return chosen + [n for n in self.cleaned_data.get("new_tags", []) if n not in chosen]


class ImageAdminForm(forms.ModelForm):
    """An image for the library: the file is validated and re-encoded while cleaning."""

    upload = forms.FileField(
        label=_("Image file"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Image
        fields = ["alt_text", "caption", "credit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.processed: images.ProcessedImage | None = None
        if self.instance.pk:
            # A stored image keeps its file (articles show it); upload another image instead.
            del self.fields["upload"]
        else:
            self.fields["upload"].help_text = _(
                "JPEG, PNG or WebP, at most %(size)s MB and %(pixels)s megapixels. "
                "The picture is turned upright and its metadata (such as GPS position) removed."
            ) % {
                "size": f"{settings.IMAGE_UPLOAD_MAX_BYTES / 1_048_576:.0f}",
                "pixels": f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}",
            }

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        # The renditions are left to a background task (articles/renditions.py).
        self.processed = images.process_upload(upload, renditions=False)
        return upload


class PreviewLinkForm(forms.Form):
    LIFETIMES = [
        (3600, _("1 hour")),
        (86400, _("1 day")),
        (3 * 86400, _("3 days")),
        (7 * 86400, _("7 days")),
    ]

    note = forms.CharField(
        label=_("For whom"),
        max_length=120,
        required=False,
        help_text=_("Who gets the link, e.g. “legal department” (only editors see this)."),
    )
    lifetime = forms.TypedChoiceField(
        label=_("Works for"), choices=LIFETIMES, coerce=int, initial=3 * 86400
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        configured = settings.PREVIEW_LINK_LIFETIME
        if configured in dict(self.LIFETIMES):
            self.fields["lifetime"].initial = configured

    def lifetime_delta(self) -> timedelta:
        return timedelta(seconds=self.cleaned_data["lifetime"])


# What a live entry's text editor offers: a few sentences, links, a list; no headings or
# figures (the entry's picture is its own field). Addresses on their own line are embeds.
ENTRY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "BulletList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
}


class LiveEntryAdminForm(forms.ModelForm):
    """The compact form of the live desk: text first, then title, picture and flags."""

    body = ProseEditorFormField(
        label=_("Text"),
        config={"extensions": ENTRY_EDITOR_EXTENSIONS},
        sanitize=True,
        widget=AdminProseEditorWidget,
        help_text=_(
            "What happened, in a few sentences. Paste the address of a YouTube, Vimeo, X, "
            "Facebook, Instagram, TikTok or SoundCloud post on a line of its own to embed it."
        ),
    )

    class Meta:
        model = LiveEntry
        fields = ["live_blog", "body", "title", "image", "is_key_event", "is_pinned"]
        help_texts = {"image": _("Type to search the image library.")}

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body") or ""
        if not strip_tags(process_entry_html(body).html).strip():
            raise forms.ValidationError(_("Write the entry’s text."), code="required")
        return body

    def clean_live_blog(self):
        live_blog = self.cleaned_data.get("live_blog")
        if live_blog is not None and self.instance.pk is None and not live_blog.is_live:
            raise forms.ValidationError(
                _("This coverage has ended; resume it to post again."), code="ended"
            )
        return live_blog
