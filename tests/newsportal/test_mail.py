"""Mail leaves through the job queue to a real SMTP server, survives a refusing server,
and never logs an address."""

import copy
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from newsportal import mail

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "αναγνώστρια@example.gr".replace("αναγνώστρια", "anagnostria")


@pytest.fixture(autouse=True)
def test_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    settings.TEMPLATES = templates


def our_log(caplog) -> str:
    """What the portal logged (the test SMTP server's own log names addresses)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))


def queue_greeting():
    mail.send_later(
        to=ADDRESS,
        template="mail_test/greeting",
        context={"name": "Ελένη", "body": "Συμφωνώ", "link": mail.absolute_url("/x/")},
        headers={"List-Unsubscribe": f"<{mail.absolute_url('/mute/')}>"},
    )


def test_a_queued_mail_arrives_with_its_greek_subject_body_and_headers(
    smtp_server, run_tasks, settings
):
    settings.SITE_URL = "https://nea-agora.example"
    queue_greeting()
    assert smtp_server.messages == []  # nothing leaves before the worker runs

    assert run_tasks() == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "Καλημέρα, Ελένη: δοκιμή"
    assert message["To"] == ADDRESS
    assert message["List-Unsubscribe"] == "<https://nea-agora.example/mute/>"
    body = message.get_body(("plain",))
    assert body.get_content_charset() == "utf-8"
    assert "Το σχόλιό σας «Συμφωνώ» δημοσιεύτηκε." in body.get_content()
    assert "https://nea-agora.example/x/" in body.get_content()


def test_a_mail_queued_by_a_change_that_rolls_back_is_never_sent(smtp_server, run_tasks):
    class Abandoned(Exception):
        pass

    def change_that_fails():
        with transaction.atomic():
            queue_greeting()
            raise Abandoned

    with pytest.raises(Abandoned):
        change_that_fails()
    assert run_tasks() == 0
    assert smtp_server.messages == []


def test_a_refusing_server_costs_a_retry_later_not_the_mail(
    smtp_server, run_tasks, settings, caplog, time_machine
):
    settings.EMAIL_RETRY_DELAYS = [60, 300]
    smtp_server.refuse = True
    queue_greeting()
    with caplog.at_level(logging.WARNING, logger="newsportal.mail"):
        assert run_tasks() == 1  # the attempt ran, and queued the next one a minute later
    assert smtp_server.messages == []
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after > waiting.enqueued_at

    smtp_server.refuse = False
    time_machine.move_to(waiting.run_after + timedelta(seconds=1))
    assert run_tasks() == 1
    assert len(smtp_server.messages) == 1
    assert ADDRESS not in our_log(caplog)
    assert mail.recipient_tag(ADDRESS) in our_log(caplog)


def test_the_last_failure_is_recorded_without_the_address(smtp_server, run_tasks, settings, caplog):
    settings.EMAIL_RETRY_DELAYS = []
    smtp_server.refuse = True
    queue_greeting()
    with caplog.at_level(logging.INFO):
        run_tasks()
    failed = DBTaskResult.objects.failed().get()
    assert failed.exception_class_path.endswith("MailNotDelivered")
    assert ADDRESS not in failed.traceback
    assert ADDRESS not in our_log(caplog)


def test_the_deploy_checks_say_when_no_mail_server_is_configured(settings):
    from newsportal.checks import check_mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    assert [message.id for message in check_mail(None)] == ["newsportal.I001"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert check_mail(None) == []


def test_plain_text_mail_is_not_html_escaped():
    subject, body = mail.render(
        "mail_test/greeting", {"name": "Ελένη & Νίκος", "body": '<3 "καλό"', "link": "x"}
    )
    assert subject == "Καλημέρα, Ελένη & Νίκος: δοκιμή"
    assert '«<3 "καλό"»' in body
