"""Likes and editors' picks in Debian's chromium.

With JavaScript a like updates the count in place (no reload) and a second one is told it
counts once; the next visit shows the count and the button as liked. Without JavaScript
the button is a form: one press, and the reader lands on the notice above the comments.
A moderator marks a pick in the admin and readers see it first, marked.
"""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment
from tests.browser.test_comments import PASSWORD, make_moderator
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.COMMENTS_LIKES_FLUSH_EVERY = 1
    cache.clear()  # the likes and rate limits of earlier tests share the address 127.0.0.1


def like_form(page, comment):
    return page.locator(f"#comment-{comment.pk} form.comment__like")


def test_a_like_updates_the_count_in_place_and_counts_once(live_server, page):
    article = ArticleFactory(headline="Η αγορά ακινήτων μετά τα νέα μέτρα")
    comment = CommentFactory(article=article, name="Ελένη", body="Καλή ανάλυση των τιμών.")
    url = live_server.url + article.get_absolute_url()
    page.goto(url)
    page.evaluate("window.sameDocument = true")
    form = like_form(page, comment)
    button = form.get_by_role("button", name="Μου αρέσει (σχόλιο του χρήστη Ελένη)")
    button.click()
    expect(form.get_by_role("status")).to_have_text("Ευχαριστούμε. Σας αρέσει αυτό το σχόλιο.")
    expect(form.locator("[data-like-count] [aria-hidden]")).to_have_text("1")
    expect(form.locator("[data-like-count] .visually-hidden")).to_have_text("Αρέσει σε 1 αναγνώστη")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.sameDocument") is True  # no reload
    assert page.url == url

    button.click()
    expect(form.get_by_role("status")).to_contain_text("Σας αρέσει ήδη αυτό το σχόλιο")
    expect(form.locator("[data-like-count] [aria-hidden]")).to_have_text("1")
    comment.refresh_from_db()
    assert comment.like_count == 1

    # The next visit: the count comes with the page, and this browser remembers its like.
    page.reload()
    form = like_form(page, comment)
    expect(form.locator("[data-like-count] [aria-hidden]")).to_have_text("1")
    expect(form.get_by_role("button")).to_have_attribute("aria-pressed", "true")


def test_without_javascript_a_like_lands_on_the_notice(live_server, browser):
    article = ArticleFactory(headline="Οι τράπεζες και τα επιτόκια")
    comment = CommentFactory(article=article, name="Νίκος", body="Συμφωνώ απόλυτα.")
    context = browser.new_context(java_script_enabled=False, locale="el-GR")
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    like_form(page, comment).get_by_role("button").click()
    page.wait_for_url("**#comment-notice")
    expect(page.locator("#comment-notice")).to_have_text("Ευχαριστούμε. Σας αρέσει αυτό το σχόλιο.")
    expect(like_form(page, comment).locator("[data-like-count] [aria-hidden]")).to_have_text("1")
    like_form(page, comment).get_by_role("button").click()
    page.wait_for_url("**#comment-notice")
    expect(page.locator("#comment-notice")).to_contain_text("Σας αρέσει ήδη αυτό το σχόλιο")
    context.close()
    comment.refresh_from_db()
    assert comment.like_count == 1


def test_a_moderator_picks_a_comment_and_readers_see_it_first(
    live_server, browser, page, artifacts_dir
):
    article = ArticleFactory(headline="Ο προϋπολογισμός στη Βουλή")
    first = CommentFactory(article=article, body="Το πρώτο σχόλιο της συζήτησης.")
    chosen = CommentFactory(article=article, body="Μια τεκμηριωμένη άποψη για τις δαπάνες.")
    Comment.objects.filter(pk=first.pk).update(like_count=1234)
    CommentFactory(parent=chosen, body="Συμφωνώ, καλά τα λέτε.")
    page.goto(live_server.url + article.get_absolute_url())
    threads = page.locator("#comments ol.comment-list > li.comment")
    expect(threads.first).to_have_attribute("id", f"comment-{first.pk}")

    make_moderator()
    context = browser.new_context(locale="el-GR")
    admin = context.new_page()
    admin.goto(live_server.url + "/admin/comments/comment/?status=all")
    admin.fill("#id_username", "moderator")
    admin.fill("#id_password", PASSWORD)
    admin.locator("#id_password").press("Enter")
    admin.wait_for_url("**/admin/comments/comment/**")
    admin.locator(f"input[name=_selected_action][value='{chosen.pk}']").check()
    admin.select_option("select[name=action]", "pick_selected")
    admin.locator("button[name=index]").click()
    admin.wait_for_load_state()
    assert "επιλογή της σύνταξης" in admin.locator(".messagelist").inner_text()
    context.close()
    assert Comment.objects.get(pk=chosen.pk).is_pick

    for order in ["", "?comments=newest", "?comments=liked"]:
        page.goto(live_server.url + article.get_absolute_url() + order)
        expect(threads.first).to_have_attribute("id", f"comment-{chosen.pk}")
        expect(threads.first.locator(".comment__pick")).to_have_text("★ Επιλογή της σύνταξης")
    expect(threads.first.locator(".comment__pick")).to_be_visible()
    page.locator("#comments").screenshot(path=str(artifacts_dir / "comments-pick-and-likes.png"))
