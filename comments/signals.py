"""Side effects only: the cached list of blocked words is dropped when the list changes."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from comments.models import BlockedWord
from comments.services import BLOCKED_WORDS_CACHE_KEY


@receiver(post_save, sender=BlockedWord)
@receiver(post_delete, sender=BlockedWord)
def blocked_words_changed(sender, **kwargs):
    transaction.on_commit(lambda: cache.delete(BLOCKED_WORDS_CACHE_KEY))
