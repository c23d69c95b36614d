"""A card's "N comments" link is worked out once per language, count and address."""

from django.utils import translation

from articles.rendering import _count_link, comment_count_html


def test_the_link_follows_the_language_and_the_count():
    _count_link.cache_clear()
    with translation.override("el"):
        greek = comment_count_html(1200, "/a/")
        assert comment_count_html(1200, "/a/") is greek  # kept, not rendered again
    with translation.override("en"):
        english = comment_count_html(1200, "/a/")
    assert greek == '<a class="card__comments" href="/a/#comments">1.200 σχόλια</a>'
    assert english == '<a class="card__comments" href="/a/#comments">1,200 comments</a>'
    assert comment_count_html(1, "/a/") != greek
    assert comment_count_html(0, "/a/") == ""
    assert _count_link.cache_info().hits == 1
