"""Every admin page of every registered model answers without a server error.

For each model in the admin site, objects with their optional fields filled and objects
with them empty; then, as a superuser, an editor and a moderator, every list (plain, with
counts, searched), add, change, delete and history page, and the model admin's own pages
(previews, preview links, revisions, the image picker). Refusals (403, 302 to the login)
are fine for a role without the right; a 5xx never is. A model added to the admin without
a builder here fails the test, so new admin pages get the same walk.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from django_tasks import task

from articles.models import (
    SECTION_PALETTE,
    Article,
    Author,
    CommentModeration,
    Correction,
    FlashItem,
)
from comments import services
from comments.dsa import cases
from comments.models import (
    Appeal,
    BlockedAddress,
    Comment,
    ModerationLogEntry,
    StatementOfReasons,
)
from tests.factories import (
    AccessAttemptFactory,
    AccessFailureLogFactory,
    AccessLogFactory,
    ArticleFactory,
    BlockedAddressFactory,
    BlockedWordFactory,
    BreakingBannerFactory,
    CategoryFactory,
    CommentFactory,
    CommentReportFactory,
    CorrectionFactory,
    FlashItemFactory,
    GroupFactory,
    ImageFactory,
    LiveBlogFactory,
    LiveEntryFactory,
    ModerationLogEntryFactory,
    PreviewLinkFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STANDARD_PAGES = {"changelist", "add", "change", "delete", "history"}


def a_staff_member(group: str | None, username: str, **extra):
    user = UserFactory(username=username, is_staff=True, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


# One builder per registered model: (objects with optional fields filled, objects without).


def groups():
    full = GroupFactory(name="Αρχειοθέτες")
    full.permissions.set(Permission.objects.filter(content_type__app_label="articles")[:5])
    return [full, GroupFactory(name="Κενή ομάδα")]


def users():
    full = UserFactory(username="full", is_staff=True, last_login=timezone.now())
    full.groups.add(Group.objects.get(name="Editors"))
    full.user_permissions.add(Permission.objects.filter(codename="view_comment").first())
    empty = UserFactory(username="empty", first_name="", last_name="", email="")
    empty.set_unusable_password()
    empty.save()
    return [full, empty]


def access_attempts():
    return [
        AccessAttemptFactory(),
        AccessAttemptFactory(
            ip_address=None, username=None, user_agent="", http_accept="", path_info="",
            post_data="", failures_since_start=0,
        ),
    ]  # fmt: skip


def access_logs():
    return [
        AccessLogFactory(),
        AccessLogFactory(
            ip_address=None, username=None, user_agent="", http_accept="", path_info="",
            logout_time=None, session_hash="",
        ),
    ]  # fmt: skip


def access_failure_logs():
    return [
        AccessFailureLogFactory(),
        AccessFailureLogFactory(
            ip_address=None, username=None, user_agent="", http_accept="", path_info="",
        ),
    ]  # fmt: skip


def categories():
    return [
        CategoryFactory(description="Ειδήσεις της ενότητας.", colour=SECTION_PALETTE[0]),
        CategoryFactory(description="", colour=""),
    ]


def tags():
    used = TagFactory(name="Ουκρανία")
    ArticleFactory(tags=[used])
    return [used, TagFactory(name="Αχρησιμοποίητη")]


def articles():
    author = UserFactory(username="author")
    published_at = timezone.now() - timedelta(hours=3)
    full = ArticleFactory(
        tags=[TagFactory(name="οικονομία"), TagFactory(name="Economy")],
        hero_image=ImageFactory(),
        hero_caption="Το λιμάνι το πρωί",
        author=author,
        published_at=published_at,
        revised_at=published_at + timedelta(hours=1),
        is_featured=True,
        is_breaking=True,
        comment_moderation=CommentModeration.POST,
    )
    CommentFactory(article=full)
    # The article's delete page lists its preview links (with and without a note).
    PreviewLinkFactory(article=full, note="Νομική υπηρεσία")
    PreviewLinkFactory(article=full, note="", created_by=None)
    empty = ArticleFactory(
        lead="", body="", source_line="", status=Article.Status.DRAFT, published_at=None
    )
    unpublished = ArticleFactory(status=Article.Status.UNPUBLISHED, hero_caption="")
    return [full, empty, unpublished]


def images():
    return [
        ImageFactory(uploaded_by=UserFactory(username="photographer")),
        ImageFactory(caption="", credit=""),
    ]


def preview_links():
    revoker = UserFactory(username="revoker")
    return [
        PreviewLinkFactory(note="Νομική υπηρεσία", revoked_at=timezone.now(), revoked_by=revoker),
        PreviewLinkFactory(note="", created_by=None),
    ]


def flash_items():
    return [
        FlashItemFactory(link="https://example.com/anakoinosi"),
        FlashItemFactory(link="", status=FlashItem.Status.DRAFT, published_at=None),
    ]


def breaking_banners():
    return [
        BreakingBannerFactory(
            link="https://example.com/live", created_by=UserFactory(username="desk")
        ),
        BreakingBannerFactory(link="", created_by=None),
    ]


def corrections():
    return [
        CorrectionFactory(),
        CorrectionFactory(kind=Correction.Kind.CLARIFICATION, created_by=None),
    ]


def live_blogs():
    ongoing = LiveBlogFactory(created_by=UserFactory(username="live-desk"))
    ended = LiveBlogFactory(ended_at=timezone.now())
    return [ongoing, ended]


def live_entries():
    live_blog = LiveBlogFactory()
    return [
        LiveEntryFactory(live_blog=live_blog, title="Πρώτα αποτελέσματα", is_key_event=True),
        LiveEntryFactory(
            live_blog=live_blog,
            image=ImageFactory(),
            is_pinned=True,
            posted_by=UserFactory(username="live-editor"),
        ),
    ]


def authors():
    full = Author.objects.create(
        name="Μαρία Παπαδοπούλου",
        role="Πολιτική συντάκτρια",
        biography="Καλύπτει τη Βουλή.",
        photo=ImageFactory(),
        user=UserFactory(username="maria-desk", is_staff=True),
    )
    ArticleFactory().authors.add(full)
    return [full, Author.objects.create(name="Νίκος Γεωργίου")]


def comments():
    moderator = UserFactory(username="decider")
    parent = CommentFactory(email="reader@example.com")
    full = CommentFactory(
        parent=parent,
        email="reply@example.com",
        rule="first_time;links:3;blocked_word:βλάκας",
        moderated_by=moderator,
        moderated_at=timezone.now(),
        report_count=2,
    )
    CommentReportFactory(comment=full)
    CommentReportFactory(comment=full, reason="spam")
    ModerationLogEntryFactory(comment=full, moderator=moderator)
    empty = CommentFactory(email="", user_agent="", status=Comment.Status.PENDING)
    return [full, parent, empty]


def blocked_words():
    return [BlockedWordFactory(phrase="βλάκας"), BlockedWordFactory(phrase="idiot")]


def blocked_addresses():
    return [
        BlockedAddressFactory(kind=BlockedAddress.Kind.IP, value="a" * 64),
        BlockedAddressFactory(note=""),
    ]


def moderation_log_entries():
    return [
        ModerationLogEntryFactory(
            action=ModerationLogEntry.Action.REJECTED,
            reason=ModerationLogEntry.Reason.ABUSIVE,
            note="Προσβλητικό",
        ),
        ModerationLogEntryFactory(moderator=None, note="", reason=""),
    ]


def dsa_cases():
    """An open and a decided notice, their statements of reasons, an open and a decided
    appeal (comments.dsa), built through the services as readers and moderators do."""
    first = UserFactory(username="first-decider")
    second = UserFactory(username="second-decider")
    notices = []
    for n, decision in enumerate(["", "illegal"]):
        notice = cases.file_notice(
            comment=CommentFactory(email=f"poster{n}@example.com", rule="first_time"),
            ground="defamation",
            explanation="Αποδίδει σε πρόσωπο αδίκημα χωρίς κανένα στοιχείο.",
            reporter_email="reporter@example.com" if n else "",
            good_faith=True,
            ip_hash=f"{n:064x}",
        )
        if decision:
            notice = cases.decide_notice(notice=notice, moderator=first, decision=decision)
        notices.append(notice)
    services.mark_spam(comment=CommentFactory(email=""), moderator=first)
    statements = list(StatementOfReasons.objects.order_by("pk"))
    appeals = [
        cases.file_appeal(statement=statement, explanation="Δεν ήταν παράνομο.")[0]
        for statement in statements
    ]
    cases.decide_appeal(appeal=appeals[0], moderator=second, outcome="reinstated")
    return {"notices": notices, "statements": statements, "appeals": appeals}


def illegal_content_notices():
    return dsa_cases()["notices"]


def statements_of_reasons():
    return list(StatementOfReasons.objects.order_by("pk")) or dsa_cases()["statements"]


def appeals():
    return list(Appeal.objects.order_by("pk")) or dsa_cases()["appeals"]


@task()
def add_up(*numbers):
    """A job for the job queue's admin pages to show."""
    return sum(numbers)


def task_results():
    from django_tasks_db.models import DBTaskResult

    ready = add_up.enqueue(1, 2)
    failed = add_up.enqueue("α", 2)
    for result in (ready, failed):
        assert isinstance(result.db_result, DBTaskResult)
    failed.db_result.claim("worker-1")
    try:
        add_up.call("α", 2)
    except TypeError as error:
        failed.db_result.set_failed(error)
    return [ready.db_result, failed.db_result]


BUILDERS = {
    "auth.Group": groups,
    "auth.User": users,
    "axes.AccessAttempt": access_attempts,
    "axes.AccessLog": access_logs,
    "axes.AccessFailureLog": access_failure_logs,
    "articles.Category": categories,
    "articles.Tag": tags,
    "articles.Article": articles,
    "articles.Image": images,
    "articles.PreviewLink": preview_links,
    "articles.FlashItem": flash_items,
    "articles.BreakingBanner": breaking_banners,
    "articles.Correction": corrections,
    "articles.Author": authors,
    "articles.LiveBlog": live_blogs,
    "articles.LiveEntry": live_entries,
    "comments.Comment": comments,
    "comments.BlockedWord": blocked_words,
    "comments.BlockedAddress": blocked_addresses,
    "comments.ModerationLogEntry": moderation_log_entries,
    "comments.IllegalContentNotice": illegal_content_notices,
    "comments.StatementOfReasons": statements_of_reasons,
    "comments.Appeal": appeals,
    "django_tasks_database.DBTaskResult": task_results,
}


def own_pages(model_admin) -> list:
    """The model admin's URL patterns beyond the five every model has."""
    prefix = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}_"
    return [
        pattern
        for pattern in model_admin.get_urls()
        if pattern.name and pattern.name.removeprefix(prefix) not in STANDARD_PAGES
    ]


def own_page_url(pattern, obj) -> str | None:
    """The URL of one of the model admin's own pages for obj (None: obj has no such page)."""
    name = f"admin:{pattern.name}"
    if isinstance(pattern.pattern, RegexPattern):
        # django-simple-history's revision page: (object id, revision id), positional.
        assert pattern.name.endswith("_simple_history"), pattern
        if obj is None:
            return None
        return reverse(name, args=[obj.pk, obj.history.order_by("history_id").last().history_id])
    needed = set(pattern.pattern.converters)
    if not needed:
        return reverse(name) if obj is None else None
    if obj is None:
        return None
    values = {"object_id": obj.pk, "id": obj.pk}  # auth's password page says "id"
    if "link_id" in needed:
        link = obj.preview_links.first()
        if link is None:
            return None
        values["link_id"] = link.pk
    unknown = needed - set(values)
    assert not unknown, f"no value to give {unknown} of {pattern.name}: teach own_page_url"
    return reverse(name, kwargs={key: values[key] for key in needed})


def admin_urls(objects: dict) -> list[tuple[str, str, str]]:
    """(model label, page kind, URL) of every page to open."""
    urls = [("site", "index", reverse("admin:index"))]
    urls.append(("site", "password_change", reverse("admin:password_change")))
    for app_label in {model._meta.app_label for model in admin.site._registry}:
        urls.append(("site", "app_list", reverse("admin:app_list", args=[app_label])))
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse(f"{info}_changelist")
        urls += [
            (label, "changelist", changelist),
            (label, "changelist", f"{changelist}?_facets=1"),
            (label, "changelist", f"{changelist}?q=α"),
            (label, "add", reverse(f"{info}_add")),
        ]
        for obj in objects[label]:
            for kind in ["change", "history", "delete"]:
                urls.append((label, kind, reverse(f"{info}_{kind}", args=[obj.pk])))
        for pattern in own_pages(model_admin):
            for obj in [None, *objects[label]]:
                url = own_page_url(pattern, obj)
                if url is not None:
                    urls.append((label, pattern.name, url))
    return urls


@pytest.fixture
def objects():
    registered = {model._meta.label for model in admin.site._registry}
    assert registered == set(BUILDERS), (
        f"models without a builder: {registered - set(BUILDERS)}; "
        f"builders without a model: {set(BUILDERS) - registered}"
    )
    return {label: build() for label, build in BUILDERS.items()}


def test_every_admin_page_of_every_model_answers_without_a_server_error(objects, record_figure):
    roles = {
        "superuser": a_staff_member(None, "root", is_superuser=True),
        "editor": a_staff_member("Editors", "eleni"),
        "moderator": a_staff_member("Moderators", "nikos"),
    }
    urls = admin_urls(objects)
    failures, statuses = [], {}
    for role, user in roles.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for label, kind, url in urls:
            status = client.get(url).status_code
            statuses[role, label, kind, url] = status
            if status >= 500:
                failures.append(f"{role} {url} ({label} {kind}): {status}")

    record_figure("admin pages opened (3 roles)", len(statuses))
    record_figure("5xx", len(failures))
    assert failures == []

    # The walk reached the pages themselves, not only their refusals: each role reads the
    # list, change and history pages of every model it may view.
    readable = {"changelist", "change", "history"}
    for (role, label, kind, url), status in statuses.items():
        app_label, model_name = label.lower().split(".") if "." in label else ("", "")
        if kind in readable and roles[role].has_perm(f"{app_label}.view_{model_name}"):
            assert status == 200, f"{role} {url}: {status}"


@pytest.mark.parametrize("role", ["superuser", "editor"])
def test_the_delete_page_of_an_article_lists_its_preview_links(client, role):
    article = ArticleFactory(headline="Άρθρο με συνδέσμους")
    PreviewLinkFactory(article=article, note="Νομική υπηρεσία")
    PreviewLinkFactory(article=article, note="")
    user = (
        a_staff_member(None, "root", is_superuser=True)
        if role == "superuser"
        else a_staff_member("Editors", "eleni")
    )
    client.force_login(user)
    response = client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    assert response.status_code == 200
    assert "Άρθρο με συνδέσμους (Νομική υπηρεσία)" in response.content.decode()


def test_a_preview_link_reads_as_its_note_or_its_athens_creation_time(settings):
    settings.TIME_ZONE = "Europe/Athens"
    made = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
    noted = PreviewLinkFactory(article__headline="Προσχέδιο", note="Νομική υπηρεσία")
    plain = PreviewLinkFactory(article=noted.article, note="", created_at=made)
    assert str(noted) == "Προσχέδιο (Νομική υπηρεσία)"
    assert str(plain) == "Προσχέδιο (2026-11-25 00:30)"
