"""Reader and moderator journeys with comments, in Debian's chromium.

A reader posts and is told the comment awaits moderation; the moderator approves it in
the admin; the reader reloads and sees it; a second reader replies inline and reports
it. Then the same without JavaScript: one submit, and the reader lands on the notice just
above the comments.
"""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment, CommentReport
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit counters of earlier tests share the address 127.0.0.1


def make_moderator():
    """The demo moderator's rights (the data migration's, recreated after a flush)."""
    migration = importlib.import_module("comments.migrations.0002_moderators_permissions")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=[
                f"{action}_{model}"
                for model, actions in migration.MODERATOR_PERMISSIONS.items()
                for action in actions
            ],
        )
    )
    user = UserFactory(username="moderator", is_staff=True)
    user.groups.add(group)
    return user


def write_comment(page, name, body):
    page.get_by_label("Όνομα").fill(name)
    page.get_by_label("Σχόλιο", exact=True).fill(body)
    page.get_by_role("button", name="Αποστολή σχολίου").click()


def test_comment_is_moderated_then_published_then_answered_and_reported(
    live_server, page, browser, artifacts_dir
):
    article = ArticleFactory(headline="Νέο πακέτο μέτρων για τη στέγαση")
    url = live_server.url + article.get_absolute_url()
    token_requests = []
    page.on("request", lambda r: "/comments/token/" in r.url and token_requests.append(r.url))

    # A reader writes a comment: the tokens are fetched only once they start writing.
    page.goto(url)
    assert token_requests == []
    write_comment(page, "Ελένη Π.", "Επιτέλους ένα μέτρο για τους νέους.\nΑς δούμε την εφαρμογή.")
    page.wait_for_url("**#comment-notice")
    assert len(token_requests) == 1
    notice = page.locator("#comment-notice")
    assert "αναμένει έγκριση" in notice.inner_text()
    assert "Επιτέλους ένα μέτρο" not in page.locator("#comments").inner_text()
    page.screenshot(path=str(artifacts_dir / "comments-awaiting.png"), full_page=True)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING

    # The moderator approves it from the queue in the admin.
    make_moderator()
    moderator_context = browser.new_context(locale="el-GR")
    admin = moderator_context.new_page()
    admin.goto(live_server.url + "/admin/comments/comment/")
    admin.fill("#id_username", "moderator")
    admin.fill("#id_password", PASSWORD)
    admin.locator("#id_password").press("Enter")
    admin.wait_for_url("**/admin/comments/comment/")
    row = admin.locator("#result_list tbody tr", has_text="Επιτέλους ένα μέτρο")
    assert article.headline in row.inner_text()
    row.locator("input[name=_selected_action]").check()
    admin.select_option("select[name=action]", "approve_selected")
    admin.locator("button[name=index]").click()
    admin.wait_for_load_state()
    assert "εγκρίθηκε" in admin.locator(".messagelist").inner_text().lower()
    admin.screenshot(path=str(artifacts_dir / "comments-admin-queue.png"), full_page=True)
    moderator_context.close()

    # The reader reloads and sees the comment, line break kept.
    page.reload()
    shown = page.locator(f"#comment-{comment.pk}")
    assert "Επιτέλους ένα μέτρο για τους νέους." in shown.inner_text()
    assert shown.locator(".comment__body br").count() == 1
    assert "(1)" in page.get_by_role("heading", name="Σχόλια αναγνωστών").inner_text()

    # A second reader replies inline, then reports the comment without leaving the page.
    second = browser.new_context(locale="el-GR").new_page()
    second.goto(url)
    second.locator(f"#comment-{comment.pk} > article .comment__reply").click()
    form = second.locator(f"#comment-{comment.pk} > form#comment-form")
    assert form.is_visible()
    assert "Ελένη Π." in form.get_by_role("heading").inner_text()
    write_comment(second, "Γιάννης", "Συμφωνώ, αρκεί να μην αργήσει.")
    second.wait_for_url("**#comment-notice")
    assert "αναμένει έγκριση" in second.locator("#comment-notice").inner_text()
    reply = Comment.objects.get(name="Γιάννης")
    assert reply.parent_id == comment.pk

    second.locator(f"#comment-{comment.pk} > article .comment__report").click()
    acknowledged = second.locator(f"#comment-{comment.pk} > article .comment__reported")
    acknowledged.wait_for()
    assert "Ευχαριστούμε" in acknowledged.inner_text()
    assert CommentReport.objects.filter(comment=comment).count() == 1
    second.screenshot(path=str(artifacts_dir / "comments-reported.png"), full_page=True)
    second.context.close()


def test_without_javascript_a_comment_is_sent_in_one_submit_and_a_reply_has_its_page(
    live_server, browser, artifacts_dir
):
    article = ArticleFactory(headline="Συζήτηση για τον κατώτατο μισθό")
    earlier = CommentFactory(article=article, name="Μαρία", body="Πρώτο σχόλιο")
    context = browser.new_context(locale="el-GR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    posts = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    page.goto(live_server.url + article.get_absolute_url())

    write_comment(page, "Κώστας", "Χωρίς JavaScript, αλλά με άποψη.")
    page.wait_for_url("**#comment-notice")
    assert len(posts) == 1  # no confirmation step
    notice = page.locator("#comment-notice")
    assert "αναμένει έγκριση" in notice.inner_text()
    expect(notice).to_be_in_viewport()
    expect(page.get_by_role("heading", name="Σχόλια αναγνωστών")).to_be_in_viewport()
    assert Comment.objects.filter(name="Κώστας", status="pending").exists()
    page.screenshot(path=str(artifacts_dir / "comments-posted-nojs.png"))

    page.locator(f"#comment-{earlier.pk} > article .comment__reply").click()
    page.wait_for_url(f"**/comments/{earlier.pk}/reply/")
    assert "Πρώτο σχόλιο" in page.locator(".comment-quote").inner_text()
    write_comment(page, "Κώστας", "Και μια απάντηση, πάλι χωρίς σενάρια.")
    page.wait_for_url("**#comment-notice")
    assert Comment.objects.get(body__startswith="Και μια απάντηση").parent_id == earlier.pk

    # A report without JavaScript: its page, one submit, back at the notice.
    page.goto(live_server.url + article.get_absolute_url())
    page.locator(f"#comment-{earlier.pk} > article .comment__report").click()
    page.get_by_role("button", name="Αναφορά σχολίου").click()
    page.wait_for_url("**#comment-notice")
    assert "Οι συντονιστές θα εξετάσουν" in page.locator("#comment-notice").inner_text()
    assert CommentReport.objects.filter(comment=earlier).count() == 1
    context.close()


def test_a_form_on_another_site_cannot_post_a_comment(live_server, browser):
    """A page elsewhere (here an opaque origin: the browser sends Origin: null and
    Sec-Fetch-Site: cross-site) with a form aimed at the comment endpoint."""
    article = ArticleFactory(headline="Άρθρο που δεν πρέπει να δεχτεί ξένη φόρμα")
    action = f"{live_server.url}/comments/post/{article.pk}/"
    html = (
        f'<form method="post" action="{action}"><input name="name" value="Bot">'
        '<input name="body" value="Spam from elsewhere"><button>Go</button></form>'
    )
    context = browser.new_context(locale="el-GR")
    page = context.new_page()
    page.set_content(html)
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()
    assert page.locator(".error-page__code").inner_text() == "403"
    assert Comment.objects.filter(article=article).count() == 0
    context.close()
