"""Live blogs: the services, the article page's live part, its poll URL and its JSON-LD."""

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from articles import live_coverage
from articles.models import Article, LiveEntry
from newsportal.caching import scopes
from newsportal.caching.memory import forget_everything
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    LiveBlogFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def poll_url(live_blog) -> str:
    return f"/articles/{live_blog.pk}/live/"


def live_part(response) -> str:
    html = response.content.decode()
    return html[html.index('id="live"') : html.index("</section>", html.index('id="live"'))]


def json_ld(html: str) -> list[dict]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in found]


def post(live_blog, text, minutes_ago=0, **flags):
    return live_coverage.post_entry(
        live_blog=live_blog,
        body=f"<p>{text}</p>",
        posted_at=timezone.now() - timedelta(minutes=minutes_ago),
        **flags,
    )


# --- services -------------------------------------------------------------------------


def test_an_editor_turns_an_article_into_live_coverage_and_ends_it():
    article, editor = ArticleFactory(), UserFactory()
    live_blog = live_coverage.start_live_blog(article=article, editor=editor)
    assert live_blog.pk == article.pk
    assert live_blog.is_live
    assert live_blog.created_by == editor
    live_coverage.end_live_blog(live_blog=live_blog)
    live_blog.refresh_from_db()
    assert not live_blog.is_live
    assert live_blog.ended_at >= live_blog.started_at
    # Starting it again resumes the same coverage.
    again = live_coverage.start_live_blog(article=article)
    assert again.pk == live_blog.pk
    assert again.is_live
    assert again.started_at == live_blog.started_at


def test_an_entry_is_sanitised_like_a_body_and_keeps_embeds():
    live_blog = LiveBlogFactory()
    entry = live_coverage.post_entry(
        live_blog=live_blog,
        body=(
            '<p onclick="x()">Δηλώσεις <strong>τώρα</strong><script>alert(1)</script></p>'
            '<p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p><img src="https://evil/x.png">'
        ),
        title="Ο υπουργός μιλά",
    )
    assert "<script" not in entry.body_html
    assert "onclick" not in entry.body_html
    assert "<strong>τώρα</strong>" in entry.body_html
    assert 'data-embed="youtube"' in entry.body_html
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in entry.body_html
    assert "<img" not in entry.body_html
    assert "evil" not in entry.body


def test_an_entry_needs_text_and_a_live_coverage():
    live_blog = LiveBlogFactory()
    with pytest.raises(ValidationError):
        live_coverage.post_entry(live_blog=live_blog, body="<p> </p><script>x</script>")
    live_coverage.end_live_blog(live_blog=live_blog)
    with pytest.raises(ValidationError):
        live_coverage.post_entry(live_blog=live_blog, body="<p>Αργά</p>")
    assert not LiveEntry.objects.exists()


def test_pinning_an_entry_unpins_the_previous_one():
    live_blog = LiveBlogFactory()
    first = post(live_blog, "Πρώτο", is_pinned=True)
    second = post(live_blog, "Δεύτερο", is_pinned=True)
    first.refresh_from_db()
    assert not first.is_pinned
    assert second.is_pinned
    live_coverage.edit_entry(entry=first, is_pinned=True)
    second.refresh_from_db()
    assert not second.is_pinned
    # The database holds the rule too.
    with pytest.raises(IntegrityError):
        LiveEntry.objects.filter(pk=second.pk).update(is_pinned=True)


def test_an_entry_can_be_edited_and_deleted():
    live_blog = LiveBlogFactory()
    entry = post(live_blog, "Αρχικό κείμενο")
    live_coverage.edit_entry(entry=entry, body="<p>Διορθωμένο κείμενο</p>", is_key_event=True)
    entry.refresh_from_db()
    assert "Διορθωμένο" in entry.body_html
    assert entry.is_key_event
    live_coverage.delete_entry(entry=entry)
    assert not LiveEntry.objects.exists()


def test_every_entry_change_moves_the_live_blogs_scope_on_commit(
    django_capture_on_commit_callbacks,
):
    live_blog = LiveBlogFactory()
    scope = scopes.liveblog(live_blog.pk)
    before = scopes.versions_of([scope])[scope]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = post(live_blog, "Νέα ενημέρωση")
    assert callbacks
    posted = scopes.versions_of([scope])[scope]
    assert posted != before
    with django_capture_on_commit_callbacks(execute=True):
        live_coverage.edit_entry(entry=entry, title="Τίτλος")
    edited = scopes.versions_of([scope])[scope]
    assert edited != posted
    with django_capture_on_commit_callbacks(execute=True):
        live_coverage.delete_entry(entry=entry)
    assert scopes.versions_of([scope])[scope] != edited


# --- the page ----------------------------------------------------------------------------


def test_readers_see_the_pinned_entry_then_entries_newest_first_and_key_events(client):
    live_blog = LiveBlogFactory()
    oldest = post(live_blog, "Άνοιξαν οι κάλπες", minutes_ago=30, is_key_event=True)
    pinned = post(live_blog, "Τι πρέπει να ξέρετε", minutes_ago=20, is_pinned=True)
    middle = post(live_blog, "Πρώτα αποτελέσματα", minutes_ago=10)
    newest = live_coverage.post_entry(
        live_blog=live_blog,
        body="<p>Το πρώτο exit poll</p>",
        title="Exit poll",
        is_key_event=True,
        image=ImageFactory(alt_text="Κάλπη"),
    )
    html = client.get(live_blog.article.get_absolute_url()).content.decode()
    live_part = html[html.index('id="live"') :]
    # The pinned entry first, then the stream newest first, each with its time.
    order = [live_part.index(f'id="entry-{e.pk}"') for e in (pinned, newest, middle, oldest)]
    assert order == sorted(order)
    assert live_part.count(f'id="entry-{pinned.pk}"') == 1
    assert f'<time datetime="{timezone.localtime(newest.posted_at).isoformat()}' in live_part
    assert 'alt="Κάλπη"' in live_part
    # "Key events" at the top links to their anchors, newest first.
    key_events = live_part[live_part.index("live-key-events-title") : live_part.index("</nav>")]
    assert key_events.index(f'href="#entry-{newest.pk}"') < key_events.index(
        f'href="#entry-{oldest.pk}"'
    )
    assert "Exit poll" in key_events
    assert f"entry-{middle.pk}" not in key_events
    # While the coverage goes on, the stream polls its one URL.
    assert f'data-live-feed="{poll_url(live_blog)}"' in live_part
    assert 'aria-live="polite"' in live_part
    assert "data-feed-new" in live_part


def test_an_article_without_live_coverage_has_no_live_part(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="live"' not in html
    assert json_ld(html)[0]["@type"] == "NewsArticle"
    assert client.get(f"/articles/{article.pk}/live/").status_code == 404


def test_older_entries_are_a_plain_link_to_the_next_page(client, settings):
    settings.LIVE_BLOG_PAGE_SIZE = 3
    live_blog = LiveBlogFactory()
    entries = [post(live_blog, f"Ενημέρωση αριθμός {n}", minutes_ago=20 - n) for n in range(7)]
    key = entries[0]
    live_coverage.edit_entry(entry=key, is_key_event=True)
    url = live_blog.article.get_absolute_url()
    first = live_part(client.get(url))
    assert "Ενημέρωση αριθμός 6" in first
    assert "Ενημέρωση αριθμός 3" not in first
    assert 'href="?entries_page=2#live"' in first
    # A key event on the third page is linked there.
    assert f'href="?entries_page=3#entry-{key.pk}"' in first

    second = live_part(client.get(url + "?entries_page=2"))
    assert "Ενημέρωση αριθμός 3" in second
    assert "Ενημέρωση αριθμός 6" not in second
    assert 'href="?entries_page=3#live"' in second
    assert 'href="./#live"' in second  # back to the newest
    assert 'data-live-feed="/articles/' not in second  # older pages never poll

    third = live_part(client.get(url + "?entries_page=3"))
    assert "Ενημέρωση αριθμός 0" in third
    assert f'href="#entry-{key.pk}"' in third
    assert "?entries_page=4" not in third
    # Beyond the last page: the last page, never stored under the wrong address.
    beyond = client.get(url + "?entries_page=9")
    assert beyond.status_code == 200
    assert "Ενημέρωση αριθμός 0" in live_part(beyond)


def test_ending_the_coverage_freezes_the_page_and_the_poll_says_0(client, settings):
    settings.LIVE_BLOG_POLL_INTERVAL = 7
    live_blog = LiveBlogFactory()
    post(live_blog, "Τελευταία ενημέρωση")
    assert client.get(poll_url(live_blog))["X-Poll-Interval"] == "7"
    live_coverage.end_live_blog(live_blog=live_blog)
    html = client.get(live_blog.article.get_absolute_url()).content.decode()
    assert "Τελευταία ενημέρωση" in html
    assert 'data-live-feed="/articles/' not in html
    assert "data-feed-new" not in live_part(client.get(live_blog.article.get_absolute_url()))
    poll = client.get(poll_url(live_blog))
    assert poll.status_code == 200
    assert poll["X-Poll-Interval"] == "0"


def test_the_json_ld_is_a_live_blog_posting_with_its_newest_entries(client, settings):
    live_blog = LiveBlogFactory()
    for n in range(12):
        post(live_blog, f"Ενημέρωση {n}", minutes_ago=20 - n, title=f"Τίτλος {n}" if n else "")
    html = client.get(live_blog.article.get_absolute_url()).content.decode()
    data = json_ld(html)[0]
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] == timezone.localtime(live_blog.started_at).isoformat()
    assert "coverageEndTime" not in data
    # An expected end, said by the editors, is given while the coverage goes on.
    expected = timezone.now() + timedelta(hours=3)
    live_blog.expected_end_at = expected
    live_blog.save()
    expecting = json_ld(client.get(live_blog.article.get_absolute_url()).content.decode())[0]
    assert expecting["coverageEndTime"] == timezone.localtime(expected).isoformat()
    updates = data["liveBlogUpdate"]
    assert len(updates) == 10
    assert updates[0]["@type"] == "BlogPosting"
    assert updates[0]["headline"] == "Τίτλος 11"
    assert updates[0]["articleBody"] == "Ενημέρωση 11"
    assert updates[0]["url"].endswith(
        live_blog.article.get_absolute_url()
        + "#entry-"
        + str(LiveEntry.objects.get(title="Τίτλος 11").pk)
    )
    live_coverage.end_live_blog(live_blog=live_blog)
    ended = json_ld(client.get(live_blog.article.get_absolute_url()).content.decode())[0]
    live_blog.refresh_from_db()
    assert ended["coverageEndTime"] == timezone.localtime(live_blog.ended_at).isoformat()
    # The head is the same on an older page of entries.
    older = client.get(live_blog.article.get_absolute_url() + "?entries_page=2")
    assert json_ld(older.content.decode())[0]["liveBlogUpdate"] == ended["liveBlogUpdate"]


def test_a_live_page_allows_every_embed_provider_while_it_polls(client):
    live_blog = LiveBlogFactory()
    post(live_blog, "Χωρίς βίντεο")
    response = client.get(live_blog.article.get_absolute_url())
    # An entry with any provider may arrive through the poll while the page is open.
    assert "youtube-nocookie.com" in response["Content-Security-Policy"]
    assert "js/embeds.js" in response.content.decode()
    live_coverage.end_live_blog(live_blog=live_blog)
    frozen = client.get(live_blog.article.get_absolute_url())
    assert "youtube-nocookie.com" not in frozen["Content-Security-Policy"]
    live_blog = live_coverage.start_live_blog(article=live_blog.article)
    post(live_blog, "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    live_coverage.end_live_blog(live_blog=live_blog)
    shown = client.get(live_blog.article.get_absolute_url())
    assert "youtube-nocookie.com" in shown["Content-Security-Policy"]
    assert "player.vimeo.com" not in shown["Content-Security-Policy"]


def test_a_withdrawn_live_article_stops_its_readers_polling(client):
    live_blog = LiveBlogFactory()
    article = live_blog.article
    article.status = Article.Status.UNPUBLISHED
    article.save()
    response = client.get(poll_url(live_blog))
    assert response.status_code == 404
    assert response["X-Poll-Interval"] == "0"


# --- the poll URL ------------------------------------------------------------------------


def test_the_poll_answer_is_a_shared_fragment_with_the_servers_interval(client, settings):
    settings.LIVE_BLOG_POLL_INTERVAL = 12
    settings.FEED_MAX_AGE = 4
    live_blog = LiveBlogFactory()
    entry = post(live_blog, "Η πρώτη ενημέρωση", is_key_event=True)
    response = client.get(poll_url(live_blog))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["ETag"].startswith('W/"')
    assert response["Cache-Control"] == "public, max-age=4, s-maxage=1"
    assert response["X-Poll-Interval"] == "12"
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    html = response.content.decode()
    assert "<html" not in html
    assert html.startswith('<div id="live-summary"')  # the summary, then the entries
    assert f'data-feed-key="e{entry.pk}"' in html
    assert f'href="#entry-{entry.pk}"' in html
    assert client.post(poll_url(live_blog)).status_code == 405
    # Crawlers keep out of it (robots.txt disallows /articles/, the read counter's prefix).
    assert "Disallow: /articles/" in client.get("/robots.txt").content.decode()


def test_a_current_poll_costs_no_query_and_a_304(client, django_assert_num_queries):
    live_blog = LiveBlogFactory()
    post(live_blog, "Ενημέρωση")
    first = client.get(poll_url(live_blog))
    with django_assert_num_queries(0):
        again = client.get(poll_url(live_blog))
    assert again.content == first.content
    with django_assert_num_queries(0):
        current = client.get(poll_url(live_blog), headers={"if-none-match": first["ETag"]})
    assert current.status_code == 304
    assert current.content == b""
    assert current["X-Poll-Interval"] == first["X-Poll-Interval"]
    # Junk parameters are answered from the same entry, still without a query.
    with django_assert_num_queries(0):
        assert client.get(poll_url(live_blog) + "?since=123").status_code == 200


def test_new_edited_and_deleted_entries_change_the_poll_answer_after_commit(
    client, django_capture_on_commit_callbacks
):
    live_blog = LiveBlogFactory()
    with django_capture_on_commit_callbacks(execute=True):
        entry = post(live_blog, "Πρώτη διατύπωση")
    etag = client.get(poll_url(live_blog))["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        newer = post(live_blog, "Νεότερη ενημέρωση")
    response = client.get(poll_url(live_blog), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert f'data-feed-key="e{newer.pk}"' in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        live_coverage.edit_entry(entry=entry, body="<p>Δεύτερη διατύπωση</p>")
    html = client.get(poll_url(live_blog)).content.decode()
    assert "Δεύτερη διατύπωση" in html
    assert "Πρώτη διατύπωση" not in html

    with django_capture_on_commit_callbacks(execute=True):
        live_coverage.delete_entry(entry=newer)
    assert f'data-feed-key="e{newer.pk}"' not in client.get(poll_url(live_blog)).content.decode()


def test_a_stored_page_shows_a_new_entry_after_commit(
    client, page_cache, django_capture_on_commit_callbacks
):
    live_blog = LiveBlogFactory()
    url = live_blog.article.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        post(live_blog, "Πρώτη ενημέρωση")
    client.get(url)
    assert "Πρώτη ενημέρωση" in live_part(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        post(live_blog, "Δεύτερη ενημέρωση")
    assert "Δεύτερη ενημέρωση" in live_part(client.get(url))


def test_the_kill_switch_stops_live_blogs_at_the_next_poll(client, settings):
    settings.LIVE_BLOG_POLL_INTERVAL = 10
    live_blog = LiveBlogFactory()
    post(live_blog, "Ενημέρωση")
    stored = client.get(poll_url(live_blog))
    assert stored["X-Poll-Interval"] == "10"
    settings.LIVE_BLOG_POLL_INTERVAL = 0
    again = client.get(poll_url(live_blog), headers={"if-none-match": stored["ETag"]})
    assert again.status_code == 304
    assert again["X-Poll-Interval"] == "0"


def test_an_ended_coverage_polls_0_even_from_a_stored_answer(
    client, settings, django_capture_on_commit_callbacks
):
    settings.LIVE_BLOG_POLL_INTERVAL = 10
    live_blog = LiveBlogFactory()
    with django_capture_on_commit_callbacks(execute=True):
        live_coverage.end_live_blog(live_blog=live_blog)
    first = client.get(poll_url(live_blog))
    assert first["X-Poll-Interval"] == "0"
    assert client.get(poll_url(live_blog))["X-Poll-Interval"] == "0"


# --- budgets -----------------------------------------------------------------------------

LIVE_ARTICLE_BUDGET = 8
POLL_BUDGET = 3


def many_entries(live_blog, n: int) -> None:
    now = timezone.now()
    image = ImageFactory()
    rows = []
    for i in range(n):
        entry = LiveEntry(
            live_blog=live_blog,
            title=f"Τίτλος {i}" if i % 3 == 0 else "",
            body=f"<p>Ενημέρωση {i}</p>",
            body_html=f"<p>Ενημέρωση {i}</p>",
            image=image if i % 5 == 0 else None,
            is_key_event=i % 25 == 0,
            is_pinned=i == 7,
            posted_at=now - timedelta(seconds=n - i),
        )
        rows.append(entry)
    LiveEntry.objects.bulk_create(rows)


@pytest.mark.parametrize("entries", [1, 500])
def test_a_live_article_page_stays_in_budget_however_many_entries(
    client, django_assert_max_num_queries, entries
):
    live_blog = LiveBlogFactory(article=ArticleFactory(tags=["εκλογές", "αυτοδιοίκηση"]))
    many_entries(live_blog, entries)
    url = live_blog.article.get_absolute_url()
    for page in ("", "?entries_page=2"):
        cache.clear()
        forget_everything()
        with django_assert_max_num_queries(LIVE_ARTICLE_BUDGET):
            response = client.get(url + page)
        assert response.status_code == 200
    html = live_part(client.get(url))
    assert html.count('class="liveblog__entry"') == min(entries, 20)


@pytest.mark.parametrize("entries", [1, 500])
def test_a_cold_poll_stays_in_budget(client, django_assert_max_num_queries, entries):
    live_blog = LiveBlogFactory()
    many_entries(live_blog, entries)
    with django_assert_max_num_queries(POLL_BUDGET):
        assert client.get(poll_url(live_blog)).status_code == 200


def test_the_english_edition_polls_its_own_url_with_english_words(client):
    live_blog = LiveBlogFactory()
    post(live_blog, "Ενημέρωση", is_key_event=True)
    english = client.get("/en" + live_blog.article.get_absolute_url()).content.decode()
    assert f'data-live-feed="/en{poll_url(live_blog)}"' in english
    poll = client.get("/en" + poll_url(live_blog))
    assert poll.status_code == 200
    assert "Key events" in poll.content.decode()
    assert "Τα σημαντικότερα" in client.get(poll_url(live_blog)).content.decode()


def test_an_entry_of_only_an_embed_is_named_without_the_placeholders_words():
    live_blog = LiveBlogFactory()
    embed_only = post(live_blog, "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert "YouTube" not in str(embed_only)
    assert str(embed_only) == "Ενσωματωμένη ανάρτηση"
    with_words = live_coverage.post_entry(
        live_blog=live_blog,
        body="<p>Η δήλωση:</p><p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>",
    )
    assert with_words.plain_text == "Η δήλωση:"
