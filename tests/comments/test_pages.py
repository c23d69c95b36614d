"""What readers see: approved comments in threads, in their order, paginated, inert."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory

pytestmark = pytest.mark.django_db


def comment_ids(html: str) -> list[int]:
    """The ids of the comments on a page, in document order."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "li" and attributes.get("id", "").startswith("comment-"):
                found.append(int(attributes["id"].removeprefix("comment-")))

    Collect().feed(html)
    return found


SECTION_TAGS = {"section", "h2", "span", "nav", "a", "ol", "li", "article", "header", "strong",
                "bdi", "time", "div", "p", "br", "form", "button"}  # fmt: skip


def markup_in(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element an HTML fragment really contains, with its attributes."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_only_approved_comments_are_shown(client, article):
    shown = CommentFactory(article=article, body="Εγκεκριμένο σχόλιο")
    for status in ["pending", "rejected", "spam"]:
        CommentFactory(article=article, status=status, body=f"κρυφό {status}")
    html = page(client, article)
    assert comment_ids(html) == [shown.pk]
    assert "κρυφό" not in html
    assert "Σχόλια αναγνωστών" in html
    assert '<span class="comments__count">(1)</span>' in html


def test_threads_nest_replies_under_their_comment(client, article):
    first = CommentFactory(article=article)
    second = CommentFactory(article=article)
    reply = CommentFactory(parent=first)
    reply_to_reply = CommentFactory(parent=reply)
    late_reply = CommentFactory(parent=first)
    html = page(client, article)
    assert comment_ids(html) == [first.pk, reply.pk, reply_to_reply.pk, late_reply.pk, second.pk]
    assert html.count('class="comment-list comment-list--replies"') == 2


def test_newest_first_is_a_choice_kept_in_the_url(client, article):
    first = CommentFactory(article=article)
    second = CommentFactory(article=article)
    reply = CommentFactory(parent=first)
    html = page(client, article, "?comments=newest")
    assert comment_ids(html) == [second.pk, first.pk, reply.pk]
    assert 'href="?comments=newest#comments" aria-current="true"' in html
    assert comment_ids(page(client, article, "?comments=nonsense")) == [
        first.pk,
        reply.pk,
        second.pk,
    ]


def test_long_discussions_are_paginated_by_threads(settings, client, article):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    threads = [CommentFactory(article=article) for _ in range(5)]
    replies = [CommentFactory(parent=threads[1]) for _ in range(3)]
    html = html_first = page(client, article)
    assert comment_ids(html) == [threads[0].pk, threads[1].pk, *[r.pk for r in replies]]
    assert "Σελίδα 1 από 3" in html
    assert 'href="?comments_page=2#comments"' in html
    html = page(client, article, "?comments=newest&comments_page=2")
    assert comment_ids(html) == [threads[2].pk, threads[1].pk, *[r.pk for r in replies]]
    assert 'href="?comments=newest&amp;comments_page=3#comments"' in html
    assert comment_ids(page(client, article, "?comments_page=99")) == [threads[4].pk]
    assert comment_ids(page(client, article, "?comments_page=abc")) == comment_ids(html_first)


def test_a_reply_whose_parent_was_removed_is_not_shown_out_of_place(client, article):
    first = CommentFactory(article=article)
    removed = CommentFactory(parent=first)
    orphan = CommentFactory(parent=removed)
    Comment.objects.filter(pk=removed.pk).update(status="rejected")
    assert comment_ids(page(client, article)) == [first.pk]
    assert orphan.pk


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">κλικ</a> javascript:alert(2)',
        "<svg/onload=alert(1)>",
        "abc\u202egnp.exe",
    ],
)
def test_hostile_comment_text_and_names_are_inert_on_the_article_page(client, article, hostile):
    CommentFactory(article=article, name=hostile[:60], body=f"Κείμενο {hostile}")
    html = page(client, article)
    section = html[html.index('<section class="comments"') : html.index('id="comment-form"')]
    elements = markup_in(section)
    assert {tag for tag, _ in elements} <= SECTION_TAGS
    for _tag, attributes in elements:
        assert not any(name.startswith("on") for name, _ in attributes)
        assert not any((value or "").lower().startswith("javascript") for _, value in attributes)
    assert "\u202e" not in section
    assert '<bdi lang="el">' in section


def test_links_in_approved_comments_are_nofollow_ugc(client, article):
    CommentFactory(article=article, body="Πηγή: https://example.org/data")
    assert '<a href="https://example.org/data" rel="nofollow ugc noopener">' in page(
        client, article
    )


def test_the_article_page_has_no_per_visitor_data(client, article):
    CommentFactory(article=article)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' in html
    assert 'name="token" value=""' in html
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert 'src="/static/js/comments.js" defer' in html


def test_the_form_is_under_the_comments_with_reply_links_that_work_without_javascript(
    client, article
):
    comment = CommentFactory(article=article, name="Νίκος")
    html = page(client, article)
    assert html.index(f'id="comment-{comment.pk}"') < html.index('id="comment-form"')
    assert f'href="/comments/{comment.pk}/reply/"' in html
    assert f'href="/comments/{comment.pk}/report/"' in html
    assert 'action="/comments/post/' in html
    assert '<label for="id_body">Σχόλιο</label>' in html


def test_english_pages_link_to_english_comment_pages(client, article):
    comment = CommentFactory(article=article)
    html = client.get(f"/en{article.get_absolute_url()}").content.decode()
    assert f'href="/en/comments/{comment.pk}/reply/"' in html
    assert "Readers’ comments" in html


def test_closed_comments_show_a_notice_instead_of_the_form(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=31))
    CommentFactory(article=old)
    html = page(client, old)
    assert "Τα σχόλια σε αυτό το άρθρο έχουν κλείσει" in html
    assert 'id="comment-form"' not in html
    assert "/reply/" not in html


def test_post_moderated_articles_tell_readers_so(client, article):
    Article.objects.filter(pk=article.pk).update(comment_moderation="post")
    assert "εμφανίζονται αμέσως" in page(client, article)


def test_article_cards_show_comment_counts(client):
    category = CategoryFactory()
    talked = ArticleFactory(category=category)
    quiet = ArticleFactory(category=category)
    for _ in range(3):
        CommentFactory(article=talked)
    html = client.get(category.get_absolute_url()).content.decode()
    assert f'href="{talked.get_absolute_url()}#comments">3 σχόλια</a>' in html
    assert f'href="{quiet.get_absolute_url()}#comments"' not in html


def test_home_page_lists_the_most_commented_recent_articles(client):
    most = ArticleFactory(headline="Το πιο συζητημένο")
    second = ArticleFactory(headline="Το δεύτερο")
    old = ArticleFactory(headline="Παλιό θέμα", published_at=timezone.now() - timedelta(days=30))
    for article, n in [(most, 3), (second, 1), (old, 5)]:
        for _ in range(n):
            CommentFactory(article=article)
    html = client.get("/").content.decode()
    block = html[html.index('id="most-commented-title"') :]
    assert "Τα πιο σχολιασμένα" in block
    assert block.index("Το πιο συζητημένο") < block.index("Το δεύτερο")
    assert "Παλιό θέμα" not in block
    assert "1 σχόλιο<" in block
