"""Pagination of article lists that stays fast at page 2,000 of a ten-year archive.

- The total is counted once per content version (the freshness token) and kept in the
  cache: counting tens of thousands of rows on every request would cost more than the page.
- Every page is read in two steps: the ids of the page from the covering index
  (category or status, published_at, id: an index-only scan that skips rows without
  reading them), then just those rows. OFFSET over full rows would read every skipped
  article; and asked for whole rows at once, PostgreSQL may prefer walking the site-wide
  newest-first index and skipping other sections, which for a quiet section is most of
  the archive.
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from articles import freshness

COUNT_TIMEOUT = 3600


class ArticlePaginator(Paginator):
    def __init__(self, object_list, per_page, *, count_key: str, ids_first_from: int = 0,
                 **kwargs):  # fmt: skip
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key
        # Offsets from which a page is read ids-first (0: always; see the module's notes).
        self.ids_first_from = ids_first_from

    @cached_property
    def count(self) -> int:
        key = f"count:{freshness.current_version()}:{self.count_key}"
        total = cache.get(key)
        if total is None:
            total = self.object_list.count()
            cache.set(key, total, COUNT_TIMEOUT)
        return total

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom < self.ids_first_from:
            return self._get_page(self.object_list[bottom:top], number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
