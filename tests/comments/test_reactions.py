"""Likes and editors' picks: a like counts once per address, is counted in the cache and
written in batches, costs a stored page no query and renders nothing again; "most liked"
orders threads; picks come first, marked, in every order."""

import re
import time

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from comments import network, reactions
from comments.models import Comment
from newsportal.caching import scopes
from tests.articles.test_query_budgets import ARTICLE_BUDGET
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
READER, OTHER = "203.0.113.5", "198.51.100.7"


def like(client, comment, address=READER, **headers):
    headers.setdefault("HTTP_ORIGIN", HOST)
    return client.post(f"/comments/{comment.pk}/like/", REMOTE_ADDR=address, **headers)


def like_by_script(client, comment, address=READER):
    return like(client, comment, address, HTTP_X_REQUESTED_WITH="fetch")


def shown_count(html: str, comment) -> str:
    """The count in a comment's like form, as readers see it ("" for none)."""
    form = re.search(
        rf'action="/comments/{comment.pk}/like/".*?data-like-count>(.*?)</span></form>',
        html,
        re.S,
    )
    assert form, f"no like form for comment {comment.pk}"
    visible = re.search(r'<span aria-hidden="true">([^<]*)</span>', form.group(1))
    return visible.group(1) if visible else ""


def thread_order(html: str) -> list[int]:
    """The ids of the page's first comments of threads, in page order."""
    top = html[html.index('<ol class="comment-list">') :]
    ids, depth = [], 0
    for match in re.finditer(
        r'<ol class="comment-list[^"]*">|</ol>|<li class="comment[^"]*" id="comment-(\d+)"', top
    ):
        text = match.group(0)
        if text.startswith("<ol"):
            depth += 1
        elif text == "</ol>":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1:
            ids.append(int(match.group(1)))
    return ids


# --- Once per address, counted in the cache, written in batches ----------------------------


def test_a_like_counts_once_per_address_hash(client, settings):
    settings.COMMENTS_LIKES_FLUSH_EVERY = 1
    comment = CommentFactory()
    first = like(client, comment)
    assert first.status_code == 302
    again = like(client, comment)
    assert again.status_code == 302
    like(client, comment, address=OTHER)
    comment.refresh_from_db()
    assert comment.like_count == 2
    # The second like from the first address was told so, on the article's notice.
    page = client.get(again["Location"], REMOTE_ADDR=READER).content.decode()
    assert "Σας αρέσει ήδη αυτό το σχόλιο" in page
    assert shown_count(page, comment) == "2"


def test_an_ipv6_reader_cannot_like_again_from_another_address_of_the_same_network(client):
    comment = CommentFactory()
    assert like_by_script(client, comment, address="2001:db8::1").json()["counted"]
    assert not like_by_script(client, comment, address="2001:db8::2").json()["counted"]
    assert network.hash_address("2001:db8::1") == network.hash_address("2001:db8::2")


def test_likes_reach_the_database_in_batches(client, settings, django_assert_num_queries):
    settings.COMMENTS_LIKES_FLUSH_EVERY = 3
    comment = CommentFactory()
    for n in range(2):
        with django_assert_num_queries(1):  # finding the comment; nothing is written
            answer = like_by_script(client, comment, address=f"203.0.113.{n}").json()
        assert answer["count"] == n + 1
    comment.refresh_from_db()
    assert comment.like_count == 0
    with django_assert_num_queries(2):  # and one UPDATE for the batch
        like_by_script(client, comment, address="203.0.113.99")
    comment.refresh_from_db()
    assert comment.like_count == 3


def test_the_count_shown_adds_the_likes_not_yet_written(client, settings):
    settings.COMMENTS_LIKES_FLUSH_EVERY = 10
    comment = CommentFactory()
    Comment.objects.filter(pk=comment.pk).update(like_count=40)
    comment.refresh_from_db()
    article_url = comment.article.get_absolute_url()
    assert shown_count(client.get(article_url).content.decode(), comment) == "40"
    assert like_by_script(client, comment).json()["count"] == 41
    assert shown_count(client.get(article_url).content.decode(), comment) == "41"


def test_a_batch_adds_to_what_is_written():
    comment = CommentFactory()
    reactions.add_likes(comment_id=comment.pk, likes=10)
    reactions.add_likes(comment_id=comment.pk, likes=10)
    comment.refresh_from_db()
    assert comment.like_count == 20


# --- Cached pages: no query, nothing rendered again --------------------------------------


def test_a_like_costs_a_stored_page_no_query_and_moves_no_scope(
    client, page_cache, django_assert_num_queries
):
    comment = CommentFactory()
    url = comment.article.get_absolute_url()
    watched = (scopes.comments(comment.article_id), scopes.article(comment.article_id))
    with time_machine.travel(time.time(), tick=False) as traveller:
        client.get(url)  # stored
        assert shown_count(client.get(url).content.decode(), comment) == ""  # and filled
        before = scopes.versions_of((*watched, scopes.SITE, scopes.ARTICLES))
        changes = cache.get(scopes.CHANGES_KEY)
        assert like(client, comment).status_code == 302
        # No scope moved, not even the count of changes that every process watches.
        assert cache.get(scopes.CHANGES_KEY) == changes
        assert scopes.versions_of((*watched, scopes.SITE, scopes.ARTICLES)) == before
        traveller.shift(reactions.LIKES_SECONDS)
        with django_assert_num_queries(0):
            html = client.get(url).content.decode()
        assert shown_count(html, comment) == "1"
        assert "Αρέσει σε 1 αναγνώστη" in html  # read out as a sentence
        like(client, comment, address=OTHER)
        traveller.shift(reactions.LIKES_SECONDS)
        with django_assert_num_queries(0):
            assert shown_count(client.get(url).content.decode(), comment) == "2"


@pytest.mark.parametrize("order", ["", "?comments=newest", "?comments=liked"])
def test_the_article_page_budget_holds_with_likes_and_picks(
    client, django_assert_max_num_queries, order
):
    article = ArticleFactory()
    comments = [CommentFactory(article=article) for _ in range(5)]
    Comment.objects.filter(pk=comments[2].pk).update(like_count=7, is_pick=True)
    with django_assert_max_num_queries(ARTICLE_BUDGET):
        html = client.get(article.get_absolute_url() + order).content.decode()
    assert shown_count(html, comments[2]) == "7"
    assert thread_order(html)[0] == comments[2].pk


def test_the_liked_order_is_a_stored_page_of_its_own(client, page_cache, django_assert_num_queries):
    comment = CommentFactory()
    CommentFactory(article=comment.article)
    url = comment.article.get_absolute_url() + "?comments=liked"
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


# --- The button: a form without JavaScript, JSON for the script ----------------------------


def test_each_comment_has_a_like_form_that_works_without_javascript(client):
    comment = CommentFactory(name="Ελένη")
    html = client.get(comment.article.get_absolute_url()).content.decode()
    form = re.search(
        rf'<form class="comment__like" method="post" action="/comments/{comment.pk}/like/" '
        r"data-like>(.*?)</form>",
        html,
        re.S,
    )
    assert form
    assert '<button type="submit" class="comment__like-button">Μου αρέσει' in form.group(1)
    assert "σχόλιο του χρήστη <bdi" in form.group(1)  # whose comment, for screen readers
    assert "js/reactions.js" in html
    # Sent as the browser sends it (no token on the cached page): the reader lands on the notice.
    response = client.post(
        f"/comments/{comment.pk}/like/", REMOTE_ADDR=READER, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 302
    assert response["Location"].startswith(comment.article.get_absolute_url() + "?notice=")
    assert response["Location"].endswith("#comment-notice")
    landed = client.get(response["Location"], REMOTE_ADDR=READER).content.decode()
    assert "Ευχαριστούμε. Σας αρέσει αυτό το σχόλιο." in landed
    assert shown_count(landed, comment) == "1"


def test_the_script_gets_the_count_and_a_clear_answer(client):
    comment = CommentFactory()
    first = like_by_script(client, comment)
    assert first.status_code == 200
    assert first["Cache-Control"] == "no-store"
    assert first.json() == {
        "ok": True,
        "counted": True,
        "count": 1,
        "count_shown": "1",
        "count_text": "Αρέσει σε 1 αναγνώστη",
        "message": "Ευχαριστούμε. Σας αρέσει αυτό το σχόλιο.",
    }
    again = like_by_script(client, comment).json()
    assert again["counted"] is False
    assert again["count"] == 1
    assert (
        again["message"]
        == "Σας αρέσει ήδη αυτό το σχόλιο: η προτίμηση κάθε αναγνώστη μετρά μία φορά."
    )


def test_another_sites_form_is_refused_and_nothing_counted(client, settings):
    settings.COMMENTS_LIKES_FLUSH_EVERY = 1
    comment = CommentFactory()
    assert like(client, comment, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert like(client, comment, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert like_by_script(client, comment).json()["counted"]  # the reader's own like still counts
    comment.refresh_from_db()
    assert comment.like_count == 1


def test_a_like_of_unknown_origin_is_confirmed_with_a_csrf_token(settings):
    settings.COMMENTS_LIKES_FLUSH_EVERY = 1
    comment = CommentFactory()
    browser = Client(enforce_csrf_checks=True)
    asked = browser.post(f"/comments/{comment.pk}/like/", REMOTE_ADDR=READER)
    assert asked.status_code == 200
    assert asked["Cache-Control"] == "private, no-store"
    html = asked.content.decode()
    assert "Επιβεβαιώστε" in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    comment.refresh_from_db()
    assert comment.like_count == 0
    confirmed = browser.post(
        f"/comments/{comment.pk}/like/", {"csrfmiddlewaretoken": token}, REMOTE_ADDR=READER
    )
    assert confirmed.status_code == 302
    comment.refresh_from_db()
    assert comment.like_count == 1


def test_likes_are_rate_limited_per_address(client, settings):
    settings.COMMENTS_LIKES_PER_MINUTE = 3
    comments = [CommentFactory() for _ in range(5)]
    for comment in comments[:3]:
        assert like_by_script(client, comment).status_code == 200
    limited = like_by_script(client, comments[3])
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    page = like(client, comments[4])
    assert page.status_code == 429
    assert "Πάρα πολλά" in page.content.decode()
    assert like_by_script(client, comments[3], address=OTHER).status_code == 200


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_only_shown_comments_can_be_liked(client, status):
    comment = CommentFactory(status=status)
    assert like(client, comment).status_code == 404
    assert client.get(f"/comments/{comment.pk}/like/").status_code == 404


def test_the_like_address_opened_in_a_browser_shows_the_form(client):
    comment = CommentFactory(body="Πολύ σωστή παρατήρηση.")
    response = client.get(f"/comments/{comment.pk}/like/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Πολύ σωστή παρατήρηση." in html
    assert 'name="robots" content="noindex"' in html
    assert client.put(f"/comments/{comment.pk}/like/").status_code == 405


def test_an_impossible_count_in_a_marker_shows_nothing():
    assert reactions._like_counts(None, ["1 x", "1", "1 2 3", "9" * 30 + " 1"]) == {}
    assert reactions._like_counts(None, ["1 2"]) == {"1 2": reactions.count_html(2)}


# --- "Most liked" and editors' picks ------------------------------------------------------


def test_most_liked_joins_oldest_and_newest(client):
    article = ArticleFactory()
    quiet, loved, liked = (CommentFactory(article=article) for _ in range(3))
    Comment.objects.filter(pk=loved.pk).update(like_count=9)
    Comment.objects.filter(pk=liked.pk).update(like_count=4)
    reply = CommentFactory(parent=quiet)
    Comment.objects.filter(pk=reply.pk).update(like_count=50)  # replies do not order threads
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<a href="?comments=liked#comments">Περισσότερα «μου αρέσει»</a>' in html
    assert thread_order(html) == [quiet.pk, loved.pk, liked.pk]
    newest = client.get(article.get_absolute_url() + "?comments=newest").content.decode()
    assert thread_order(newest) == [liked.pk, loved.pk, quiet.pk]
    most = client.get(article.get_absolute_url() + "?comments=liked").content.decode()
    assert thread_order(most) == [loved.pk, liked.pk, quiet.pk]
    assert 'aria-current="true">Περισσότερα «μου αρέσει»' in most


def test_most_liked_orders_across_pages(client, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    article = ArticleFactory()
    comments = [CommentFactory(article=article) for _ in range(5)]
    Comment.objects.filter(pk=comments[4].pk).update(like_count=3)
    html = client.get(article.get_absolute_url() + "?comments=liked").content.decode()
    assert thread_order(html)[0] == comments[4].pk
    assert "comments=liked&amp;comments_page=2" in html


@pytest.mark.parametrize("order", ["oldest", "newest", "liked"])
def test_picks_come_first_with_a_mark_in_every_order(client, order):
    article = ArticleFactory()
    first, _second, picked, last = (CommentFactory(article=article) for _ in range(4))
    Comment.objects.filter(pk=first.pk).update(like_count=20)
    reply = CommentFactory(parent=last)
    reactions.pick_comments(comments=[picked, reply], picked=True, by=None)
    html = client.get(article.get_absolute_url() + f"?comments={order}").content.decode()
    assert thread_order(html)[:2] == sorted([picked.pk, last.pk], reverse=order == "newest")
    mark = (
        '<span class="comment__pick"><span aria-hidden="true">★ </span>Επιλογή της σύνταξης</span>'
    )
    assert html.count(mark) == 2
    assert f'<li class="comment comment--pick" id="comment-{picked.pk}">' in html
    assert f'<li class="comment comment--pick" id="comment-{reply.pk}">' in html
    assert f'<li class="comment" id="comment-{first.pk}">' in html


def test_only_approved_comments_become_picks():
    pending = CommentFactory(status="pending")
    assert reactions.pick_comments(comments=[pending], picked=True, by=None) == 0
    pending.refresh_from_db()
    assert not pending.is_pick


def test_a_pick_renders_the_section_again(client, page_cache, django_capture_on_commit_callbacks):
    comment = CommentFactory()
    url = comment.article.get_absolute_url()
    assert "comment__pick" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reactions.pick_comments(comments=[comment], picked=True, by=None)
    assert "Επιλογή της σύνταξης" in client.get(url).content.decode()


# --- The admin: an action and the comment's page ------------------------------------------


@pytest.fixture
def moderator():
    user = UserFactory(username="picker", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_a_moderator_picks_and_unpicks_with_the_actions(client, moderator):
    approved, pending = CommentFactory(), CommentFactory(status="pending")
    client.force_login(moderator)
    changelist = reverse("admin:comments_comment_changelist") + "?status=all"
    response = client.post(
        changelist,
        {"action": "pick_selected", "_selected_action": [approved.pk, pending.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 σχόλιο σημειώθηκε ως επιλογή της σύνταξης." in page
    assert "1 σχόλιο δεν έχει εγκριθεί" in page
    approved.refresh_from_db()
    pending.refresh_from_db()
    assert approved.is_pick
    assert approved.picked_by == moderator
    assert approved.picked_at is not None
    assert not pending.is_pick
    listed = client.get(
        reverse("admin:comments_comment_changelist") + "?is_pick__exact=1&status=all"
    )
    assert list(listed.context["cl"].result_list) == [approved]
    client.post(changelist, {"action": "unpick_selected", "_selected_action": [approved.pk]})
    approved.refresh_from_db()
    assert not approved.is_pick
    assert approved.picked_by is None


def test_a_moderator_picks_from_the_comments_page(client, moderator):
    comment = CommentFactory()
    client.force_login(moderator)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    page = client.get(url).content.decode()
    assert 'name="_pick" value="pick"' in page
    response = client.post(url, {"_pick": "pick"}, follow=True)
    assert "Το σχόλιο είναι επιλογή της σύνταξης." in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_pick
    assert 'name="_pick" value="unpick"' in client.get(url).content.decode()
    client.post(url, {"_pick": "unpick"})
    comment.refresh_from_db()
    assert not comment.is_pick


def test_a_viewer_without_the_change_right_cannot_pick(client):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    comment = CommentFactory()
    client.force_login(viewer)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    assert client.post(url, {"_pick": "pick"}).status_code == 403
    comment.refresh_from_db()
    assert not comment.is_pick
