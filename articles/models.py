"""Articles, their categories, tags and images.

`Article.objects.published()` is the one answer to "which articles may a reader
see"; every reader page, feed, sitemap and template tag starts from it.
"""

from __future__ import annotations

import html
import math
import re
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, Count, F, Func, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, JSONObject
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from articles import links
from articles.people import display_name
from articles.sanitize import process_editor_html, process_entry_html
from articles.search_vector import search_document
from articles.transliteration import SLUG_MAX_LENGTH, slugify_greek

# Paths the site uses itself; a category slug must never shadow them.
RESERVED_SLUGS = frozenset(
    {
        "admin", "api", "accounts", "article", "articles", "atom", "category", "comments",
        "el", "en", "feeds", "healthz", "i18n", "login", "logout", "media", "news-sitemap",
        "page", "preview", "robots", "roi-eidiseon", "rss", "search", "sitemap", "static",
        "tag", "tags", "diorthoseis", "syntaktes",
    }
)  # fmt: skip


def validate_not_reserved(slug: str) -> None:
    if slug in RESERVED_SLUGS or slug == settings.ADMIN_URL.strip("/"):
        raise ValidationError(
            _("“%(slug)s” is a path the site uses itself; choose another slug."),
            code="reserved_slug",
            params={"slug": slug},
        )


def unique_slug(
    model: type[models.Model], text: str, *, exclude_pk=None, max_length=SLUG_MAX_LENGTH
) -> str:
    """A transliterated slug for ``text``, suffixed -2, -3, ... until no other row has it.

    The slug is the one the admin's script fills in (at most SLUG_MAX_LENGTH characters);
    a suffix shortens it to stay within ``max_length``.
    """
    base = slugify_greek(text, max_length=min(max_length, SLUG_MAX_LENGTH)) or "arthro"
    others = model._default_manager.exclude(pk=exclude_pk) if exclude_pk else model._default_manager
    stem = base[: max_length - 6].rstrip("-")
    taken = set(others.filter(slug__startswith=stem).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken or slug in RESERVED_SLUGS:
        suffix = f"-{n}"
        slug, n = f"{base[: max_length - len(suffix)].rstrip('-')}{suffix}", n + 1
    return slug


def is_slug_of(slug: str, text: str) -> bool:
    """Whether ``slug`` is what unique_slug() makes of ``text`` (with or without a -N):
    filled in from it rather than typed by an editor."""
    base = slugify_greek(text) or "arthro"
    stem, _, number = slug.rpartition("-")
    return slug == base or (stem == base and number.isdigit() and int(number) >= 2)


# Reading time: 200 words a minute, a round figure below the 238 that a meta-analysis found
# for silent reading of non-fiction by adults (Brysbaert 2019, Journal of Memory and
# Language 109), because Greek words are longer than English ones on average.
READING_WORDS_PER_MINUTE = 200
SEO_TITLE_MAX_LENGTH = 70
SEO_DESCRIPTION_MAX_LENGTH = 200
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_TAG = re.compile(r"<[^>]+>")


def count_words(*texts: str) -> int:
    """Words of the given text or HTML (tags are not words; figure captions are)."""
    return sum(len(_WORD.findall(html.unescape(_TAG.sub(" ", text or "")))) for text in texts)


class SectionColour(models.TextChoices):
    """A section's colour on labels and headings; static/css/site.css has each one twice,
    for the light and the dark scheme, both with AA contrast on the page background."""

    BLUE = "blue", _("Blue")
    RED = "red", _("Red")
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    PURPLE = "purple", _("Purple")
    TEAL = "teal", _("Teal")
    SLATE = "slate", _("Slate")
    MAGENTA = "magenta", _("Magenta")


# Sections without a chosen colour take one from this palette by their menu order.
SECTION_PALETTE = [choice.value for choice in SectionColour]


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        blank=True,
        validators=[validate_not_reserved],
        help_text=_("The section’s address in Latin letters; filled in from the name."),
    )
    menu_order = models.PositiveSmallIntegerField(
        _("menu order"), default=0, help_text=_("Lower numbers come first in the menu.")
    )
    description = models.TextField(_("description"), blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=12,
        choices=SectionColour.choices,
        blank=True,
        help_text=_(
            "The section’s colour on labels and headings. Leave empty to take the next "
            "colour of the palette by menu order."
        ),
    )

    class Meta:
        ordering = ["menu_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=~Q(slug__in=sorted(RESERVED_SLUGS)),
                name="category_slug_not_reserved",
                violation_error_message=_("This slug is reserved by the site."),
            ),
            models.CheckConstraint(
                condition=Q(colour__in=["", *SECTION_PALETTE]),
                name="category_colour_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Category, self.name, exclude_pk=self.pk)
        validate_not_reserved(self.slug)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return links.category_url(self.slug)

    @property
    def colour_key(self) -> str:
        """The colour templates use (class ``section-colour--<key>``): chosen, or by menu order."""
        return self.colour or SECTION_PALETTE[self.menu_order % len(SECTION_PALETTE)]


class Tag(TagBase):
    """A django-taggit tag whose slug is the Latin transliteration of its Greek name."""

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = slugify_greek(tag, max_length=90) or "etiketa"
        return f"{slug}-{i}" if i is not None else slug

    def get_absolute_url(self) -> str:
        return links.tag_url(self.slug)


class Author(models.Model):
    """A journalist as readers meet them: the byline's page, with photo, role and biography.

    A profile may belong to a newsroom account (``user``), so an editor's own articles
    are signed by their profile by default.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("The page's address in Latin letters; filled in from the name."),
    )
    role = models.CharField(
        _("role"), max_length=120, blank=True, help_text=_("For example: Political editor.")
    )
    biography = models.TextField(_("biography"), blank=True, max_length=3000)
    photo = models.ForeignKey(
        "Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        verbose_name=_("newsroom account"),
        help_text=_("The editor who signs as this author, if any."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Author, self.name, exclude_pk=self.pk, max_length=120)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return links.author_url(self.slug)


class TaggedArticle(ItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")
        ]


class Image(models.Model):
    """An image in the library, reusable across articles.

    Files only arrive through `articles.services.create_image`, which validates the upload,
    re-encodes it without metadata under a generated name and writes its renditions.
    """

    file = models.ImageField(
        _("file"), upload_to="images/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    # [{"width": 640, "height": 360, "webp": "renditions/...-640.webp", "jpeg": "..."}, ...]
    # narrowest first: written once with the files, so pages build srcset without the disk.
    renditions = models.JSONField(_("renditions"), default=list, blank=True, editable=False)
    alt_text = models.CharField(
        _("alt text"),
        max_length=250,
        help_text=_("What the image shows, for readers who cannot see it (screen readers)."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("image credit"),
        max_length=150,
        blank=True,
        help_text=_("e.g. the photographer or agency"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""),
                name="image_has_alt_text",
                violation_error_message=_("Every image needs alt text."),
            ),
        ]

    def __str__(self) -> str:
        return self.caption or self.alt_text

    @property
    def storage(self) -> Storage:
        return self.file.storage

    def _srcset(self, kind: str, max_width: int | None = None) -> str:
        key = tuple((r[kind], r["width"]) for r in self.renditions_up_to(max_width))
        return _srcset(self.storage, key)

    def renditions_up_to(self, max_width: int | None) -> list[dict]:
        """The renditions no wider than ``max_width`` (at least the narrowest one)."""
        if max_width is None:
            return self.renditions
        return [r for r in self.renditions if r["width"] <= max_width] or self.renditions[:1]

    def small_srcsets(self, max_width: int) -> tuple[str, str, str]:
        """WebP srcset, JPEG srcset and fallback URL of a picture shown small (a thumbnail
        never needs the 1600-pixel file): the renditions up to ``max_width``."""
        return (
            self._srcset("webp", max_width),
            self._srcset("jpeg", max_width),
            self.storage.url(self.renditions_up_to(max_width)[0]["jpeg"]),
        )

    @cached_property
    def webp_srcset(self) -> str:
        return self._srcset("webp")

    @cached_property
    def jpeg_srcset(self) -> str:
        return self._srcset("jpeg")

    @cached_property
    def fallback_url(self) -> str:
        """The JPEG for browsers without srcset: the widest rendition up to 1024 pixels."""
        if not self.renditions:
            return self.file.url
        fitting = [r for r in self.renditions if r["width"] <= 1024] or self.renditions[:1]
        return self.storage.url(fitting[-1]["jpeg"])

    def rendition_url(self, min_width: int, kind: str = "jpeg") -> str:
        """The narrowest rendition at least ``min_width`` wide (or the widest there is)."""
        if not self.renditions:
            return self.file.url
        wide_enough = [r for r in self.renditions if r["width"] >= min_width]
        return self.storage.url((wide_enough or self.renditions)[0 if wide_enough else -1][kind])

    def stored_names(self) -> list[str]:
        """Every file this image owns: the original and each rendition."""
        names = [self.file.name] if self.file else []
        for rendition in self.renditions:
            names += [rendition["webp"], rendition["jpeg"]]
        return names


@lru_cache(maxsize=8192)
def _srcset(storage: Storage, renditions: tuple[tuple[str, int], ...]) -> str:
    """A srcset, memoised: the same image on every page costs its URLs once per process."""
    return ", ".join(f"{storage.url(name)} {width}w" for name, width in renditions)


# How many of the newest articles of each tag (and of the category) compete for "See also".
RELATED_CANDIDATES = 20


class ArticleQuerySet(models.QuerySet):
    def published(self, now: datetime | None = None) -> ArticleQuerySet:
        """Articles a reader may see: published, with a publication time already passed.

        A scheduled article is a published one with a future time; it appears by
        itself when its time comes, because this filter reads the clock.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def scheduled(self, now: datetime | None = None) -> ArticleQuerySet:
        """Published with a future time: they appear by themselves when it comes."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=now or timezone.now())

    def in_category(self, category: Category) -> ArticleQuerySet:
        return self.filter(category=category)

    def most_commented(self) -> ArticleQuerySet:
        """Most approved comments first (a counter kept on the article: no join, no count)."""
        return self.filter(comment_count__gt=0).order_by("-comment_count", "-published_at", "-pk")

    def most_read(self, since: date) -> ArticleQuerySet:
        """Most read since ``since`` (a day), from the daily counters of `ReadCount`."""
        return (
            self.filter(reads__day__gte=since)
            .annotate(read_total=Sum("reads__count"))
            .order_by("-read_total", "-published_at", "-pk")
        )

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-pk")

    def for_listing(self) -> ArticleQuerySet:
        """What a list of article cards needs, in one query."""
        return self.select_related("category", "hero_image").defer(
            "body", "body_html", "search_vector"
        )

    def refresh_search_tag_names(self) -> int:
        """Copy each article's tag names into ``search_tag_names`` (one UPDATE); PostgreSQL
        then recomputes the search vector of exactly those rows."""
        names = (
            TaggedArticle.objects.filter(content_object=OuterRef("pk"))
            .order_by()
            .values("content_object")
            .annotate(names=StringAgg("tag__name", delimiter=" ", order_by="tag__name"))
            .values("names")
        )
        return self.update(search_tag_names=Coalesce(Subquery(names), Value("")))

    def for_article_page(self, *, with_tags: bool = True) -> ArticleQuerySet:
        """What the article page shows, in one query: its tags too (as ``tag_list``)
        unless the caller already has them."""
        # Not the editor's source nor the search vector: readers see body_html only.
        page = self.select_related("category", "hero_image", "author").defer(
            "body", "search_vector"
        )
        if not with_tags:
            return page
        tags = (
            TaggedArticle.objects.filter(content_object=OuterRef("pk"))
            .order_by("tag__name")
            .values(json=JSONObject(id="tag_id", name="tag__name", slug="tag__slug"))
        )
        corrections = (
            Correction.objects.filter(article=OuterRef("pk"))
            .order_by("-published_at", "-pk")
            .values(json=JSONObject(id="pk", kind="kind", text="text", at="published_at"))
        )
        bylines = (
            Article.authors.through.objects.filter(article=OuterRef("pk"))
            .order_by("pk")
            .values(json=JSONObject(name="author__name", slug="author__slug"))
        )
        return page.annotate(
            tag_list=ArraySubquery(tags),
            correction_list=ArraySubquery(corrections),
            author_list=ArraySubquery(bylines),
        )

    def for_headlines(self) -> ArticleQuerySet:
        """Only what a headline link needs: strips, the news feed, related lists."""
        return self.select_related("category").only(
            "headline", "slug", "published_at", "is_breaking", "category__slug",
            "category__name",
        )  # fmt: skip

    def newest_per_category(self, per_category: int) -> ArticleQuerySet:
        """The newest ``per_category`` articles of each category, in one query.

        For each category, a short index scan of (category, status, published_at) reads
        just its newest rows (`ARRAY(SELECT ... LIMIT n)` per category): the cost follows
        the number of categories, not the size of the archive, as a window over every
        article would.
        """
        newest = self.filter(category_id=OuterRef("pk")).newest_first().values("pk")[:per_category]
        chosen = Category.objects.order_by().annotate(
            article_id=Func(ArraySubquery(newest), function="unnest")
        )
        return self.filter(pk__in=chosen.values("article_id"))

    def related_to(self, article: Article, tag_ids: list[int]) -> ArticleQuerySet:
        """Shared tags first (most shared first), then the same category; never itself.

        Candidates are the newest RELATED_CANDIDATES articles of each of the article's tags
        and of its category, read first in one small query: a popular tag may hold half
        the archive, and ranking all of its articles would cost more than the whole page.
        Each candidate's shared tags are then counted through the (article, tag) index.
        """
        others = self.exclude(pk=article.pk).order_by("-published_at", "-pk")
        newest_with_tag = others.filter(tagged_items__tag_id=OuterRef("pk")).values("pk")[
            :RELATED_CANDIDATES
        ]
        candidate_ids = set(
            Tag.objects.filter(pk__in=tag_ids)
            .annotate(article_id=Func(ArraySubquery(newest_with_tag), function="unnest"))
            .values_list("article_id", flat=True)
            .union(
                others.filter(category_id=article.category_id).values_list("pk", flat=True)[
                    :RELATED_CANDIDATES
                ]
            )
        )
        shared = (
            TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag_id__in=tag_ids)
            .order_by()
            .values("content_object")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.filter(pk__in=candidate_ids)
            .annotate(
                shared_tags=Coalesce(Subquery(shared), Value(0)),
                same_category=Case(
                    When(category_id=article.category_id, then=Value(1)), default=Value(0)
                ),
            )
            .order_by("-shared_tags", "-same_category", "-published_at", "-pk")
        )


class CommentModeration(models.TextChoices):
    """How an article's reader comments are moderated; empty follows COMMENTS_MODERATION."""

    SITE_DEFAULT = "", _("Site default")
    PRE = "pre", _("Pre-moderation")
    POST = "post", _("Post-moderation")


class ArticleRevisionBase(models.Model):
    """Extra columns of each revision (django-simple-history row) of an article."""

    # Tags live in another table; a revision keeps their names so that a restore brings
    # them back and the history can say how they changed.
    tag_names = models.JSONField(_("tags"), default=list, blank=True)

    class Meta:
        abstract = True


# Kept at module level so that the services can write a revision themselves, once the
# tags are saved too (the admin saves tags after the article).
article_history = HistoricalRecords(
    bases=[ArticleRevisionBase],
    # body_html is derived from body; updated_at is the revision's own time; the comment
    # counter and the search vector are not the editors' content (and change on their own).
    excluded_fields=[
        "body_html",
        "updated_at",
        "comment_count",
        "search_vector",
        "search_tag_names",
        "word_count",
    ],
    verbose_name=_("article revision"),
    verbose_name_plural=_("article revisions"),
)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class State(models.TextChoices):
        """What the admin shows: the status, with "scheduled" told apart from "published"."""

        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class Language(models.TextChoices):
        GREEK = "el", "Ελληνικά"
        ENGLISH = "en", "English"

    headline = models.CharField(_("headline"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Filled in from the headline, in Latin letters."),
    )
    lead = models.TextField(
        _("lead"),
        blank=True,
        help_text=_("The standfirst under the headline (one or two sentences)."),
    )
    body = models.TextField(_("body"), blank=True)
    # The body after sanitising on save; the only article HTML templates mark safe.
    body_html = models.TextField(editable=False, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    tags = TaggableManager(through=TaggedArticle, blank=True, verbose_name=_("tags"))
    hero_image = models.ForeignKey(
        Image,
        # An image in use cannot be deleted from the library (the admin says where it is used).
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hero_of",
        verbose_name=_("hero image"),
    )
    hero_caption = models.CharField(
        _("hero image caption"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty to use the caption stored with the image."),
    )
    # What search engines and social networks show, when it should differ from the page's
    # headline and lead. The limits are a little above what they display (Google cuts a
    # title near 60 characters and a snippet near 155), so an editor has room to trim.
    # Database defaults too, for rows written with plain SQL (the benchmark's data sets).
    seo_title = models.CharField(
        _("title for search engines"),
        max_length=SEO_TITLE_MAX_LENGTH,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Optional: the title of the search result and of the share card, if it should "
            "differ from the headline. Search engines show about 60 characters."
        ),
    )
    seo_description = models.CharField(
        _("description for search engines"),
        max_length=SEO_DESCRIPTION_MAX_LENGTH,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Optional: the text under the title in search results and share cards, if it "
            "should differ from the lead. Search engines show about 155 characters."
        ),
    )
    source_line = models.CharField(
        _("source line"),
        max_length=200,
        blank=True,
        help_text=_("Shown under the body, e.g. the agency or publication."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("author"),
    )
    authors = models.ManyToManyField(
        Author,
        blank=True,
        related_name="articles",
        verbose_name=_("bylines"),
        help_text=_("Who signs the article, in this order; readers reach their pages."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.GREEK
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Athens time. A future time schedules the article: it appears by itself then."),
    )
    # "Updated" for readers: set when what readers see changes after the article went live.
    revised_at = models.DateTimeField(
        _("updated for readers"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_featured = models.BooleanField(
        _("featured"),
        default=False,
        help_text=_("The newest featured article leads the home page."),
    )
    is_breaking = models.BooleanField(_("breaking"), default=False)
    comments_enabled = models.BooleanField(
        _("comments open"),
        default=True,
        help_text=_(
            "Untick to close the comments. They also close by themselves some days after "
            "publication (a site setting)."
        ),
    )
    comment_moderation = models.CharField(
        _("comment moderation"),
        max_length=4,
        choices=CommentModeration.choices,
        default=CommentModeration.SITE_DEFAULT,
        blank=True,
        help_text=_(
            "Pre-moderation: no comment appears before a moderator approves it. "
            "Post-moderation: readers with earlier approved comments appear at once."
        ),
    )
    # Approved comments, kept by the comment services in the same transaction as the change
    # (F() updates), so that lists and the article page never count comments row by row.
    comment_count = models.PositiveIntegerField(_("comments shown"), default=0, editable=False)
    # A database default too: rows written with plain SQL (the benchmark's data sets) count 0.
    word_count = models.PositiveIntegerField(_("words"), default=0, db_default=0, editable=False)
    # The article's tag names, for the search vector only (a generated column cannot read
    # another table). Kept by ArticleQuerySet.refresh_search_tag_names, which the signals
    # call whenever an article's tags or a tag's name change.
    search_tag_names = models.TextField(editable=False, blank=True, default="", db_default="")
    # Kept current by PostgreSQL itself on every write (a stored generated column), so
    # search never recomputes it per query; GIN-indexed below.
    search_vector = models.GeneratedField(
        expression=search_document(), output_field=SearchVectorField(), db_persist=True
    )
    # Library images placed in the body, kept in step with it on save: an image in use
    # cannot be deleted, and a change of its credit or alt text re-renders these bodies.
    body_images = models.ManyToManyField(
        Image,
        through="ArticleBodyImage",
        related_name="in_article_bodies",
        blank=True,
        editable=False,
        verbose_name=_("images in the body"),
    )

    objects = ArticleQuerySet.as_manager()
    history = article_history

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            # Every reader list is "newest first, id breaking ties": with the id in the index,
            # PostgreSQL reads a page straight off it (and deep pages index-only), no sort.
            models.Index(fields=["status", "-published_at", "-id"], name="article_status_newest"),
            models.Index(
                fields=["category", "status", "-published_at", "-id"],
                name="article_category_newest",
            ),
            GinIndex(fields=["search_vector"], name="article_search_vector"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message=_("A published article needs a publication time."),
            ),
            models.CheckConstraint(
                condition=Q(comment_moderation__in=CommentModeration.values),
                name="article_comment_moderation_valid",
            ),
            models.CheckConstraint(
                # Only an article readers have seen can be withdrawn; a scheduled one that
                # is called back goes back to being a draft.
                condition=~Q(status="unpublished") | Q(published_at__isnull=False),
                name="unpublished_article_has_time",
                violation_error_message=_("Only an article that was published can be withdrawn."),
            ),
            models.CheckConstraint(
                condition=Q(revised_at__isnull=True)
                | Q(published_at__isnull=False, revised_at__gte=F("published_at")),
                name="article_revised_after_publication",
                violation_error_message=_("An article is updated only after its publication."),
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, exclude_pk=self.pk)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        render = update_fields is None or "body" in update_fields
        if render:
            # Figure captions get the image credit in the article's own language.
            with override(self.language):
                rendered = process_editor_html(self.body)
            # The editor's source is kept cleaned too: the admin loads it into the editor.
            self.body, self.body_html = rendered.source, rendered.html
            self.word_count = count_words(self.lead, self.body_html)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html", "word_count"}
        super().save(*args, **kwargs)
        if render:
            self.body_images.set(rendered.image_ids)

    def get_absolute_url(self) -> str:
        return links.article_url(self.category.slug, self.pk, self.slug)

    def is_published(self, now: datetime | None = None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

    def has_been_public(self, now: datetime | None = None) -> bool:
        """Readers have seen it (it may be withdrawn since): its publication time is history."""
        return (
            self.status in {self.Status.PUBLISHED, self.Status.UNPUBLISHED}
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

    def state(self, now: datetime | None = None) -> str:
        if self.status == self.Status.PUBLISHED:
            return self.State.PUBLISHED if self.is_published(now) else self.State.SCHEDULED
        return self.State(self.status)

    def get_state_display(self, now: datetime | None = None) -> str:
        return self.State(self.state(now)).label

    @property
    def search_title(self) -> str:
        """The title search engines and share cards get: the SEO title, else the headline."""
        return self.seo_title.strip() or self.headline

    @property
    def search_description(self) -> str:
        """Their description (uncut): the SEO description, else the lead, else the headline."""
        return " ".join((self.seo_description or self.lead or self.headline).split())

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the body, at READING_WORDS_PER_MINUTE (at least one)."""
        return max(1, math.ceil(self.word_count / READING_WORDS_PER_MINUTE))

    def bylines(self) -> list[dict]:
        """Who signs it, in order: each a name and, for an author profile, its page's URL.
        Read with the article by for_article_page(), or now; an article without profiles
        is signed by its author account's name."""
        rows = getattr(self, "author_list", None)
        if rows is None:
            rows = list(
                Article.authors.through.objects.filter(article=self)
                .order_by("pk")
                .values(name=F("author__name"), slug=F("author__slug"))
            )
        if rows:
            return [{"name": row["name"], "url": links.author_url(row["slug"])} for row in rows]
        if name := display_name(self.author):
            return [{"name": name, "url": ""}]
        return []

    def shown_corrections(self) -> list[dict]:
        """Its corrections, newest first: read with the article by for_article_page(), or
        now. Each: kind, its label, text and time."""
        rows = getattr(self, "correction_list", None)
        if rows is None:
            rows = [
                {"id": c.pk, "kind": c.kind, "text": c.text, "at": c.published_at}
                for c in self.corrections.all()
            ]
        return [
            {
                **row,
                "label": Correction.Kind(row["kind"]).label,
                "at": datetime.fromisoformat(row["at"])
                if isinstance(row["at"], str)
                else row["at"],
            }
            for row in rows
        ]

    @property
    def show_revised(self) -> bool:
        """Whether readers see an "updated" time (a change after publication)."""
        return bool(self.revised_at and self.published_at and self.revised_at > self.published_at)

    @property
    def hero_caption_text(self) -> str:
        if self.hero_caption:
            return self.hero_caption
        return self.hero_image.caption if self.hero_image else ""


class FlashItemQuerySet(models.QuerySet):
    def published(self, now: datetime | None = None) -> FlashItemQuerySet:
        """Flashes readers may see: the same rule as articles (published, time passed)."""
        return self.filter(
            status=FlashItem.Status.PUBLISHED, published_at__lte=now or timezone.now()
        )


class FlashItem(models.Model):
    """A one-line item in the news feed, posted by an editor without writing a full article."""

    Status = Article.Status

    text = models.CharField(
        _("text"),
        max_length=280,
        help_text=_("One or two sentences, as they will appear in the news feed."),
    )
    link = models.URLField(
        _("link"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Optional: a full address (https://…) where readers can read more."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Article.Language.choices, default="el"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Athens time; empty means now. A future time schedules the flash."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FlashItemQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("flash item")
        verbose_name_plural = _("flash items")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="flash_status_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_flash_has_time",
                violation_error_message=_("A published flash item needs a publication time."),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)

    def clean(self):
        # "Published" with no time means "now"; set before the constraint is validated.
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()


class Correction(models.Model):
    """A correction or clarification of a published article, made in the open: shown at
    the top of the article, on the corrections page and in its structured data."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")

    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="corrections", verbose_name=_("article")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        _("text"),
        max_length=1000,
        help_text=_("What was wrong or unclear, and what is right; readers see it as written."),
    )
    published_at = models.DateTimeField(_("time"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        indexes = [models.Index(fields=["-published_at", "-id"], name="correction_newest")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The article changed in the open: its modification time says so (dateModified,
        # "Updated" under the headline), never earlier than its publication.
        at = Value(self.published_at)
        Article.objects.filter(pk=self.article_id, published_at__lte=self.published_at).update(
            updated_at=Greatest("updated_at", at),
            revised_at=Greatest(Coalesce("revised_at", at), at),
        )

    def clean(self):
        # Only what readers have seen is corrected in the open; a draft is simply edited.
        if self.article_id and not self.article.has_been_public():
            raise ValidationError(
                {"article": _("Only a published article is corrected; edit a draft instead.")}
            )


class BreakingBannerQuerySet(models.QuerySet):
    def shown(self, now: datetime | None = None) -> BreakingBannerQuerySet:
        """Banners readers see now: started and not yet ended, the newest start first."""
        now = now or timezone.now()
        return self.filter(starts_at__lte=now, ends_at__gt=now).order_by("-starts_at", "-pk")


class BreakingBanner(models.Model):
    """A line across the top of every page for breaking news ("ΕΚΤΑΚΤΟ"), until its end.

    The newest banner that has started and not ended is shown; it leaves by itself at its
    end time (no cron: pages fill it in as a live part, see articles/banner.py).
    """

    text = models.CharField(
        _("text"),
        max_length=200,
        help_text=_("One sentence, as readers should see it across the top of every page."),
    )
    link = models.URLField(
        _("link"),
        blank=True,
        help_text=_("Optional: the article or live coverage the banner leads to."),
    )
    starts_at = models.DateTimeField(_("shown from"), default=timezone.now)
    ends_at = models.DateTimeField(
        _("shown until"), help_text=_("The banner disappears by itself at this time.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BreakingBannerQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("breaking-news banner")
        verbose_name_plural = _("breaking-news banners")
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="banner_window")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="banner_ends_after_it_starts",
                violation_error_message=_("A banner must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.text


class ArticleBodyImage(models.Model):
    """A library image placed in an article's body (kept by Article.save)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("image in an article body")
        verbose_name_plural = _("images in article bodies")
        constraints = [
            models.UniqueConstraint(fields=["article", "image"], name="unique_article_body_image")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.image_id}"


class PreviewLink(models.Model):
    """A signed link that shows an unpublished article to someone without an account.

    The URL carries `key` signed with SECRET_KEY (see articles/preview.py); the row says
    until when it works and whether it was revoked, so an editor can end it at any time.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="preview_links", verbose_name=_("article")
    )
    key = models.UUIDField(_("key"), unique=True, editable=False)
    note = models.CharField(
        _("for whom"),
        max_length=120,
        blank=True,
        help_text=_("Who gets the link, e.g. “legal department” (only editors see this)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="preview_link_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        # The note when there is one, otherwise when the link was made (Athens time, as
        # the admin shows every time); a note is text and takes no date format.
        label = self.note or (
            timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M")
            if self.created_at
            else ""
        )
        return f"{self.article} ({label})" if label else str(self.article)

    def is_active(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class EditLock(models.Model):
    """Who is editing an article right now; see articles/locks.py for the rules."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="edit_lock", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("editor"),
    )
    acquired_at = models.DateTimeField(_("editing since"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        ordering = ["-acquired_at"]
        verbose_name = _("edit lock")
        verbose_name_plural = _("edit locks")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("acquired_at")), name="edit_lock_expires_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article}: {self.user}"

    def is_stale(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class ReadCount(models.Model):
    """How many readers opened an article on one day (Athens time).

    Reads are counted by a small request the article page's script sends once it is
    visible (`articles/reads.py`), never by the cached page itself, and reach this table
    in batches: the home page's "most read" list sums the last days' rows in one query.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="reads", verbose_name=_("article")
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("reads"), default=0)

    class Meta:
        ordering = ["-day", "-count"]
        verbose_name = _("daily reads")
        verbose_name_plural = _("daily reads")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="read_count_article_day"),
        ]
        indexes = [models.Index(fields=["day", "article"], name="read_count_day_article")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.count}"


class LiveBlog(models.Model):
    """An article turned into live coverage ("λεπτό προς λεπτό"): editors post entries
    under it, readers' open pages receive them (articles/liveblog.py). The article keeps
    its headline, lead and body (the summary above the entries); ending the coverage
    freezes the page. Its key is the article's, so ``liveblog:<id>`` is the article's id.
    """

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="live_blog",
        verbose_name=_("article"),
    )
    started_at = models.DateTimeField(_("coverage started"), default=timezone.now)
    ended_at = models.DateTimeField(
        _("coverage ended"),
        null=True,
        blank=True,
        help_text=_("Empty while the coverage goes on. Once set, readers' pages stop updating."),
    )
    expected_end_at = models.DateTimeField(
        _("expected end"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: when the coverage should end, for search engines (they show it as "
            "live until then). The coverage ends only when “coverage ended” is set."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("live blog")
        verbose_name_plural = _("live blogs")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="live_blog_ends_after_it_starts",
                violation_error_message=_("The coverage cannot end before it started."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.article)

    @property
    def is_live(self) -> bool:
        return self.ended_at is None

    def clean(self):
        if self.ended_at and self.ended_at > timezone.now():
            raise ValidationError(
                {"ended_at": _("The coverage has ended or ends now: not a time in the future.")}
            )


_EMBED_FIGURE = re.compile(r'<figure class="embed".*?</figure>', re.S)


class LiveEntry(models.Model):
    """One entry of a live blog: a short text (sanitised like an article body, addresses
    of videos and posts become embeds), an optional title and picture, and two flags."""

    live_blog = models.ForeignKey(
        LiveBlog, on_delete=models.CASCADE, related_name="entries", verbose_name=_("live blog")
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Optional: a few words in bold.")
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "What happened. A paragraph with only the address of a YouTube, Vimeo, X, "
            "Facebook, Instagram, TikTok or SoundCloud post becomes an embed."
        ),
    )
    # The text after sanitising on save; the only entry HTML templates mark safe.
    body_html = models.TextField(editable=False, blank=True)
    image = models.ForeignKey(
        Image,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="live_entries",
        verbose_name=_("image"),
    )
    is_key_event = models.BooleanField(
        _("key event"), default=False, help_text=_("Listed under “Key events” at the top.")
    )
    is_pinned = models.BooleanField(
        _("pinned"),
        default=False,
        help_text=_("Shown above every other entry; pinning it unpins the previous one."),
    )
    posted_at = models.DateTimeField(_("time"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("posted by"),
    )

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        indexes = [
            models.Index(fields=["live_blog", "-posted_at", "-id"], name="live_entry_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["live_blog"],
                condition=Q(is_pinned=True),
                name="one_pinned_entry_per_live_blog",
                violation_error_message=_("A live blog has one pinned entry at most."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or Truncator(self.plain_text).chars(60) or str(_("Embedded post"))

    @property
    def plain_text(self) -> str:
        """Its words as plain text, without the embeds' placeholders (a provider's name and
        notice are not what happened): for "Key events", the admin and the JSON-LD."""
        return " ".join(strip_tags(_EMBED_FIGURE.sub(" ", self.body_html or self.body)).split())

    @property
    def anchor(self) -> str:
        return f"entry-{self.pk}"

    @property
    def local_day(self) -> date:
        """Its day in Athens time: an entry of another day shows its date."""
        return timezone.localtime(self.posted_at).date()

    def render_body(self, language: str) -> None:
        """Sanitise the text into ``body_html`` (embeds' words in the article's language)."""
        with override(language):
            rendered = process_entry_html(self.body)
        self.body, self.body_html = rendered.source, rendered.html
