"""The admin speaks Greek to editors and moderators, every word of it.

An editor and a moderator log in to a newsroom with content of every kind and walk every
admin page they can reach by following links (index, each list with its filters open,
counts shown and every row selected, add and change forms with the date and time pop-ups
and the autocomplete lists open, delete and history pages, revisions, preview links),
then log out. Every page must have no English word of the interface (see
english_words.py), the portal's name in its header, and the Greek JavaScript catalogs,
Django's and ours, ready for the scripts. The browser's clock is in UTC, two hours behind
Athens in winter, so the forms also show the time-zone note.
"""

import hashlib
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import expect

from articles import locks, preview
from articles.models import Article, CommentModeration, FlashItem, ReadCount
from comments import services as comment_services
from comments.dsa import cases as dsa_cases
from comments.models import BlockedAddress, Comment, ModerationLogEntry, StatementOfReasons
from tests.browser.admin_session import PASSWORD, rebuild_role_groups
from tests.browser.conftest import DESKTOP
from tests.browser.english_words import COLLECT_TEXT, english_words, latin_words
from tests.factories import (
    ArticleFactory,
    BlockedAddressFactory,
    BlockedWordFactory,
    BreakingBannerFactory,
    CategoryFactory,
    CommentFactory,
    CommentReportFactory,
    CorrectionFactory,
    FlashItemFactory,
    ImageFactory,
    TagFactory,
    UserFactory,
)

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64)"

# Pages that are not the admin's interface, or not pages: the reader's article page shown
# as a preview, the way out, the catalogs and endpoints the scripts call.
NOT_PAGES = {"logout", "jsi18n", "view_on_site", "autocomplete", "comments_transparency_csv"}
NOT_PAGES_SUFFIXES = ("_preview", "_heartbeat", "_take_over", "_revoke_preview_link")
# How many pages of one kind (one URL name) to read: two rows' change pages differ
# (a published and a draft article, a held and a reported comment...).
VISITS_PER_KIND = 2


def newsroom() -> dict:
    """Users of both roles and content of every kind the admin lists, all in Greek."""
    rebuild_role_groups()
    editor = UserFactory(username="eleni", first_name="Ελένη", last_name="Μαργαρίτη")
    colleague = UserFactory(username="maria", first_name="Μαρία", last_name="Παππά")
    moderator = UserFactory(username="nikos", first_name="Νίκος", last_name="Σταθόπουλος")
    for user, group in [(editor, "Editors"), (colleague, "Editors"), (moderator, "Moderators")]:
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=group))

    economy = CategoryFactory(name="Οικονομία", description="Η ελληνική οικονομία.")
    CategoryFactory(name="Πολιτική", description="")
    picture = ImageFactory(
        caption="Το λιμάνι του Πειραιά", alt_text="Γερανοί στο λιμάνι", uploaded_by=editor
    )
    now = timezone.now()
    published = ArticleFactory(
        headline="Νέο πρόγραμμα για τα λιμάνια",
        category=economy,
        hero_image=picture,
        hero_caption="Το λιμάνι το πρωί",
        author=editor,
        tags=[TagFactory(name="Ουκρανία"), TagFactory(name="Ζελένσκι")],
        is_featured=True,
        comment_moderation=CommentModeration.POST,
    )
    ArticleFactory(
        headline="Προσχέδιο για τον προϋπολογισμό",
        category=economy,
        status=Article.Status.DRAFT,
        published_at=None,
        author=colleague,
    )
    scheduled = ArticleFactory(
        headline="Αύριο οι ανακοινώσεις", published_at=now + timedelta(days=1)
    )
    ArticleFactory(headline="Αποσύρθηκε", status=Article.Status.UNPUBLISHED)
    CorrectionFactory(article=published, created_by=editor)
    preview.create_preview_link(article=scheduled, created_by=editor, note="Νομική υπηρεσία")
    preview.create_preview_link(article=scheduled, created_by=editor)
    locks.acquire_lock(article=scheduled, user=colleague)  # "Μαρία is editing it"
    # Today's most read, with its chart, on the editors' home.
    ReadCount.objects.create(article=published, day=timezone.localdate(), count=57)
    FlashItemFactory(text="Σεισμός 4,1 Ρίχτερ στην Κρήτη")
    BreakingBannerFactory(text="ΕΚΤΑΚΤΟ: διακοπή ρεύματος στο κέντρο της Αθήνας", created_by=editor)
    FlashItemFactory(
        text="Πρόχειρη σύντομη είδηση",
        status=FlashItem.Status.DRAFT,
        published_at=None,
        link="https://example.com/deltio",
    )

    approved = CommentFactory(
        article=published,
        name="Γιώργος",
        email="giorgos@example.com",
        report_count=2,
        user_agent=USER_AGENT,
    )
    CommentReportFactory(comment=approved)
    CommentReportFactory(comment=approved, reason="spam")
    CommentFactory(article=published, parent=approved, name="Άννα", user_agent=USER_AGENT)
    CommentFactory(
        article=published,
        name="Κώστας",
        status=Comment.Status.PENDING,
        rule="first_time;links:3;blocked_word:βλάκας",
        user_agent=USER_AGENT,
    )
    rejected = CommentFactory(
        article=published, name="Πέτρος", status=Comment.Status.PENDING, user_agent=USER_AGENT
    )
    comment_services.reject_comment(
        comment=rejected,
        moderator=moderator,
        reason=ModerationLogEntry.Reason.ABUSIVE,
        note="Προσβλητικό",
    )
    # An open notice of illegal content, and an appeal against the rejection's statement.
    dsa_cases.file_notice(
        comment=approved,
        ground="defamation",
        explanation="Αποδίδει σε πρόσωπο αδίκημα χωρίς κανένα στοιχείο.",
        reporter_name="Μαρία",
        reporter_email="maria@example.com",
        good_faith=True,
        ip_hash="c" * 64,
    )
    dsa_cases.file_appeal(
        statement=StatementOfReasons.objects.get(decision="rejected"),
        explanation="Δεν ήταν προσβλητικό.",
    )
    BlockedWordFactory(phrase="βλάκας")
    BlockedAddressFactory(
        kind=BlockedAddress.Kind.IP,
        value=hashlib.sha256(b"203.0.113.7").hexdigest(),
        note="Μαζικά μηνύματα",
    )
    BlockedAddressFactory(value="spam@example.com", note="")
    return {"editor": editor, "moderator": moderator}


def content_words() -> set[str]:
    """The Latin words of what people typed or the site derived from it (slugs, usernames,
    user agents): user content, not interface. Left out: tables of interface data
    (permissions' English names, content types), fields with choices (their stored codes
    are English words the interface translates), and codes the admin puts into words (the
    rules that held a comment, the admin's change messages)."""
    skipped = {"auth.Permission", "contenttypes.ContentType", "sessions.Session"}
    codes = {"rule", "change_message"}
    words = set()
    for model in apps.get_models():
        if model._meta.label in skipped:
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.FileField)
            and not field.choices
            and field.name not in codes
        ]
        for row in model.objects.values_list(*fields) if fields else []:
            for value in row:
                if isinstance(value, str):
                    words.update(word.lower() for word in latin_words(value))
    return words


class AdminWalk:
    """Reads the admin pages a user reaches, noting every English word and missing catalog."""

    def __init__(self, page, live_server, words: set[str]):
        self.page = page
        self.base = live_server.url
        self.words = words
        self.findings: list[tuple[str, str, str, str]] = []
        self.pages = 0
        self.visits = Counter()
        self.refused: list[tuple[str, str]] = []

    def check(self, label: str, *, signed_in: bool = True) -> None:
        self.pages += 1
        texts = self.page.evaluate(COLLECT_TEXT)
        for word, where, text in english_words(texts, self.words):
            self.findings.append((label, word, where, text))
        popup = self.page.locator("body.popup").count() > 0  # a small window, no header
        header = "" if popup else self.page.locator("#site-name").inner_text().strip()
        if not popup and header != settings.SITE_NAME:
            self.findings.append((label, "(header)", "#site-name", header))
        if signed_in:
            catalogs = self.page.evaluate(
                """() => typeof gettext === "function"
                     ? [gettext("Today"), gettext("Insert Figure")] : null"""
            )
            if catalogs != ["Σήμερα", "Εισαγωγή εικόνας"]:
                self.findings.append((label, "(catalog)", "window.gettext", str(catalogs)))

    def admin_links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        found = []
        for href in hrefs:
            parts = urlsplit(href)
            if href.startswith(self.base) and parts.path.startswith("/admin/"):
                found.append(parts.path)
        return found

    def kind_of(self, path: str) -> str | None:
        try:
            name = resolve(path).url_name
        except Resolver404:
            return None
        if name is None or name in NOT_PAGES or name.endswith(NOT_PAGES_SUFFIXES):
            return None
        return name

    def walk(self, start: str) -> None:
        queue, seen = [(start, None)], set()
        while queue:
            path, linked_from = queue.pop(0)
            kind = self.kind_of(path)
            if path in seen or kind is None or self.visits[kind] >= VISITS_PER_KIND:
                continue
            seen.add(path)
            response = self.page.goto(self.base + path)
            if response.status == 403:
                self.refused.append((path, linked_from))  # a link to another role's page
                continue
            assert response.status == 200, f"{path} (linked from {linked_from}): {response.status}"
            self.visits[kind] += 1
            self.read(path, kind)
            queue += [(link, path) for link in self.admin_links()]

    def read(self, path: str, kind: str) -> None:
        self.check(path)
        if kind.endswith("_changelist"):
            self.read_list(path)
        elif kind.endswith(("_add", "_change")):
            self.read_form(path)

    def read_list(self, path: str) -> None:
        page = self.page
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        toggle = page.locator("#action-toggle")
        if toggle.count() and toggle.is_enabled():
            toggle.check()  # "Select all N ..." and the action bar's counter
            self.check(f"{path} (all selected)")
            toggle.uncheck()
        else:
            self.check(f"{path} (filters open)")
        counts = page.locator("#changelist-filter a[href*='_facets']")
        if counts.count():
            counts.first.click()
            page.wait_for_load_state()
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            self.check(f"{path} (with counts)")

    def read_form(self, path: str) -> None:
        page = self.page
        for link in page.locator("a[id^=calendarlink], a[id^=clocklink]").all():
            number = link.get_attribute("id").removeprefix("calendarlink").removeprefix("clocklink")
            box = "calendarbox" if "calendar" in link.get_attribute("id") else "clockbox"
            link.click()
            expect(page.locator(f"#{box}{number}")).to_be_visible()
            self.check(f"{path} ({box} open)")
            page.keyboard.press("Escape")
            expect(page.locator(f"#{box}{number}")).to_be_hidden()
        for selection in page.locator(".select2-selection").all():
            selection.click()
            expect(page.locator(".select2-results__option").first).to_be_visible()
            page.wait_for_load_state("networkidle")
            self.check(f"{path} (autocomplete open)")
            page.keyboard.press("Escape")


def report(findings) -> str:
    """One line per English text: its words, where it is and on how many pages."""
    texts: dict[tuple[str, str], dict] = {}
    for label, word, where, text in findings:
        seen = texts.setdefault((text, where), {"words": [], "pages": set()})
        if word not in seen["words"]:
            seen["words"].append(word)
        seen["pages"].add(label)
    lines = [f"{len(findings)} English word(s) of the interface in {len(texts)} text(s):"]
    for (text, where), seen in texts.items():
        first = sorted(seen["pages"])[0]
        lines.append(
            f"  {text!r} [{where}] {' '.join(seen['words'])!r}"
            f" on {len(seen['pages'])} page(s), e.g. {first}"
        )
    return "\n".join(lines)


def sign_in(page, live_server, username: str, walk: AdminWalk) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    walk.check("/admin/login/", signed_in=False)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_every_admin_page_an_editor_or_a_moderator_opens_is_in_greek(
    live_server, browser, role, record_figure
):
    user = newsroom()[role]
    context = browser.new_context(viewport=DESKTOP, locale="el-GR", timezone_id="UTC")
    page = context.new_page()
    page.set_default_timeout(10_000)
    walk = AdminWalk(page, live_server, content_words())
    try:
        sign_in(page, live_server, user.username, walk)
        walk.walk("/admin/")
        if role == "editor":
            walk.walk("/admin/articles/image/picker/")  # opened by the body editor
        page.goto(f"{live_server.url}/admin/")
        page.locator("#logout-form [type=submit]").click()
        page.wait_for_load_state()
        walk.check("logged out", signed_in=False)
    finally:
        context.close()

    record_figure(f"{role}: admin pages and pop-ups read", walk.pages)
    record_figure(f"{role}: English words", len(walk.findings))
    # Django links a read-only foreign key to its admin page whatever the reader's rights
    # (the uploader of an image, the moderator of a log entry): counted, not followed.
    record_figure(f"{role}: links to pages the role may not open", len(walk.refused))
    expected = {
        "editor": ["articles_article_change", "articles_image_change", "articles_flashitem_add",
                   "articles_previewlink_changelist", "articles_article_simple_history",
                   "articles_article_preview_links", "articles_article_history",
                   "articles_tag_delete", "articles_breakingbanner_change",
                   "articles_correction_change", "password_change"],
        "moderator": ["comments_comment_changelist", "comments_comment_change",
                      "comments_blockedword_add", "comments_blockedaddress_change",
                      "comments_moderationlogentry_change", "comments_comment_history"],
    }[role]  # fmt: skip
    assert [kind for kind in expected if not walk.visits[kind]] == []
    assert walk.findings == [], report(walk.findings)


def test_the_detector_finds_interface_words_and_leaves_content_alone():
    texts = [
        ("Σήμερα | Today", "a"),
        ("Σημείωση: You are 2 hours behind server time.", "div.timezonewarning"),
        ("Τροφοδοσία RSS στο https://example.com/rss/ ή γράψτε στο info@example.com", "p"),
        ("Όλες οι ώρες είναι ώρα Αθήνας (Europe/Athens).", "p"),
        ("Άρθρο του eleni: oikonomia-2026, 3.200 λέξεις", "td"),
        ("Πιάνει και το «βλaκaς» με λατινικό a.", "div.help"),
        ("Show counts", "a"),
    ]
    found = english_words(texts, content_words={"eleni", "oikonomia"})
    assert [word for word, _where, _text in found] == [
        "Today", "You", "are", "hours", "behind", "server", "time", "Show", "counts",
    ]  # fmt: skip
