"""The publishing rule the cache asks about scheduled items (setting CACHE_SCHEDULE).

An article or flash item published with a future time changes what readers see when
that time comes, with no write at all. The caching package stores when the next one is
due; once that time has passed, the first reader's request calls ``fell_due``, which
names the scopes the items that fell due show, and the next time to look again.
"""

from __future__ import annotations

from datetime import datetime

from articles.models import Article, FlashItem, TaggedArticle
from newsportal.caching import scopes


def fell_due(since: datetime | None, now: datetime) -> tuple[set[str], datetime | None]:
    """Scopes of the items published in [since, now], and when the next item is due."""
    changed: set[str] = set()
    if since is not None:
        due_articles = list(
            Article.objects.filter(
                status=Article.Status.PUBLISHED, published_at__gte=since, published_at__lte=now
            ).values_list("pk", "category_id")
        )
        if due_articles:
            changed |= {scopes.ARTICLES, scopes.FEED}
            for pk, category_id in due_articles:
                changed |= {scopes.article(pk), scopes.section(category_id)}
            tag_ids = TaggedArticle.objects.filter(
                content_object_id__in=[pk for pk, _ in due_articles]
            ).values_list("tag_id", flat=True)
            changed |= {scopes.tag(pk) for pk in tag_ids}
        if FlashItem.objects.filter(
            status=FlashItem.Status.PUBLISHED, published_at__gte=since, published_at__lte=now
        ).exists():
            changed.add(scopes.FEED)
    # The next scheduled article or flash item, in one query (a union of both).
    upcoming = [
        model.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)[:1]
        for model in (Article, FlashItem)
    ]
    next_due = min(upcoming[0].union(upcoming[1], all=True), default=None)
    return changed, next_due
