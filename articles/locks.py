"""Edit locks: one editor at a time on an article's change form.

Opening the change form takes the lock when it is free (or stale, or already ours).
Another editor who opens the form is told who holds it and since when, sees the
article read-only, and can take it over explicitly. A lock ends by itself:
- without JavaScript it lasts EDIT_LOCK_LIFETIME from when the form was opened;
- with JavaScript the form beats every EDIT_LOCK_HEARTBEAT_INTERVAL seconds and each
  beat keeps the lock for EDIT_LOCK_HEARTBEAT_TTL, so a closed tab frees the article
  within a minute or two;
- saving the article (other than "save and continue") releases it.
All functions lock the article's row first, so two editors racing for a free lock
cannot both get it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import Article, EditLock


def current_lock(*, article: Article, now: datetime | None = None) -> EditLock | None:
    """The live lock on ``article`` (None when free or stale)."""
    lock = EditLock.objects.select_related("user").filter(article=article).first()
    if lock is None or lock.is_stale(now):
        return None
    return lock


def held_by_other(*, article: Article, user, now: datetime | None = None) -> EditLock | None:
    """The live lock on ``article`` when someone other than ``user`` holds it."""
    lock = current_lock(article=article, now=now)
    return lock if lock is not None and lock.user_id != user.pk else None


def acquire_lock(
    *, article: Article, user, take_over: bool = False, heartbeat: bool = False
) -> EditLock:
    """Take the lock if free, stale or ours (or always, with ``take_over``).

    Returns the lock as it now stands: ``lock.user_id != user.pk`` means another editor
    holds it and nothing changed.
    """
    now = timezone.now()
    lifetime = settings.EDIT_LOCK_HEARTBEAT_TTL if heartbeat else settings.EDIT_LOCK_LIFETIME
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").first()
        lock = EditLock.objects.select_related("user").filter(article=article).first()
        held_by_other = lock is not None and lock.user_id != user.pk and not lock.is_stale(now)
        if held_by_other and not take_over:
            return lock
        if lock is None:
            lock = EditLock(article=article, user=user, acquired_at=now)
        elif lock.user_id != user.pk or lock.is_stale(now):
            lock.user, lock.acquired_at = user, now
        lock.expires_at = now + timedelta(seconds=lifetime)
        lock.full_clean(validate_unique=False)
        lock.save()
    return lock


def heartbeat(*, article: Article, user) -> EditLock:
    """Keep our lock alive (or take it again if it lapsed and nobody else took it)."""
    return acquire_lock(article=article, user=user, heartbeat=True)


def release_lock(*, article: Article, user) -> bool:
    """Give up our lock; someone else's is left alone."""
    with transaction.atomic():
        deleted, _ = EditLock.objects.filter(article=article, user=user).delete()
    return bool(deleted)
