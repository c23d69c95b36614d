"""bandit and our semgrep rules find nothing in the project, and do find planted mistakes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PROJECT_CODE = ["articles", "comments", "newsportal"]
RULES = ROOT / ".semgrep" / "rules.yml"

PLANTED_PYTHON = """
from django.db import connection
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def view(request, name):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM articles_article WHERE headline = '{name}'")
        cursor.execute("SELECT %s" % name)
    html = mark_safe(request.GET["comment"])
    nxt = request.GET.get("next")
    if nxt:
        return redirect(nxt)
    return HttpResponseRedirect(request.GET["next"])
"""
PLANTED_TEMPLATE = """
<p>{{ comment.body|safe }}</p>
{% autoescape off %}{{ comment.name }}{% endautoescape %}
<div>{{ article.body_html|safe }}</div>
"""


def semgrep(*targets) -> list[dict]:
    result = subprocess.run(
        [
            str(BIN / "semgrep"), "scan", "--config", str(RULES), "--json", "--metrics=off",
            "--disable-version-check", "--quiet", *map(str, targets),
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return json.loads(result.stdout)["results"]


def bandit(*targets) -> list[dict]:
    result = subprocess.run(
        [str(BIN / "bandit"), "-r", "-f", "json", "-q", "--severity-level", "medium",
         *map(str, targets)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return json.loads(result.stdout)["results"]


def describe(findings, key_path, key_line, key_id):
    return [f"{f[key_path]}:{f[key_line]} {f[key_id]}" for f in findings]


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted")
    (folder / "bad_views.py").write_text(PLANTED_PYTHON)
    (folder / "bad_template.html").write_text(PLANTED_TEMPLATE)
    return folder


def test_semgrep_finds_nothing_in_the_project(record_figure):
    findings = semgrep(*PROJECT_CODE, "templates")
    record_figure("semgrep findings in the project", len(findings))
    assert describe(findings, "path", "start", "check_id") == []


def test_semgrep_rules_catch_every_planted_mistake(planted, record_figure):
    rules = {f["check_id"].rsplit(".", 1)[-1] for f in semgrep(planted)}
    record_figure("semgrep rules firing on planted mistakes", f"{len(rules)} of 6")
    assert rules == {
        "raw-sql-built-from-strings",
        "mark-safe-on-computed-text",
        "safe-filter-outside-sanitised-fields",
        "autoescape-off",
        "redirect-to-request-data",
        "csrf-exempt",
    }


def test_semgrep_allows_the_sanitised_body_field(planted):
    lines = {f["start"]["line"] for f in semgrep(planted / "bad_template.html")}
    assert 4 not in lines  # {{ article.body_html|safe }}


def test_bandit_finds_nothing_of_medium_severity_or_above(record_figure):
    findings = bandit(*PROJECT_CODE)
    record_figure("bandit findings (medium and up)", len(findings))
    assert describe(findings, "filename", "line_number", "test_id") == []


def test_bandit_catches_planted_sql_injection(planted):
    assert {f["test_id"] for f in bandit(planted)} >= {"B608"}
