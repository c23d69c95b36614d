"""Side effects of content changes: only cache freshness, run after the commit."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles import freshness
from articles.models import Article, Category, FlashItem, Image, Tag, TaggedArticle


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
@receiver(post_save, sender=TaggedArticle)
@receiver(post_delete, sender=TaggedArticle)
@receiver(post_save, sender=Image)
@receiver(post_delete, sender=Image)
@receiver(post_save, sender=FlashItem)
@receiver(post_delete, sender=FlashItem)
def content_changed(sender, **kwargs):
    transaction.on_commit(freshness.content_changed)


@receiver(m2m_changed, sender=TaggedArticle)
def tags_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        transaction.on_commit(freshness.content_changed)
