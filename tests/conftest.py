import os
from pathlib import Path

import pytest


def pytest_configure(config):
    """STATIC_ROOT exists, empty unless collectstatic filled it: whitenoise indexes it each
    time a test client builds the middleware and warned "No directory at var/static"
    hundreds of times per run when it was missing (tests never need collected files)."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def clean_cache(settings):
    """Every test starts with an empty cache and without the whole-page cache.

    Ordinary tests roll back instead of committing, so on-commit invalidation never runs
    and a page cached early in a test would hide later changes. Tests about caching ask
    for the `page_cache` fixture (and commit or run on-commit callbacks themselves).
    """
    from django.core.cache import cache

    from newsportal.caching.memory import forget_everything
    from newsportal.caching.scopes import forget_local_changes

    cache.clear()
    forget_everything()
    forget_local_changes()
    settings.PAGE_CACHE_SECONDS = 0
    yield
    cache.clear()
    forget_everything()
    forget_local_changes()


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    return settings


@pytest.fixture(autouse=True)
def greek_by_default():
    """Each test starts in the site's default language, whatever an earlier test activated."""
    from django.utils import translation

    translation.activate("el")
    yield
    translation.deactivate()


# Figures that tests measure (counts of findings, throughput under faults...), printed in a
# section of their own at the end of the run so `make test` shows them. They travel in the
# test's report (user_properties), so that they reach the terminal from xdist's workers too.
_FIGURES: list[tuple[str, str]] = []
FIGURE = "figure"


@pytest.fixture
def record_figure(request):
    def record(name: str, value) -> None:
        label = f"{request.node.nodeid.split('::')[0]}: {name}"
        request.node.user_properties.append((FIGURE, (label, str(value))))

    return record


def pytest_runtest_logreport(report):
    if report.when == "teardown":
        _FIGURES.extend(tuple(value) for key, value in report.user_properties if key == FIGURE)


def pytest_terminal_summary(terminalreporter):
    if not _FIGURES:
        return
    terminalreporter.section("figures measured by the tests")
    width = max(len(name) for name, _ in _FIGURES)
    # Grouped by test file (workers finish in any order), in the order each file recorded them.
    for name, value in sorted(_FIGURES, key=lambda figure: figure[0].split(": ")[0]):
        terminalreporter.write_line(f"{name.ljust(width)}  {value}")


@pytest.fixture
def run_tasks():
    """Runs the job queue's ready tasks the way `manage.py db_worker` does, then returns
    how many ran (their rows stay, with their status)."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    def run() -> int:
        before = DBTaskResult.objects.finished().count()
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
        return DBTaskResult.objects.finished().count() - before

    return run


class ReceivedMail:
    """An aiosmtpd handler that keeps every message it accepts, parsed."""

    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        if self.refuse:
            return "451 Try again later"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free 127.0.0.1 port, with Django's SMTP backend pointed at
    it. `.messages` holds what it received; `.refuse = True` makes it answer 451."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = ReceivedMail()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def seaweed_store():
    """A private SeaweedFS (cluster/seaweed.py) on free ports, data under var/, for the
    session's tests of media on an object store; stopped at the end."""
    import shutil

    from cluster.seaweed import SeaweedS3, stop_leftover

    root = Path(__file__).resolve().parents[1] / "var" / f"seaweed-tests-{os.getpid()}"
    for leftover in root.parent.glob("seaweed-tests-*"):
        if not Path(f"/proc/{leftover.name.rsplit('-', 1)[1]}").exists():  # its run is over
            stop_leftover(leftover)
            shutil.rmtree(leftover, ignore_errors=True)
    store = SeaweedS3(root)
    store.start()
    yield store
    store.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def media_on_seaweed(settings, seaweed_store):
    """Django's default storage on the SeaweedFS store, as MEDIA_STORAGE=s3 sets it, with
    short waits (a stopped store fails an upload in about a second)."""
    from newsportal import media_store

    env = {**seaweed_store.django_env(), "AWS_S3_READ_TIMEOUT": "5", "AWS_S3_MAX_ATTEMPTS": "1"}
    for name, value in media_store.object_store_settings(env).items():
        setattr(settings, name, value)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": media_store.BACKEND}}
    return seaweed_store
