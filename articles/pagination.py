"""Pagination of article lists that stays fast at page 2,000 of a ten-year archive.

- The total is counted once per version of the list's scope (a section or a tag, see
  newsportal/caching/scopes.py) and kept in the shared cache: counting tens of thousands
  of rows on every request would cost more than the page.
- A page is the ids of its articles, read from the covering index (category or status,
  published_at, id: an index-only scan that skips rows without reading them), and for
  deep pages kept like the total, per version of the list's scope; the views
  turn them into cards, reading only the articles whose card is not already rendered
  (articles/rendering.py). OFFSET over full rows would read every skipped article; and
  asked for whole rows at once, PostgreSQL may prefer walking the site-wide newest-first
  index and skipping other sections, which for a quiet section is most of the archive.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from newsportal.caching import scopes
from newsportal.caching.fragments import fragment

COUNT_TIMEOUT = 3600
# From this offset on, a page's ids are kept per version of its list (walking the index
# up to it costs more than the rest of the page); nearer pages read them each time.
KEEP_IDS_FROM = 1000


class ArticlePaginator(Paginator):
    """Pages of article ids (``page.object_list``) of a queryset of articles.

    Below ``rows_until`` (an offset) a page reads its articles whole in the same query
    (``page.rows``, by id): one query instead of two for lists whose pages are seldom
    warm in this process (tags). Otherwise ``page.rows`` is None.
    """

    def __init__(self, object_list, per_page, *, list_scope: str, rows_until: int = 0,
                 also_on: tuple[str, ...] = (), **kwargs):  # fmt: skip
        super().__init__(object_list, per_page, **kwargs)
        self.list_scope = list_scope
        self.also_on = also_on  # scopes besides the list's own that move its total
        self.rows_until = rows_until

    @cached_property
    def count(self) -> int:
        return fragment(
            "count",
            self.list_scope,
            scopes=(scopes.SITE, self.list_scope, *self.also_on),
            render=self.object_list.count,
            timeout=COUNT_TIMEOUT,
            shared=True,
        )

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom < self.rows_until:
            rows = list(self.object_list.for_listing()[bottom:top])
            page = self._get_page([row.pk for row in rows], number, self)
            page.rows = {row.pk: row for row in rows}
        elif bottom < KEEP_IDS_FROM:
            page = self._get_page(
                list(self.object_list.values_list("pk", flat=True)[bottom:top]), number, self
            )
            page.rows = None
        else:
            # Kept like the total, per version of the list: the 2,000th page costs an
            # index walk over 40,000 entries once, not on every request.
            ids = fragment(
                "page-ids",
                self.list_scope,
                bottom,
                top,
                scopes=(scopes.SITE, self.list_scope, *self.also_on),
                render=lambda: list(self.object_list.values_list("pk", flat=True)[bottom:top]),
                timeout=COUNT_TIMEOUT,
                shared=True,
            )
            page = self._get_page(ids, number, self)
            page.rows = None
        return page
