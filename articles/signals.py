"""Side effects of content changes: new versions of the scopes readers see (after the
commit; newsportal/caching/scopes.py), revision tags and the tag names in the search vector."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from articles.models import (
    Article,
    Category,
    Correction,
    FlashItem,
    Image,
    LiveBlog,
    LiveEntry,
    Tag,
    TaggedArticle,
)
from newsportal.caching import scopes


def _changed_on_commit(*changed: str, schedule: bool = False) -> None:
    scopes.changed_on_commit(*changed)
    if schedule:  # a publication time may have moved: look for the next one again
        transaction.on_commit(scopes.schedule_changed)


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def article_changed(sender, instance, **kwargs):
    """The article, its section's list, every list of articles and the feed; its tag
    pages follow through its card (a page records the scope of each card it shows)."""
    _changed_on_commit(
        scopes.article(instance.pk),
        scopes.section(instance.category_id),
        scopes.ARTICLES,
        scopes.FEED,
        schedule=True,
    )


@receiver(post_save, sender=Correction)
@receiver(post_delete, sender=Correction)
def correction_changed(sender, instance, **kwargs):
    """Shown at the top of its article and on the corrections page (a list of articles)."""
    _changed_on_commit(scopes.article(instance.article_id), scopes.ARTICLES)


@receiver(post_save, sender=FlashItem)
@receiver(post_delete, sender=FlashItem)
def flash_item_changed(sender, **kwargs):
    _changed_on_commit(scopes.FEED, schedule=True)


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def furniture_changed(sender, **kwargs):
    """Section and tag names appear on every page (menus, labels, cards)."""
    _changed_on_commit(scopes.SITE)


@receiver(post_save, sender=Image)
@receiver(post_delete, sender=Image)
def image_changed(sender, created=False, **kwargs):
    """A new image shows nowhere yet; a changed one (credit, renditions) may show anywhere."""
    if not created:
        _changed_on_commit(scopes.SITE)


@receiver(post_save, sender=TaggedArticle)
@receiver(post_delete, sender=TaggedArticle)
def tagging_changed(sender, instance, **kwargs):
    _changed_on_commit(scopes.tag(instance.tag_id), scopes.article(instance.content_object_id))


@receiver(m2m_changed, sender=TaggedArticle)
def tags_changed(sender, instance, action, pk_set=None, **kwargs):
    if action.startswith("post_"):
        tag_scopes = [scopes.tag(pk) for pk in pk_set or ()]
        if action == "post_clear" or not isinstance(instance, Article):
            tag_scopes.append(scopes.SITE)  # which tags lost it is not known any more
        if isinstance(instance, Article):
            tag_scopes.append(scopes.article(instance.pk))
        _changed_on_commit(*tag_scopes)


@receiver(pre_create_historical_record, sender=Article.history.model)
def keep_tag_names_in_revision(sender, instance, history_instance, **kwargs):
    """A revision records the article's tag names (the services pass them; else read)."""
    names = getattr(instance, "_revision_tag_names", None)
    if names is None:
        names = sorted(instance.tags.names()) if instance.pk else []
    history_instance.tag_names = list(names)


@receiver(m2m_changed, sender=TaggedArticle)
def search_follows_tags(sender, instance, action, pk_set, **kwargs):
    """An article's tag names enter its search vector in the same transaction as the change
    (article.tags.add/remove/set/clear: the admin, the services, the demo data)."""
    if action == "post_clear" or (action in {"post_add", "post_remove"} and pk_set):
        Article.objects.filter(pk=instance.pk).refresh_search_tag_names()
        # Search results are kept per version of the article lists (articles/search.py).
        _changed_on_commit(scopes.ARTICLES)


@receiver(post_save, sender=Tag)
def search_follows_tag_name(sender, instance, created, **kwargs):
    """A renamed tag is searched by its new name in every article that has it."""
    if not created:
        Article.objects.filter(tagged_items__tag=instance).refresh_search_tag_names()


@receiver(pre_delete, sender=Tag)
def note_articles_of_deleted_tag(sender, instance, **kwargs):
    instance._search_article_ids = list(
        TaggedArticle.objects.filter(tag=instance).values_list("content_object_id", flat=True)
    )


@receiver(post_delete, sender=Tag)
def search_forgets_deleted_tag(sender, instance, **kwargs):
    ids = getattr(instance, "_search_article_ids", None)
    if ids:
        Article.objects.filter(pk__in=ids).refresh_search_tag_names()


@receiver(post_save, sender=LiveBlog)
@receiver(post_delete, sender=LiveBlog)
def live_blog_changed(sender, instance, **kwargs):
    """Started, ended or resumed: the article page changes (its head, its polling)."""
    _changed_on_commit(scopes.liveblog(instance.pk), scopes.article(instance.pk))


@receiver(post_save, sender=LiveEntry)
@receiver(post_delete, sender=LiveEntry)
def live_entry_changed(sender, instance, **kwargs):
    """Every entry change moves its live blog's scope: the article page and its poll URL."""
    _changed_on_commit(scopes.liveblog(instance.live_blog_id))
