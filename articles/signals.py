"""Side effects of content changes: cache freshness (after the commit) and revision tags."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

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
    freshness.change_on_commit()


@receiver(m2m_changed, sender=TaggedArticle)
def tags_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        freshness.change_on_commit()


@receiver(pre_create_historical_record, sender=Article.history.model)
def keep_tag_names_in_revision(sender, instance, history_instance, **kwargs):
    """A revision records the article's tag names (the services pass them; else read)."""
    names = getattr(instance, "_revision_tag_names", None)
    if names is None:
        names = sorted(instance.tags.names()) if instance.pk else []
    history_instance.tag_names = list(names)
