"""`make run`'s first start: seeding the demo says one line, not one per demo comment."""

import io
import logging

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seeding_keeps_the_services_info_lines_to_itself(settings, caplog):
    settings.DEBUG = True
    levels = {name: logging.getLogger(name).level for name in ("articles", "comments")}
    out = io.StringIO()
    with caplog.at_level(logging.INFO):
        call_command("seed_demo", stdout=out)
    ours = [r for r in caplog.records if r.name.startswith(("articles", "comments"))]
    assert [r.getMessage() for r in ours if r.levelno < logging.WARNING] == []
    assert out.getvalue().count("\n") == 1
    assert out.getvalue().startswith("Demo content ready (")
    # The loggers are as they were for whatever runs next in the process.
    assert {name: logging.getLogger(name).level for name in levels} == levels
