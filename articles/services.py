"""Writes with rules for articles and images.

Each function is keyword-only, runs in one transaction, validates with full_clean()
before saving and returns the object. The admin (forms and actions), the demo-data
command and the tests call these same functions.

The publishing rules:
- draft -> published: the publication time is set now (or kept, if the editor chose a
  future time: the article is then "scheduled" and appears by itself at that time);
- the publication time is set once, on first publication, and kept from then on, also
  through unpublishing and publishing again;
- published -> unpublished withdraws an article readers have seen; a scheduled article
  that is called back before its time becomes a draft again;
- a change readers can see (headline, lead, body, images, tags...) to a live article
  sets its "updated" time (``revised_at``);
- every save writes one revision (django-simple-history) with the editor, the time, a
  reason and the tag names, and any revision can be restored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from articles import images, renditions
from articles.models import (
    Article,
    Author,
    Category,
    Image,
    ReadCount,
    article_history,
    is_slug_of,
    unique_slug,
)
from articles.renditions import refresh_bodies_showing
from newsportal.caching import scopes

logger = logging.getLogger(__name__)

# What readers see of an article: a change to these after publication is an "update",
# and these come back when an editor restores a revision. Workflow fields (status,
# times, featured/breaking flags, comments) are not content and stay as they are.
CONTENT_FIELDS = (
    "headline", "lead", "body", "category_id", "hero_image_id", "hero_caption", "source_line",
    "language",
)  # fmt: skip
# What a restored revision brings back: the content, and what search engines and share
# cards are given (not an "update" for readers, who never see it on the page).
RESTORED_FIELDS = (*CONTENT_FIELDS, "seo_title", "seo_description")


def save_article(
    *,
    article: Article,
    editor=None,
    tag_names: Iterable[str] | None = None,
    authors: Iterable[Author] | None = None,
    reason: str = "",
) -> Article:
    """Save an article (new or changed) with its tags and bylines (``authors``, in order;
    None keeps them) and write one revision."""
    now = timezone.now()
    with transaction.atomic():
        previous = None
        if article.pk:
            previous = Article.objects.select_for_update().filter(pk=article.pk).first()
        old_tags = set(previous.tags.names()) if previous else set()
        if _slug_follows_headline(previous, article, now):
            article.slug = unique_slug(Article, article.headline, exclude_pk=article.pk)
        new_tags = old_tags if tag_names is None else set(tag_names)

        if previous is not None and previous.has_been_public(now):
            # Set on first publication, then kept: readers and feeds rely on it.
            article.published_at = previous.published_at
        elif article.status == Article.Status.UNPUBLISHED:
            raise ValidationError(
                {"status": _("This article was never published; save it as a draft instead.")}
            )
        if article.status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = now
        if (
            previous is not None
            and previous.is_published(now)
            and article.is_published(now)
            and (_content_changed(previous, article) or old_tags != new_tags)
        ):
            article.revised_at = now

        article.full_clean()
        # The revision is written below, once the tags are saved as well.
        article.skip_history_when_saving = True
        try:
            article.save()
        finally:
            del article.skip_history_when_saving
        if tag_names is not None:
            article.tags.set(sorted(new_tags))
        if authors is not None:
            _set_bylines(article, list(authors))
        _record_revision(
            article,
            editor=editor,
            created=previous is None,
            reason=reason or (_("Article created") if previous is None else _("Article edited")),
            tag_names=sorted(new_tags),
        )
    return article


def _set_bylines(article: Article, authors: list[Author]) -> None:
    """The article's bylines become ``authors`` (their pages change too). Bylines keep the
    order they were added in (the rows' ids): a new article's follow the editor's order."""
    before = set(article.authors.values_list("pk", flat=True))
    wanted = {author.pk for author in authors}
    article.authors.remove(*(before - wanted))
    # Added one by one: ManyRelatedManager.set() adds the missing ones in the order of a
    # set of ids, which put the second author first about once in eight.
    for author in authors:
        if author.pk not in before:
            article.authors.add(author)
    changed = before ^ wanted
    scopes.changed_on_commit(
        scopes.article(article.pk), *(scopes.author(pk) for pk in changed or before)
    )


def publish_article(*, article: Article, editor=None, now: datetime | None = None) -> Article:
    """Publish now. A scheduled article is brought forward; a live one is left as it is."""
    now = now or timezone.now()
    if article.is_published(now):
        return article
    if not article.has_been_public(now):
        article.published_at = now  # the first publication
    article.status = Article.Status.PUBLISHED
    return save_article(article=article, editor=editor, reason=_("Article published"))


def schedule_article(*, article: Article, publish_at: datetime, editor=None) -> Article:
    """Publish at a future time: the article appears by itself then, with no job to run."""
    now = timezone.now()
    if publish_at <= now:
        raise ValidationError({"published_at": _("Choose a time in the future.")})
    if article.has_been_public(now):
        raise ValidationError(
            _("Readers have already seen this article; its publication time stays as it is.")
        )
    article.status = Article.Status.PUBLISHED
    article.published_at = publish_at
    when = formats.date_format(timezone.localtime(publish_at), "DATETIME_FORMAT")
    return save_article(
        article=article,
        editor=editor,
        reason=_("Scheduled for %(when)s") % {"when": when},
    )


def unpublish_article(*, article: Article, editor=None, now: datetime | None = None) -> Article:
    """Withdraw a live article, or call back a scheduled one (it becomes a draft)."""
    now = now or timezone.now()
    if article.has_been_public(now):
        if article.status == Article.Status.UNPUBLISHED:
            return article
        article.status = Article.Status.UNPUBLISHED
        return save_article(article=article, editor=editor, reason=_("Article withdrawn"))
    if article.status == Article.Status.PUBLISHED:
        article.status = Article.Status.DRAFT
        article.published_at = None
        return save_article(article=article, editor=editor, reason=_("Schedule cancelled"))
    return article


def restore_revision(*, article: Article, revision, editor=None) -> Article:
    """Bring back the content and tags of an earlier revision (as a new revision).

    The workflow stays: a live article stays live (with an "updated" time), a draft
    stays a draft. A category or hero image deleted since is not brought back.
    """
    if revision.id != article.pk:
        raise ValidationError(_("This revision belongs to another article."))
    for name in RESTORED_FIELDS:
        setattr(article, name, getattr(revision, name))
    if not Category.objects.filter(pk=article.category_id).exists():
        article.category_id = Article.objects.values_list("category_id", flat=True).get(
            pk=article.pk
        )
    if article.hero_image_id and not Image.objects.filter(pk=article.hero_image_id).exists():
        article.hero_image = None
    when = formats.date_format(timezone.localtime(revision.history_date), "DATETIME_FORMAT")
    return save_article(
        article=article,
        editor=editor,
        tag_names=revision.tag_names,
        reason=_("Restored the version of %(when)s") % {"when": when},
    )


def _slug_follows_headline(previous: Article | None, article: Article, now: datetime) -> bool:
    """A new headline gets a new address while no reader has seen the article, unless an
    editor typed the address (it was not the one filled in from the headline) or changes it
    in this very save. Once published, the address stays: links to it are out there."""
    return (
        previous is not None
        and not previous.has_been_public(now)
        and article.headline != previous.headline
        and article.slug == previous.slug
        and is_slug_of(previous.slug, previous.headline)
    )


def _content_changed(previous: Article, article: Article) -> bool:
    return any(getattr(previous, name) != getattr(article, name) for name in CONTENT_FIELDS)


def _record_revision(article: Article, *, editor, created: bool, reason: str, tag_names):
    article._history_user = editor
    article._change_reason = reason[:100]
    article._revision_tag_names = list(tag_names)
    try:
        article_history.create_historical_record(article, "+" if created else "~")
    finally:
        del article._history_user, article._change_reason, article._revision_tag_names


def create_image(
    *,
    source,
    alt_text: str,
    caption: str = "",
    credit: str = "",
    uploaded_by=None,
    instance: Image | None = None,
) -> Image:
    """Add an image to the library from an upload (or an already processed one).

    Refusals are ValidationErrors with a message for the editor; a failed write (a full
    disk, an object store that is down or full) raises images.ImageStorageError and leaves
    no file and no row behind. The renditions are written by a task enqueued with the row
    (articles/renditions.py), unless ``source`` was processed with them.
    ``instance`` is an unsaved Image to fill in (the admin's form object), if any.
    """
    image = instance or Image()
    image.alt_text, image.caption, image.credit = alt_text, caption, credit
    image.uploaded_by = uploaded_by
    # Check the text fields before any work: a missing alt text writes no file.
    image.full_clean(exclude=["file"])
    processed = (
        source
        if isinstance(source, images.ProcessedImage)
        else images.process_upload(source, renditions=False)
    )
    stored = images.store(processed)
    try:
        with transaction.atomic():
            image.file.name = stored.name
            image.width, image.height = processed.width, processed.height
            image.renditions = stored.renditions
            # The file was checked by process_upload(): cleaning it again would read it
            # back from the store (its dimensions) and fail if the store just went away.
            image.full_clean(exclude=["file"])
            image.save()
            if not image.renditions:
                # In the same transaction: the task exists exactly when the image does.
                renditions.render_image.enqueue(image.pk)
    except BaseException as error:
        images.delete_files(stored.names)
        if isinstance(error, images.STORAGE_ERRORS):
            raise images.ImageStorageError.from_error(error) from error
        raise
    return image


def update_image(
    *, image: Image, alt_text: str, caption: str = "", credit: str = "", editor=None
) -> Image:
    """Change an image's texts; article bodies that show it are rendered again."""
    with transaction.atomic():
        image.alt_text, image.caption, image.credit = alt_text, caption, credit
        image.full_clean()
        image.save()
        refresh_bodies_showing(image=image)
    return image


def make_renditions(*, image: Image) -> Image:
    """Re-process an image stored before renditions existed (or with other widths)."""
    try:
        with image.file.open("rb") as original:
            processed = images.process_upload(original)
    except images.STORAGE_ERRORS as error:
        raise images.ImageStorageError.from_error(error) from error
    old_names = image.stored_names()
    stored = images.store(processed)
    try:
        with transaction.atomic():
            image.file.name = stored.name
            image.width, image.height = processed.width, processed.height
            image.renditions = stored.renditions
            image.save()
            refresh_bodies_showing(image=image)
    except BaseException:
        images.delete_files(stored.names)
        raise
    transaction.on_commit(lambda: images.delete_files(old_names))
    return image


def delete_image(*, image: Image) -> None:
    """Remove an unused image and, after the commit, its files (ProtectedError if in use):
    the recorded ones and any rendition a task may be writing or have half written."""
    with transaction.atomic():
        # Locked: a rendition task that is writing finishes first, and its files go too.
        image = Image.objects.select_for_update().get(pk=image.pk)
        names = image.stored_names()
        if image.file:
            names += [n for n in images.planned_names(image.file.name) if n not in names]
        image.delete()
        transaction.on_commit(lambda: images.delete_files(names))


def add_reads(*, article_id: int, day: date, reads: int) -> ReadCount | None:
    """Add ``reads`` to an article's counter for ``day`` (one batch from articles/reads.py).

    Only published articles are counted: a row is created only for one. Two batches for a
    new day at once meet on the unique constraint; the loser adds to the winner's row.
    """
    with transaction.atomic():
        rows = ReadCount.objects.filter(article_id=article_id, day=day)
        if rows.update(count=F("count") + reads):
            return rows.get()
        if not Article.objects.published().filter(pk=article_id).exists():
            return None
        counter = ReadCount(article_id=article_id, day=day, count=reads)
        counter.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                counter.save()
        except IntegrityError:
            rows.update(count=F("count") + reads)
            return rows.get()
        return counter
