"""Writes with rules for live blogs: start and end the coverage, post, edit and delete
entries. Each function is keyword-only, runs in one transaction, validates with
full_clean() before saving and returns the object; the admin, the demo data and the
tests call these same functions.

Every change moves the live blog's scope after the commit (articles/signals.py), so the
article page and its one poll URL show it to the next reader.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from articles.models import Article, Image, LiveBlog, LiveEntry


def start_live_blog(
    *, article: Article, editor=None, started_at: datetime | None = None
) -> LiveBlog:
    """Turn an article into live coverage (or resume an ended one)."""
    with transaction.atomic():
        live_blog = LiveBlog.objects.select_for_update().filter(article=article).first()
        if live_blog is None:
            live_blog = LiveBlog(article=article, created_by=editor)
            live_blog.started_at = started_at or timezone.now()
        live_blog.ended_at = None
        live_blog.full_clean()
        live_blog.save()
    return live_blog


def end_live_blog(*, live_blog: LiveBlog, now: datetime | None = None) -> LiveBlog:
    """End the coverage: readers' pages stop polling and the page stays as it is."""
    with transaction.atomic():
        if live_blog.ended_at is None:
            live_blog.ended_at = max(now or timezone.now(), live_blog.started_at)
            live_blog.full_clean()
            live_blog.save(update_fields=["ended_at"])
    return live_blog


def post_entry(
    *,
    live_blog: LiveBlog,
    body: str,
    title: str = "",
    image: Image | None = None,
    is_key_event: bool = False,
    is_pinned: bool = False,
    editor=None,
    posted_at: datetime | None = None,
) -> LiveEntry:
    """A new entry, at the top of the live blog (or pinned above it)."""
    entry = LiveEntry(
        live_blog=live_blog,
        title=title,
        body=body,
        image=image,
        is_key_event=is_key_event,
        is_pinned=is_pinned,
        posted_by=editor,
        posted_at=posted_at or timezone.now(),
    )
    return save_entry(entry=entry)


def save_entry(*, entry: LiveEntry) -> LiveEntry:
    """Save a new or edited entry: its text sanitised, at most one entry pinned."""
    with transaction.atomic():
        live_blog = LiveBlog.objects.select_related("article").get(pk=entry.live_blog_id)
        if entry.pk is None and not live_blog.is_live:
            raise ValidationError(_("This coverage has ended; resume it to post again."))
        entry.render_body(live_blog.article.language)
        if not strip_tags(entry.body_html).strip():
            raise ValidationError({"body": _("Write the entry’s text.")})
        if entry.is_pinned:
            # Pinning this one unpins the previous one (the rows are locked by the update).
            live_blog.entries.filter(is_pinned=True).exclude(pk=entry.pk).update(is_pinned=False)
        entry.full_clean()
        entry.save()
    return entry


def edit_entry(*, entry: LiveEntry, **changes) -> LiveEntry:
    """Change an entry's title, text, image or flags (readers' pages replace it in place)."""
    allowed = {"title", "body", "image", "is_key_event", "is_pinned"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown entry fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(entry, name, value)
    return save_entry(entry=entry)


def delete_entry(*, entry: LiveEntry) -> None:
    """Remove an entry (readers' pages drop it at their next poll)."""
    with transaction.atomic():
        entry.delete()
