"""The cards of a list of article ids, reading only the articles whose card is not kept."""

from __future__ import annotations

from django.utils.safestring import SafeString

from articles import comment_counts
from articles.models import Article
from articles.rendering import card_html, kept_cards


def cards_by_id(
    wanted: list[tuple[int, dict]], known: dict[int, object] | None = None
) -> list[SafeString | None]:
    """The cards of ``wanted`` (article id, card options), in order.

    Only the articles whose card this process has not rendered for their current version
    are read, in one query (``known``: articles the caller has already read, by id). A
    page that knows its article ids first (the home page) then costs a query for the ids
    and, once warm, none for the cards. An id no longer found (just withdrawn) has None
    for its card.
    """
    # The versions of every card's scopes in one read of the shared cache.
    kept = kept_cards(wanted)
    missing = {pk for (pk, _), html in zip(wanted, kept, strict=True) if html is None}
    articles = {pk: known[pk] for pk in missing if known and pk in known}
    if unread := sorted(missing - articles.keys()):
        articles.update(
            (article.pk, article) for article in Article.objects.filter(pk__in=unread).for_listing()
        )
    # Their counts are at hand: the cards' live part will not read them again.
    comment_counts.remember({pk: article.comment_count for pk, article in articles.items()})
    cards = []
    for (pk, options), html in zip(wanted, kept, strict=True):
        if html is None and pk in articles:
            html = card_html(articles[pk], **options)
        cards.append(html)
    return cards
