"""The EU Digital Services Act for comments: a reader's notice of illegal content becomes a
case with a receipt and a decision by e-mail (Art. 16); every removal or hiding stores a
statement of reasons and mails it to a poster who gave an address (Art. 17); the poster
contests it through a signed link and another moderator decides (Art. 20). Mail goes to
a real SMTP server (the smtp_server fixture) through the job queue."""

from __future__ import annotations

import logging
import re
import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from comments import services
from comments.dsa import cases, statements
from comments.models import (
    Appeal,
    BlockedAddress,
    Comment,
    CommentReport,
    IllegalContentNotice,
    ModerationLogEntry,
    StatementOfReasons,
)
from tests.factories import ArticleFactory, CommentFactory, UserFactory

POSTER = "poster@example.gr"
REPORTER = "reporter@example.gr"
LINK = re.compile(r"https?://\S+")


def make_moderator(username: str):
    """A member of Moderators, the group's rights rebuilt (a transactional test empties the
    tables the migrations filled)."""
    moderators, _created = Group.objects.get_or_create(name="Moderators")
    codenames = [
        "view_comment",
        "change_comment",
        "view_illegalcontentnotice",
        "change_illegalcontentnotice",
        "view_transparency",
        "view_statementofreasons",
        "view_appeal",
        "change_appeal",
    ]
    moderators.permissions.add(
        *Permission.objects.filter(content_type__app_label="comments", codename__in=codenames)
    )
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(moderators)
    return user


def notice_data(**changes) -> dict:
    data = {
        "reason": "illegal",
        "ground": "defamation",
        "explanation": "Κατηγορεί με το όνομά του έναν ιδιώτη για κλοπή χωρίς κανένα στοιχείο.",
        "reporter_name": "Μαρία",
        "reporter_email": REPORTER,
        "good_faith": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def mails_to(smtp_server, address: str) -> list:
    return [m for m in smtp_server.messages if m["To"] == address]


# Notices (Art. 16) ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_page_offers_the_notice_fields_and_links_the_rules(client):
    comment = CommentFactory()
    html = client.get(reverse("comments:report", args=[comment.pk])).content.decode()
    for name in ("ground", "explanation", "reporter_name", "reporter_email", "good_faith"):
        assert f'name="{name}"' in html
    assert 'value="illegal"' in html
    assert "Παράνομο περιεχόμενο" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"explanation": ""}, "explanation", "Εξηγήστε"),
        ({"explanation": "Παράνομο."}, "explanation", "Εξηγήστε"),
        ({"explanation": "α" * 2001}, "explanation", "2000"),
        ({"ground": ""}, "ground", "Επιλέξτε"),
        ({"ground": "nonsense"}, "ground", "Επιλέξτε"),
        ({"good_faith": None}, "good_faith", "καλή πίστη"),
        ({"reporter_email": "not-an-address"}, "reporter_email", "έγκυρη"),
    ],
)
def test_an_incomplete_notice_is_refused_with_a_greek_error_and_stores_nothing(
    client, changes, field, message
):
    comment = CommentFactory()
    response = client.post(reverse("comments:report", args=[comment.pk]), notice_data(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert IllegalContentNotice.objects.count() == 0
    assert CommentReport.objects.count() == 0


@pytest.mark.django_db
def test_other_reasons_still_report_in_one_step_without_the_notice_fields(client):
    comment = CommentFactory()
    response = client.post(reverse("comments:report", args=[comment.pk]), {"reason": "spam"})
    assert response.status_code == 302
    assert comment.reports.get().reason == "spam"
    assert IllegalContentNotice.objects.count() == 0


@pytest.mark.django_db
def test_a_notice_keeps_the_comment_exactly_and_the_same_notice_twice_is_one_case(client):
    comment = CommentFactory(body="Ο γείτονάς μου ο Π. είναι κλέφτης.")
    url = reverse("comments:report", args=[comment.pk])
    first = client.post(url, notice_data())
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-store"
    client.post(url, notice_data())
    notice = IllegalContentNotice.objects.get()
    assert notice.comment == comment
    assert notice.comment_ref == comment.pk
    assert notice.comment_url.endswith(f"{comment.article.get_absolute_url()}#comment-{comment.pk}")
    assert notice.comment_text == "Ο γείτονάς μου ο Π. είναι κλέφτης."
    assert notice.status == "open"
    assert notice.decision == ""
    assert notice.good_faith
    assert notice.reference in first.content.decode()
    assert re.fullmatch(r"N-\d{4}-\d{6}", notice.reference)
    # The notice is also the reader's report (reports hide a comment until reviewed).
    assert comment.reports.get().reason == CommentReport.Reason.ILLEGAL
    assert REPORTER not in first.content.decode()  # the receipt does not echo the address


@pytest.mark.django_db
def test_notices_are_rate_limited_like_reports(client, settings):
    settings.COMMENTS_RATE_PER_MINUTE = 2
    comments = CommentFactory.create_batch(3)
    answers = [
        client.post(reverse("comments:report", args=[c.pk]), notice_data()).status_code
        for c in comments
    ]
    assert answers == [200, 200, 429]
    assert IllegalContentNotice.objects.count() == 2


@pytest.mark.django_db
def test_a_notice_from_another_site_is_refused(client):
    comment = CommentFactory()
    response = client.post(
        reverse("comments:report", args=[comment.pk]),
        notice_data(),
        HTTP_ORIGIN="https://elsewhere.example",
    )
    assert response.status_code == 403
    assert IllegalContentNotice.objects.count() == 0


@pytest.mark.django_db
def test_a_decided_notice_cannot_be_decided_again():
    moderator = make_moderator("eleni")
    comment = CommentFactory()
    notice = cases.file_notice(
        comment=comment,
        ground="hate",
        explanation="Καλεί σε βία εναντίον μιας ομάδας ανθρώπων.",
        good_faith=True,
        ip_hash="a" * 64,
    )
    cases.decide_notice(notice=notice, moderator=moderator, decision="none")
    with pytest.raises(ValidationError):
        cases.decide_notice(notice=notice, moderator=moderator, decision="illegal")
    with pytest.raises(ValidationError):
        cases.decide_notice(
            notice=cases.file_notice(
                comment=CommentFactory(),
                ground="hate",
                explanation="Καλεί σε βία εναντίον μιας ομάδας ανθρώπων.",
                good_faith=True,
                ip_hash="b" * 64,
            ),
            moderator=moderator,
            decision="rules",  # without the rule it breaks
        )
    # The open case comes first in the moderators' list, the decided one after it.
    assert [n.status for n in IllegalContentNotice.objects.all()] == ["open", "decided"]


@pytest.mark.django_db
def test_no_action_on_a_notice_shows_again_a_comment_reports_had_hidden(settings):
    settings.COMMENTS_REPORTS_TO_HIDE = 1
    moderator = make_moderator("eleni")
    comment = CommentFactory()
    notice = cases.file_notice(
        comment=comment,
        ground="privacy",
        explanation="Δημοσιεύει τη διεύθυνση του σπιτιού μου.",
        good_faith=True,
        ip_hash="c" * 64,
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING  # hidden by the report
    cases.decide_notice(notice=notice, moderator=moderator, decision="none")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


# Statements of reasons (Art. 17) -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decide", "decision", "clause", "automated"),
    [
        (
            lambda c, m: services.reject_comment(comment=c, moderator=m, reason="abusive"),
            "rejected",
            2,
            False,
        ),
        (
            lambda c, m: services.reject_comment(comment=c, moderator=m, reason="off_topic"),
            "rejected",
            3,
            False,
        ),
        (lambda c, m: services.mark_spam(comment=c, moderator=m), "spam", 4, False),
        (
            lambda c, m: services.report_comment(comment=c, ip_hash="d" * 64),
            "hidden",
            6,
            True,
        ),
    ],
)
def test_every_removal_or_hiding_stores_a_statement_with_its_ground(
    settings, decide, decision, clause, automated
):
    settings.COMMENTS_REPORTS_TO_HIDE = 1
    moderator = make_moderator("eleni")
    comment = CommentFactory(email=POSTER, rule="first_time")
    decide(comment, moderator)
    statement = StatementOfReasons.objects.get()
    assert statement.comment == comment
    assert statement.decision == decision
    assert statement.rules_clause == clause
    assert statement.legal_ground == ""
    assert statement.automated_decision is automated
    assert statement.decided_by == (None if automated else moderator)
    assert statement.automated_rules.startswith("first_time")
    assert statement.emailed
    assert statement.log_entry == ModerationLogEntry.objects.get(comment=comment)


@pytest.mark.django_db
def test_an_approval_issues_no_statement_and_a_poster_without_email_is_sent_none():
    moderator = make_moderator("eleni")
    services.approve_comment(comment=CommentFactory(status="pending"), moderator=moderator)
    assert StatementOfReasons.objects.count() == 0
    services.reject_comment(comment=CommentFactory(email=""), moderator=moderator, reason="other")
    statement = StatementOfReasons.objects.get()
    assert not statement.emailed
    assert statement.text == ""


@pytest.mark.django_db
def test_a_blocked_poster_is_not_mailed():
    moderator = make_moderator("eleni")
    comment = CommentFactory(email=POSTER)
    services.block_poster(comment=comment, moderator=moderator)
    statement = StatementOfReasons.objects.get()
    assert statement.decision == "spam"
    assert not statement.emailed
    assert BlockedAddress.objects.filter(value=POSTER).exists()


@pytest.mark.django_db
def test_the_appeal_link_expires_after_six_months_and_refuses_a_forged_one(client):
    moderator = make_moderator("eleni")
    services.reject_comment(
        comment=CommentFactory(email=POSTER), moderator=moderator, reason="other"
    )
    statement = StatementOfReasons.objects.get()
    path = statements.appeal_path(statement)
    assert client.get(path).status_code == 200
    forged = reverse(
        "comments:appeal", args=[signing.dumps(statement.pk, salt="comments.form-token")]
    )
    assert client.get(forged).status_code == 404
    # A link signed longer ago than the appeal period.
    real_time = time.time
    try:
        time.time = lambda: real_time() - statements.APPEAL_PERIOD.total_seconds() - 60
        expired_token = signing.dumps(statement.pk, salt=statements.APPEAL_SALT)
    finally:
        time.time = real_time
    expired = client.get(reverse("comments:appeal", args=[expired_token]))
    assert expired.status_code == 410
    assert "no-store" in expired["Cache-Control"]


@pytest.mark.django_db
def test_the_moderator_who_decided_may_not_decide_the_appeal():
    first = make_moderator("eleni")
    second = make_moderator("kostas")
    services.reject_comment(comment=CommentFactory(email=POSTER), moderator=first, reason="other")
    appeal, created = cases.file_appeal(
        statement=StatementOfReasons.objects.get(), explanation="Δεν έγραψα τίποτα προσβλητικό."
    )
    assert created
    with pytest.raises(ValidationError) as refused:
        cases.decide_appeal(appeal=appeal, moderator=first, outcome="reinstated")
    assert refused.value.code == "same_moderator"
    appeal.refresh_from_db()
    assert appeal.status == "open"
    cases.decide_appeal(appeal=appeal, moderator=second, outcome="upheld")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome, appeal.decided_by) == ("decided", "upheld", second)
    with pytest.raises(ValidationError):
        cases.decide_appeal(appeal=appeal, moderator=second, outcome="reinstated")


@pytest.mark.django_db
def test_an_appeal_is_filed_once_and_the_second_form_shows_the_first(client):
    moderator = make_moderator("eleni")
    services.reject_comment(
        comment=CommentFactory(email=POSTER), moderator=moderator, reason="other"
    )
    path = statements.appeal_path(StatementOfReasons.objects.get())
    empty = client.post(path, {"explanation": ""})
    assert empty.status_code == 400
    assert "Γράψτε" in " ".join(empty.context["form"].errors["explanation"])
    sent = client.post(path, {"explanation": "Ήταν κριτική, όχι προσβολή."})
    appeal = Appeal.objects.get()
    assert appeal.reference in sent.content.decode()
    again = client.post(path, {"explanation": "Δεύτερη φορά."})
    assert Appeal.objects.count() == 1
    assert appeal.reference in again.content.decode()


@pytest.mark.django_db
def test_the_admin_refuses_the_same_moderator_on_an_appeal(client):
    first = make_moderator("eleni")
    services.reject_comment(comment=CommentFactory(email=POSTER), moderator=first, reason="other")
    appeal, _created = cases.file_appeal(
        statement=StatementOfReasons.objects.get(), explanation="Δεν ήταν προσβλητικό."
    )
    client.force_login(first)
    url = reverse("admin:comments_appeal_change", args=[appeal.pk])
    response = client.post(url, {"outcome": "reinstated", "decision_note": ""})
    assert response.status_code == 200
    assert "άλλος συντονιστής" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == "open"


@pytest.mark.django_db
def test_statements_are_read_only_in_the_admin(client):
    moderator = make_moderator("eleni")
    services.reject_comment(
        comment=CommentFactory(email=POSTER), moderator=moderator, reason="spam"
    )
    statement = StatementOfReasons.objects.get()
    client.force_login(moderator)
    page = client.get(reverse("admin:comments_statementofreasons_change", args=[statement.pk]))
    assert page.status_code == 200
    assert statement.reference in page.content.decode()
    assert 'name="decision"' not in page.content.decode()
    assert (
        client.post(
            reverse("admin:comments_statementofreasons_change", args=[statement.pk]), {}
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_the_rules_page_numbers_its_clauses_in_greek_and_english(client):
    greek = client.get(reverse("comments:rules")).content.decode()
    assert 'id="clause-1"' in greek
    assert 'id="clause-7"' in greek
    assert "Οι κανόνες σχολίων" in greek
    assert "Νόμιμο περιεχόμενο" in greek
    with translation.override("en"):
        english_url = reverse("comments:rules")
    assert english_url.startswith("/en/")
    english = client.get(english_url).content.decode()
    assert "The comment rules" in english
    assert "Lawful content" in english


@pytest.mark.django_db
def test_the_comment_form_links_the_rules(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{reverse("comments:rules")}"' in html


# The whole journey, with mail ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_notice_receipt_decision_statement_and_appeal_by_email(
    client, smtp_server, run_tasks, settings, caplog
):
    caplog.set_level(logging.DEBUG)
    settings.SITE_URL = "https://nea-agora.example"
    first = make_moderator("eleni")
    second = make_moderator("kostas")
    article = ArticleFactory(headline="Ο νέος δρόμος")
    comment = CommentFactory(
        article=article, email=POSTER, body="Ο δήμαρχος έκλεψε τα λεφτά του δρόμου."
    )

    # A reader sends a notice: a receipt on screen and by e-mail.
    response = client.post(reverse("comments:report", args=[comment.pk]), notice_data())
    notice = IllegalContentNotice.objects.get()
    assert notice.reference in response.content.decode()
    run_tasks()
    [receipt] = mails_to(smtp_server, REPORTER)
    assert notice.reference in receipt["Subject"]
    assert "Ο δήμαρχος έκλεψε τα λεφτά του δρόμου." in text_of(receipt)
    assert notice.comment_url in text_of(receipt)

    # A moderator decides in the admin: removed as illegal.
    client.force_login(first)
    decided = client.post(
        reverse("admin:comments_illegalcontentnotice_change", args=[notice.pk]),
        {"decision": "illegal", "rules_reason": "", "decision_note": ""},
    )
    assert decided.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.decision, notice.decided_by) == ("decided", "illegal", first)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    run_tasks()
    [_receipt, decision] = mails_to(smtp_server, REPORTER)
    assert notice.reference in decision["Subject"]
    assert str(notice.get_decision_display()) in text_of(decision)

    # The poster receives the statement of reasons, with the legal ground and the link.
    statement = StatementOfReasons.objects.get()
    assert statement.legal_ground == "defamation"
    assert statement.notice == notice
    [statement_mail] = mails_to(smtp_server, POSTER)
    body = text_of(statement_mail)
    assert statement.reference in statement_mail["Subject"]
    assert "Ο δήμαρχος έκλεψε τα λεφτά του δρόμου." in body
    assert "Δυσφήμιση" in body
    assert statement.text.split("\n", 1)[1].split() == body.split()  # stored as sent
    appeal_url = next(url for url in LINK.findall(body) if "/comments/appeal/" in url)
    assert appeal_url.startswith("https://nea-agora.example/comments/appeal/")

    # The poster contests it through the link.
    client.logout()
    path = appeal_url.removeprefix("https://nea-agora.example")
    assert client.get(path).status_code == 200
    client.post(path, {"explanation": "Είναι γνώμη για δημόσιο πρόσωπο, όχι συκοφαντία."})
    appeal = Appeal.objects.get()

    # The first moderator may not decide it; the second reinstates the comment.
    client.force_login(first)
    url = reverse("admin:comments_appeal_change", args=[appeal.pk])
    assert client.post(url, {"outcome": "reinstated"}).status_code == 200
    client.force_login(second)
    assert client.post(url, {"outcome": "reinstated", "decision_note": ""}).status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    run_tasks()
    outcome = mails_to(smtp_server, POSTER)[-1]
    assert appeal.reference in outcome["Subject"]
    assert "https://nea-agora.example" + comment.get_absolute_url() in text_of(outcome)

    # No address in our logs (the test SMTP server's own log, "mail.*", names them).
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))
    assert "notice N-" in ours
    assert POSTER not in ours
    assert REPORTER not in ours

    # The reinstated comment is on the article page for an anonymous reader.
    client.logout()
    assert (
        "Ο δήμαρχος έκλεψε τα λεφτά του δρόμου."
        in client.get(article.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_a_refusing_mail_server_loses_no_decision(client, smtp_server, run_tasks):
    moderator = make_moderator("eleni")
    comment = CommentFactory(email=POSTER)
    smtp_server.refuse = True
    services.reject_comment(comment=comment, moderator=moderator, reason="abusive")
    run_tasks()
    assert smtp_server.messages == []
    assert StatementOfReasons.objects.get().emailed
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED


@pytest.mark.django_db
def test_the_admin_home_counts_open_notices_and_appeals_for_moderators(client):
    moderator = make_moderator("eleni")
    comment = CommentFactory(email=POSTER)
    cases.file_notice(
        comment=comment,
        ground="hate",
        explanation="Καλεί σε βία εναντίον μιας ομάδας ανθρώπων.",
        good_faith=True,
        ip_hash="a" * 64,
    )
    services.reject_comment(
        comment=CommentFactory(email=POSTER), moderator=moderator, reason="other"
    )
    cases.file_appeal(statement=StatementOfReasons.objects.get(), explanation="Όχι.")
    client.force_login(moderator)
    html = client.get(reverse("admin:index")).content.decode()
    assert "1 ανοιχτή καταγγελία παράνομου περιεχομένου" in html
    assert "1 ανοιχτή ένσταση" in html
    assert reverse("admin:comments_transparency") in html
    client.force_login(UserFactory(username="editor-only", is_staff=True))
    assert "καταγγελία" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_a_decided_case_is_read_only_in_the_admin(client):
    first, second = make_moderator("eleni"), make_moderator("kostas")
    notice = cases.file_notice(
        comment=CommentFactory(email=POSTER),
        ground="hate",
        explanation="Καλεί σε βία εναντίον μιας ομάδας ανθρώπων.",
        good_faith=True,
        ip_hash="a" * 64,
    )
    cases.decide_notice(notice=notice, moderator=first, decision="illegal")
    appeal, _created = cases.file_appeal(
        statement=StatementOfReasons.objects.get(), explanation="Δεν ήταν παράνομο."
    )
    cases.decide_appeal(appeal=appeal, moderator=second, outcome="upheld")
    client.force_login(second)
    for url in [
        reverse("admin:comments_illegalcontentnotice_change", args=[notice.pk]),
        reverse("admin:comments_appeal_change", args=[appeal.pk]),
    ]:
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert client.post(url, {"decision": "none", "outcome": "reinstated"}).status_code == 403
    notice.refresh_from_db()
    appeal.refresh_from_db()
    assert notice.decision == "illegal"
    assert appeal.outcome == "upheld"


@pytest.mark.django_db
def test_the_rules_page_is_cached_for_everyone_and_the_appeal_page_never(client, page_cache):
    rules_page = client.get(reverse("comments:rules"))
    assert re.fullmatch(r"public, max-age=\d+, s-maxage=1", rules_page["Cache-Control"])
    moderator = make_moderator("eleni")
    services.reject_comment(
        comment=CommentFactory(email=POSTER), moderator=moderator, reason="other"
    )
    appeal_page = client.get(statements.appeal_path(StatementOfReasons.objects.get()))
    assert "no-store" in appeal_page["Cache-Control"]
    assert "private" in appeal_page["Cache-Control"]
