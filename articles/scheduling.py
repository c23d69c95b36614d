"""The publishing rule the cache asks about scheduled items (setting CACHE_SCHEDULE).

An article, a flash item or a breaking-news banner with a future time changes what
readers see when that time comes, with no write at all. The caching package stores when
the next one is due; once that time has passed, the first reader's request calls
``fell_due``, which names the scopes the items that fell due show, and the next time to
look again.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Value

from articles import banner
from articles.models import Article, BreakingBanner, FlashItem, TaggedArticle
from newsportal.caching import scopes

PUBLISHED = Article.Status.PUBLISHED


def fell_due(since: datetime | None, now: datetime) -> tuple[set[str], datetime | None]:
    """Scopes of what was published in [since, now], and when the next item is due."""
    changed: set[str] = set()
    if since is not None:
        changed |= _articles_due(since, now)
        if FlashItem.objects.filter(
            status=PUBLISHED, published_at__gte=since, published_at__lte=now
        ).exists():
            changed.add(scopes.FEED)
        if (
            BreakingBanner.objects.filter(starts_at__gte=since, starts_at__lte=now).exists()
            or BreakingBanner.objects.filter(ends_at__gte=since, ends_at__lte=now).exists()
        ):
            changed.add(banner.SCOPE)
    # The next moment anything changes by itself, in one query (a union of four).
    upcoming = [
        Article.objects.filter(status=PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list(Value("article"), "published_at")[:1],
        FlashItem.objects.filter(status=PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list(Value("flash"), "published_at")[:1],
        BreakingBanner.objects.filter(starts_at__gt=now)
        .order_by("starts_at")
        .values_list(Value("banner-start"), "starts_at")[:1],
        BreakingBanner.objects.filter(ends_at__gt=now)
        .order_by("ends_at")
        .values_list(Value("banner-end"), F("ends_at"))[:1],
    ]
    moments = dict(upcoming[0].union(*upcoming[1:], all=True))
    if banner.SCOPE in changed:
        scopes.changed(banner.SCOPE)  # before saying "nothing to show" under its version
    if "banner-end" not in moments:
        banner.nothing_to_show()  # no banner now or later: pages need not ask
    return changed, min(moments.values(), default=None)


def _articles_due(since: datetime, now: datetime) -> set[str]:
    due = list(
        Article.objects.filter(
            status=PUBLISHED, published_at__gte=since, published_at__lte=now
        ).values_list("pk", "category_id")
    )
    if not due:
        return set()
    changed = {scopes.ARTICLES, scopes.FEED}
    for pk, category_id in due:
        changed |= {scopes.article(pk), scopes.section(category_id)}
    tag_ids = TaggedArticle.objects.filter(content_object_id__in=[pk for pk, _ in due]).values_list(
        "tag_id", flat=True
    )
    return changed | {scopes.tag(pk) for pk in tag_ids}
