"""The response cache (newsportal/caching/responses.py): what it stores, under which key,
what it tells nginx or a CDN, and what one change makes it render again."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from comments import services
from comments.models import Comment
from newsportal.caching import live, responses
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    FlashItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EDGE = re.compile(r"^public, max-age=\d+, s-maxage=1$")


@pytest.fixture
def site(page_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        markets, politics = CategoryFactory(name="Αγορές"), CategoryFactory(name="Πολιτική")
        a = ArticleFactory(headline="Ράλι στο Χρηματιστήριο", category=markets, tags=["Ομόλογα"])
        b = ArticleFactory(headline="Ψηφοφορία στη Βουλή", category=politics)
        FlashItemFactory(text="Σεισμός 4,1 Ρίχτερ στην Κρήτη")
    return {"a": a, "b": b, "markets": markets, "politics": politics}


def stored_keys() -> list[str]:
    # The test cache is Django's local-memory backend: its keys carry a ":1:" prefix.
    return [key for key in cache._cache if ":resp:" in key]


def test_edge_cacheable_urls_tell_shared_caches_how_long(client, site):
    urls = [
        "/",
        "/en/",
        site["markets"].get_absolute_url(),
        "/tag/omologa/",
        site["a"].get_absolute_url(),
        site["a"].get_absolute_url() + "?comments=newest",
        "/roi-eidiseon/",
        "/roi-eidiseon/latest/",
        "/rss/",
        "/atom/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert EDGE.match(response["Cache-Control"]), (url, response["Cache-Control"])
        assert response["ETag"].startswith('W/"'), url
        # Language is in the URL: nothing in front of us may split pages by browser language.
        assert "Accept-Language" not in response.get("Vary", ""), url
        assert "Cookie" not in response.get("Vary", ""), url
        assert not response.cookies, url


def test_what_is_never_kept_in_front_of_us(client, site):
    article = site["a"]
    never = {
        "health": client.get("/healthz"),
        "admin": client.get(reverse("admin:login")),
        "comment token": client.get(reverse("comments:token")),
        "search": client.get("/search/?q=Βουλή"),
        "comment post": client.post(reverse("comments:post", args=[article.pk]), {}),
    }
    for name, response in never.items():
        assert "s-maxage" not in response.get("Cache-Control", ""), name
        assert "public" not in response.get("Cache-Control", ""), name


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_a_message_is_never_served_or_stored(client, site, cookie):
    url = site["a"].get_absolute_url()
    client.get(url)
    before = stored_keys()
    client.cookies[cookie] = "anything"
    response = client.get(url)
    assert response["Cache-Control"] == "private, no-cache"
    assert stored_keys() == before


def test_a_thousand_junk_parameters_mint_no_entry(client, site):
    article, section = site["a"], site["markets"]
    plain = [
        "/",
        section.get_absolute_url(),
        article.get_absolute_url(),
        "/roi-eidiseon/",
    ]
    for url in plain:
        client.get(url)
    baseline = len(stored_keys())
    statuses = set()
    for n in range(1000):
        junk = [
            f"/?page={n}x",
            f"/?x{n}={n}",
            f"{section.get_absolute_url()}?comments={n}",
            f"{section.get_absolute_url()}?page=abc{n}",
            f"{section.get_absolute_url()}?page={n + 5}",  # past the last page
            f"{article.get_absolute_url()}?comments_page=zz{n}&utm_source={n}",
            f"/roi-eidiseon/?before=junk{n}",
        ][n % 7]
        response = client.get(junk)
        statuses.add(response.status_code)
        if response.status_code == 200:
            assert "s-maxage" not in response["Cache-Control"], junk
    assert statuses <= {200, 400}
    assert len(stored_keys()) - baseline <= 3
    assert len(responses.STORED_RESPONSES) <= baseline + 3


def test_parameter_order_and_defaults_share_one_entry(client, site, django_assert_num_queries):
    article = site["a"]
    url = article.get_absolute_url()
    client.get(url + "?comments=newest")
    with django_assert_num_queries(0):
        response = client.get(url + "?comments=newest&utm_medium=mail")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"  # not under this URL at the edge


def test_approving_a_comment_renders_only_that_articles_comments(
    client, site, django_assert_num_queries, django_capture_on_commit_callbacks
):
    a, b = site["a"], site["b"]
    waiting = CommentFactory(article=a, status=Comment.Status.PENDING, body="Καλή ανάλυση")
    urls = {"home": "/", "b": b.get_absolute_url(), "a": a.get_absolute_url()}
    for url in urls.values():
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_comment(comment=waiting, moderator=UserFactory())

    # B's page is untouched: no query at all.
    with django_assert_num_queries(0):
        page_b = client.get(urls["b"])
    assert page_b.status_code == 200
    # The home page's body is reused; only A's count is read again (one small query).
    with django_assert_num_queries(1) as home_queries:
        home = client.get(urls["home"]).content.decode()
    assert '"comment_count"' in home_queries.captured_queries[0]["sql"]
    assert "articles_category" not in home_queries.captured_queries[0]["sql"]
    assert f'{a.get_absolute_url()}#comments">1 σχόλιο</a>' in home
    # A's page shows the comment and its count.
    page_a = client.get(urls["a"]).content.decode()
    assert "Καλή ανάλυση" in page_a
    assert 'class="comments__count">(1)' in page_a


def test_a_flash_item_changes_the_feed_not_the_pages_around_it(
    client, site, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    url = site["a"].get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        FlashItemFactory(text="Νέο έκτακτο: διακοπή ρεύματος")
    # The article's stored body is reused; the feed sidebar is read once more (one query).
    with django_assert_max_num_queries(1):
        html = client.get(url).content.decode()
    assert "Νέο έκτακτο: διακοπή ρεύματος" in html


def test_a_stored_page_is_shown_in_its_own_language_whatever_ran_before(client, site):
    client.get("/")
    client.get("/en/")
    from django.utils import translation

    translation.activate("en")  # the thread's language from some earlier request
    assert "Ροή Ειδήσεων" in client.get("/").content.decode()
    translation.activate("el")
    assert "News feed" in client.get("/en/").content.decode()


def test_a_304_carries_the_headers_of_the_full_answer(client, site):
    url = "/roi-eidiseon/latest/"
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    for header in ("ETag", "Cache-Control", "X-Poll-Interval", "Content-Language"):
        assert again[header] == first[header], header


def test_live_part_markers_are_replaced_and_unknown_ones_dropped():
    live.register("test-echo", lambda request, args: {arg: f"<b>{arg}</b>" for arg in args})
    chunks = live.split(b"<p>" + live.marker("test-echo", 7).encode() + b"</p><!--live:nope:1-->")
    assert live.fill(None, chunks) == b"<p><b>7</b></p>"
    with pytest.raises(ValueError, match="may not contain"):
        live.marker("test-echo", "--><script>")


def test_a_posters_notice_is_rendered_for_them_and_never_stored(client, site):
    url = site["a"].get_absolute_url()
    client.get(url)
    before = stored_keys()
    response = client.get(url + "?notice=anything")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert stored_keys() == before


def test_a_withdrawn_article_tells_caches_in_front_to_replace_their_copy(
    client, site, django_capture_on_commit_callbacks
):
    from articles.models import Article

    url = site["b"].get_absolute_url()
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.get(pk=site["b"].pk).delete()
    gone = client.get(url)
    assert gone.status_code == 404
    assert gone["Cache-Control"] == "public, max-age=0, s-maxage=1"


def test_while_another_process_renders_a_page_again_the_previous_one_is_served(
    client, site, monkeypatch, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from articles.models import Article

    url = site["a"].get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        article = Article.objects.get(pk=site["a"].pk)
        article.headline = "Νέος τίτλος για το ράλι"
        article.save()
    # Another worker holds the renewal of this page: the previous one is served (only its
    # live parts, the feed and the counts, are read afresh; the article is not).
    adds = cache.add
    monkeypatch.setattr(
        cache,
        "add",
        lambda key, *a, **k: False if key.endswith(":renewing") else adds(key, *a, **k),
    )
    with django_assert_max_num_queries(2) as queries:
        stale = client.get(url).content.decode()
    assert not [q for q in queries.captured_queries if '"body_html"' in q["sql"]]
    assert "Ράλι στο Χρηματιστήριο" in stale
    monkeypatch.setattr(cache, "add", adds)  # the renewal is free again: rendered here
    fresh = client.get(url).content.decode()
    assert "Νέος τίτλος για το ράλι" in fresh
    assert not [key for key in cache._cache if key.endswith(":renewing")]  # released


def test_a_stale_copy_is_compared_by_digest_not_fetched_again_while_another_renders_it(
    client, site, monkeypatch, django_capture_on_commit_callbacks
):
    from unittest import mock

    from articles.models import Article
    from newsportal.caching import scopes

    url = site["a"].get_absolute_url()
    first = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=site["a"].pk).update(headline="Νέος τίτλος")
        scopes.changed_on_commit(scopes.article(site["a"].pk))
    adds = cache.add
    monkeypatch.setattr(
        cache,
        "add",
        lambda key, *a, **k: False if key.endswith(":renewing") else adds(key, *a, **k),
    )
    with (
        mock.patch.object(cache, "get", wraps=cache.get) as get,
        mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
    ):
        stale = [client.get(url) for _ in range(3)]
    read = [c.args[0] for c in get.call_args_list] + [
        key for c in get_many.call_args_list for key in c.args[0]
    ]
    # Three stale answers, each after one small read of the shared entry's digest; the
    # entry itself (its bare key) is never fetched.
    digest_reads = [c for c in get_many.call_args_list if any(":digest" in k for k in c.args[0])]
    assert len(digest_reads) == 3
    assert not [key for key in read if key.startswith("resp:") and ":" not in key[5:]]
    assert {r.content for r in stale} == {first.content}
    assert len({r["ETag"] for r in stale}) == 1
    monkeypatch.setattr(cache, "add", adds)
    assert "Νέος τίτλος" in client.get(url).content.decode()


def test_a_stale_copy_gives_way_to_the_newer_answer_another_process_stored(
    client, site, django_capture_on_commit_callbacks
):
    from articles.models import Article
    from newsportal.caching import scopes

    url = site["a"].get_absolute_url()
    client.get(url)
    [key] = [k for k in responses.STORED_RESPONSES._entries if k.startswith("resp:")]
    old_copy = responses.STORED_RESPONSES.get(key)
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=site["a"].pk).update(headline="Νέος τίτλος")
        scopes.changed_on_commit(scopes.article(site["a"].pk))
    assert "Νέος τίτλος" in client.get(url).content.decode()  # "the other process"
    responses.STORED_RESPONSES.set(key, old_copy)  # this one still holds the old copy
    assert "Νέος τίτλος" in client.get(url).content.decode()
    assert responses.STORED_RESPONSES.get(key) is not old_copy


def test_a_withdrawn_page_leaves_no_previous_answer_to_serve(
    client, site, django_capture_on_commit_callbacks
):
    from articles.models import Article

    url = site["b"].get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=site["b"].pk).update(status=Article.Status.UNPUBLISHED)
        from newsportal.caching import scopes

        scopes.changed_on_commit(scopes.article(site["b"].pk))
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_a_hit_whose_live_parts_did_not_move_costs_one_read_of_the_shared_cache(
    client, site, django_assert_num_queries
):
    from unittest import mock

    url = "/"
    first = client.get(url)
    client.get(url)
    with (
        mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
        mock.patch.object(cache, "get", wraps=cache.get) as get,
        django_assert_num_queries(0),
    ):
        again = client.get(url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    # The versions of the page's scopes and of its live parts' scopes, in one read (and the
    # next scheduled item's time); the parts are not filled again.
    assert get_many.call_count == 1
    assert all(str(call.args[0]).startswith("ver:") for call in get.call_args_list)


def test_a_moved_live_part_is_filled_again_on_a_stored_page(
    client, site, django_capture_on_commit_callbacks
):
    client.get("/")
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        FlashItemFactory(text="Νέα σύντομη είδηση για το λιμάνι")
    assert "Νέα σύντομη είδηση για το λιμάνι" in client.get("/").content.decode()


def in_a_flood(client, url, capture_on_commit, traveller) -> str:
    """The page rendered FLOOD_RENDERS times within a second, a change before each
    rendering but the first (a page in a flood of changes); its last rendering."""
    from newsportal.caching import scopes

    for number in range(responses.FLOOD_RENDERS):
        if number:
            with capture_on_commit(execute=True):
                scopes.changed_on_commit(scopes.SITE)
            traveller.shift(0.1)
        html = client.get(url).content.decode()
    return html


def test_a_page_changed_once_is_rendered_again_at_once_even_with_a_renewal_period(
    client, site, settings, django_capture_on_commit_callbacks
):
    import time_machine
    from django.utils import timezone

    from articles.models import Article
    from newsportal.caching import scopes

    settings.PAGE_RENEW_SECONDS = 0.5
    url = site["a"].get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.get(url)
        traveller.shift(0.1)
        for headline in ("Πρώτη αλλαγή", "Δεύτερη αλλαγή"):  # two changes: no flood yet
            with django_capture_on_commit_callbacks(execute=True):
                Article.objects.filter(pk=site["a"].pk).update(headline=headline)
                scopes.changed_on_commit(scopes.article(site["a"].pk))
            assert headline in client.get(url).content.decode()


def test_a_page_changing_many_times_a_second_is_rendered_at_most_once_per_renewal(
    client, site, settings, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    import time_machine

    from articles.models import Article
    from newsportal.caching import scopes

    settings.PAGE_RENEW_SECONDS = 0.5  # the production profile's
    url = site["a"].get_absolute_url()
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        first = in_a_flood(client, url, django_capture_on_commit_callbacks, traveller)
        with django_capture_on_commit_callbacks(execute=True):
            Article.objects.filter(pk=site["a"].pk).update(headline="Νέος τίτλος")
            scopes.changed_on_commit(scopes.article(site["a"].pk))
        # Rendered a moment ago: the answer is served as it is, the article not read.
        with django_assert_max_num_queries(2) as queries:
            served = client.get(url).content.decode()
        assert not [q for q in queries.captured_queries if '"body_html"' in q["sql"]]
        assert served == first
        traveller.shift(0.6)
        assert "Νέος τίτλος" in client.get(url).content.decode()


def test_a_page_kept_stale_by_a_flood_compares_its_versions_once_per_change(
    client, site, settings, django_capture_on_commit_callbacks
):
    from unittest import mock

    import time_machine
    from django.utils import timezone

    from newsportal.caching import scopes

    settings.PAGE_RENEW_SECONDS = 0.5
    url = site["a"].get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        first = in_a_flood(client, url, django_capture_on_commit_callbacks, traveller)
        with django_capture_on_commit_callbacks(execute=True):
            scopes.changed_on_commit(scopes.comments(site["a"].pk))
        with mock.patch.object(responses, "versions_of", wraps=responses.versions_of) as read:
            assert client.get(url).content.decode() == first  # stale, served as it is
            assert read.call_count == 1
            assert client.get(url).content.decode() == first
            assert read.call_count == 1  # nothing moved since: the same verdict
        with django_capture_on_commit_callbacks(execute=True):
            scopes.changed_on_commit(scopes.comments(site["a"].pk))
        with mock.patch.object(responses, "versions_of", wraps=responses.versions_of) as read:
            client.get(url)
            assert read.call_count == 1  # another change: compared again


def test_counts_in_a_flood_of_comments_are_filled_in_at_most_once_per_renewal(
    client, site, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    import time_machine
    from django.utils import timezone

    settings.PAGE_RENEW_SECONDS = 0.5  # the production profile's
    a = site["a"]
    link = f'{a.get_absolute_url()}#comments">'

    def approve(number):
        waiting = CommentFactory(article=a, status=Comment.Status.PENDING, body=f"Σχόλιο {number}")
        with django_capture_on_commit_callbacks(execute=True):
            services.approve_comment(comment=waiting, moderator=UserFactory())

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.get("/")  # rendered and stored
        client.get("/")  # the stored answer's first filling
        for number in range(1, responses.FLOOD_RENDERS):  # each shown at once: no flood yet
            traveller.shift(0.1)
            approve(number)
            assert f"{link}{number} σχόλι" in client.get("/").content.decode()
        # Four fillings within a second: the next comment's count waits for the renewal,
        # and the page is sent as filled last, its counter not read.
        traveller.shift(0.1)
        approve(responses.FLOOD_RENDERS)
        with django_assert_num_queries(0):
            home = client.get("/").content.decode()
        assert f"{link}{responses.FLOOD_RENDERS - 1} σχόλια" in home
        traveller.shift(0.6)
        assert f"{link}{responses.FLOOD_RENDERS} σχόλια" in client.get("/").content.decode()


def test_a_copy_younger_than_the_renewal_is_served_without_asking_the_shared_cache(
    client, site, settings, django_capture_on_commit_callbacks
):
    from unittest import mock

    import time_machine
    from django.utils import timezone

    from articles.models import Article
    from newsportal.caching import scopes

    settings.PAGE_RENEW_SECONDS = 0.5
    url = site["a"].get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        first = in_a_flood(client, url, django_capture_on_commit_callbacks, traveller).encode()
        with django_capture_on_commit_callbacks(execute=True):
            Article.objects.filter(pk=site["a"].pk).update(headline="Τίτλος μετά την ανανέωση")
            scopes.changed_on_commit(scopes.article(site["a"].pk))
        with (
            mock.patch.object(cache, "get", wraps=cache.get) as get,
            mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
        ):
            assert client.get(url).content == first
        read = [c.args[0] for c in get.call_args_list] + [
            key for c in get_many.call_args_list for key in c.args[0]
        ]
        assert not [key for key in read if str(key).startswith("resp:")]  # nor its digest
        traveller.shift(0.6)
        assert "Τίτλος μετά την ανανέωση" in client.get(url).content.decode()


def test_a_hit_compares_no_versions_while_nothing_moved_and_sees_a_local_change(client, site):
    from unittest import mock

    from articles.models import Article
    from newsportal.caching import scopes

    url = site["a"].get_absolute_url()
    client.get(url)
    client.get(url)  # found current once: remembered with the state of the scopes
    with mock.patch.object(responses, "versions_of", wraps=responses.versions_of) as read:
        client.get(url)
    asked = {scope for call in read.call_args_list for scope in call.args[0]}
    assert asked  # the live parts' scopes...
    assert scopes.article(site["a"].pk) not in asked  # ...and none of what the page shows
    # An uncommitted change of this process is seen at once all the same.
    article = Article.objects.get(pk=site["a"].pk)
    article.headline = "Τίτλος πριν από το commit"
    article.save()
    assert "Τίτλος πριν από το commit" in client.get(url).content.decode()
