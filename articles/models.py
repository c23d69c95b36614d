"""Articles, their categories, tags and images.

`Article.objects.published()` is the one answer to "which articles may a reader
see"; every reader page, feed, sitemap and template tag starts from it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchConfig, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, Count, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from articles.sanitize import sanitize_body
from articles.transliteration import slugify_greek

# Paths the site uses itself; a category slug must never shadow them.
RESERVED_SLUGS = frozenset(
    {
        "admin", "api", "accounts", "article", "articles", "atom", "category", "comments",
        "el", "en", "feeds", "healthz", "i18n", "login", "logout", "media", "news-sitemap",
        "page", "preview", "robots", "roi-eidiseon", "rss", "search", "sitemap", "static",
        "tag", "tags",
    }
)  # fmt: skip


def validate_not_reserved(slug: str) -> None:
    if slug in RESERVED_SLUGS or slug == settings.ADMIN_URL.strip("/"):
        raise ValidationError(
            _("“%(slug)s” is a path the site uses itself; choose another slug."),
            code="reserved_slug",
            params={"slug": slug},
        )


def unique_slug(model: type[models.Model], text: str, *, exclude_pk=None, max_length=200) -> str:
    """A transliterated slug for ``text``, suffixed -2, -3, ... until no other row has it."""
    base = slugify_greek(text, max_length=max_length - 6) or "arthro"
    others = model._default_manager.exclude(pk=exclude_pk) if exclude_pk else model._default_manager
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken or slug in RESERVED_SLUGS:
        slug, n = f"{base}-{n}", n + 1
    return slug


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
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Category, self.name, exclude_pk=self.pk, max_length=80)
        validate_not_reserved(self.slug)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})


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
        return reverse("articles:tag", kwargs={"slug": self.slug})


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
    """An image in the library, reusable across articles."""

    file = models.ImageField(
        _("file"), upload_to="images/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
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
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.caption or self.alt_text


class ArticleQuerySet(models.QuerySet):
    def published(self, now: datetime | None = None) -> ArticleQuerySet:
        """Articles a reader may see: published, with a publication time already passed.

        A scheduled article is a published one with a future time; it appears by
        itself when its time comes, because this filter reads the clock.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def in_category(self, category: Category) -> ArticleQuerySet:
        return self.filter(category=category)

    def most_commented(self) -> ArticleQuerySet:
        """Most approved comments first (a counter kept on the article: no join, no count)."""
        return self.filter(comment_count__gt=0).order_by("-comment_count", "-published_at", "-pk")

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-pk")

    def for_listing(self) -> ArticleQuerySet:
        """What a list of article cards needs, in one query."""
        return self.select_related("category", "hero_image").defer(
            "body", "body_html", "search_vector"
        )

    def search(self, text: str, now: datetime | None = None) -> ArticleQuerySet:
        """Articles matching a reader's query, best first (see articles/search.py)."""
        from articles.search import matching

        return matching(self, text, now=now)

    def for_headlines(self) -> ArticleQuerySet:
        """Only what a headline link needs: strips, the news feed, related lists."""
        return self.select_related("category").only(
            "headline", "slug", "published_at", "is_breaking", "category__slug",
            "category__name",
        )  # fmt: skip

    def newest_per_category(self, per_category: int) -> ArticleQuerySet:
        """The newest ``per_category`` articles of each category, in one query."""
        ranked = self.annotate(
            category_rank=models.Window(
                RowNumber(),
                partition_by=[F("category_id")],
                order_by=[F("published_at").desc(), F("pk").desc()],
            )
        )
        return ranked.filter(category_rank__lte=per_category)

    def related_to(self, article: Article, tag_ids: list[int]) -> ArticleQuerySet:
        """Shared tags first (most shared first), then the same category; never itself."""
        shared = (
            TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag_id__in=tag_ids)
            .order_by()
            .values("content_object")
            .annotate(n=Count("pk"))
            .values("n")
        )
        candidates = Q(category_id=article.category_id)
        if tag_ids:
            candidates |= Q(
                pk__in=TaggedArticle.objects.filter(tag_id__in=tag_ids).values("content_object")
            )
        return (
            self.exclude(pk=article.pk)
            .filter(candidates)
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


def search_config():
    """The text-search configuration of an article: 'english' for English ones, else 'greek'.

    Each branch is a regconfig constant: a CASE over text cast to regconfig afterwards would
    not be immutable, and PostgreSQL accepts only immutable generated columns.
    """
    return Case(When(language="en", then=SearchConfig("english")), default=SearchConfig("greek"))


def body_text(field: str = "body_html"):
    """The sanitised body with its tags replaced by spaces (immutable, so fit for a column)."""
    return Func(
        F(field),
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )


def search_document():
    """Headline weighs most (A), then the lead (B), then the body text (C)."""
    config = search_config()
    return (
        SearchVector("headline", config=config, weight="A")
        + SearchVector("lead", config=config, weight="B")
        + SearchVector(body_text(), config=config, weight="C")
    )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
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
        on_delete=models.SET_NULL,
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
    comment_count = models.PositiveIntegerField(_("approved comments"), default=0, editable=False)
    # Kept current by PostgreSQL itself on every write (a stored generated column), so
    # search never recomputes it per query; GIN-indexed below.
    search_vector = models.GeneratedField(
        expression=search_document(), output_field=SearchVectorField(), db_persist=True
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            models.Index(
                fields=["category", "status", "-published_at"], name="article_category_published"
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
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, exclude_pk=self.pk)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.body_html = sanitize_body(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "articles:detail",
            kwargs={"category": self.category.slug, "pk": self.pk, "slug": self.slug},
        )

    def is_published(self, now: datetime | None = None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

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
