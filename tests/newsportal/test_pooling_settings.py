"""Behind pgbouncer in transaction mode, DATABASE_DISABLE_SERVER_SIDE_CURSORS turns Django's
server-side cursors off on the primary and on every replica (settings are read once per
process, so each case is a process of its own)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({alias: d['DISABLE_SERVER_SIDE_CURSORS'] "
    "for alias, d in settings.DATABASES.items()}))"
)


def cursors_setting(**env) -> dict:
    environ = {**os.environ, "DATABASE_URL": "postgres://news@10.0.0.2/news", **env}
    environ["DJANGO_SETTINGS_MODULE"] = "newsportal.settings"
    result = subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=environ, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("value", "expected"), [("", False), ("1", True), ("0", False)])
def test_server_side_cursors_follow_the_pooling_setting(value, expected):
    found = cursors_setting(
        DATABASE_DISABLE_SERVER_SIDE_CURSORS=value,
        DATABASE_REPLICA_URLS="postgres://news@10.0.0.3/news,postgres://news@10.0.0.4/news",
    )
    assert found == {"default": expected, "replica1": expected, "replica2": expected}
