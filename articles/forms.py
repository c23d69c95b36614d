"""Admin forms for articles."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.translation import gettext_lazy as _
from taggit.utils import parse_tags

from articles.models import Article, Tag


class ArticleAdminForm(forms.ModelForm):
    """Tags picked with the admin's autocomplete, plus a field for brand-new tags."""

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

    class Meta:
        model = Article
        # Tags are handled by tag_choices/new_tags, not taggit's comma field.
        fields = [
            "headline", "slug", "lead", "body", "category", "hero_image", "hero_caption",
            "status", "published_at", "author", "language", "source_line", "is_featured",
            "is_breaking", "comments_enabled",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["tag_choices"].initial = list(self.instance.tags.all())

    def clean_new_tags(self) -> list[str]:
        names = parse_tags(self.cleaned_data.get("new_tags", ""))
        for name in names:
            if len(name) > 100:
                raise forms.ValidationError(_("A tag can have at most 100 characters."))
        return names

    def chosen_tag_names(self) -> list[str]:
        chosen = [tag.name for tag in self.cleaned_data.get("tag_choices", [])]
        return chosen + [n for n in self.cleaned_data.get("new_tags", []) if n not in chosen]
