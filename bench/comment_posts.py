"""The comment-POST benchmark: a wrk script that sends valid, distinct comment forms.

Every request carries its own signed form token (a one-time number, so none is a double
submit), a CSRF cookie with its matching form field, and a distinct text. Tokens are made
before the run and are older than the minimum fill time when the run starts.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "newsportal-bench-post"
# More forms than even a fast run can send, so no token is ever used twice.
FORMS_PER_SECOND = 2_500


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def prepare_comment_posts(server, marks: dict, out: Path, seconds: int = 5):
    article_url = marks["articles"]["fifty"]
    article_id = int(re.search(r"/articles/(\d+)/", article_url).group(1))
    count = FORMS_PER_SECOND * seconds
    issued_at = time.monotonic()
    made = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "-m", "bench.issue_tokens", str(count), str(article_id)],
        cwd=ROOT, env=server.env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    form_tokens = made.stdout.split()
    secret = secrets.token_hex(16)  # a 32-character CSRF secret, also sent as the form field
    bodies = []
    for index, token in enumerate(form_tokens):
        fields = {
            "name": f"Αναγνώστης {index}",
            "email": "",
            "body": f"Σχόλιο φόρτου αριθμός {index}: η ανάλυση είναι χρήσιμη.",
            "parent": "",
            "token": token,
            "website": "",
            "csrfmiddlewaretoken": secret,
        }
        bodies.append(urlencode(fields))
    script = out / "comment-post.lua"
    script.write_text(
        "local bodies = {\n"
        + ",\n".join(_lua_string(body) for body in bodies)
        + "\n}\n"
        + f'local path = "/comments/post/{article_id}/"\n'
        + "local threads = 0\n"
        + "function setup(thread) thread:set('tid', threads); threads = threads + 1 end\n"
        + "local n = 0\n"
        + "function request()\n"
        + "  local index = (tid or 0) + 2 * n\n"
        + "  n = n + 1\n"
        + "  local body = bodies[(index % #bodies) + 1]\n"
        + "  return wrk.format('POST', path, {\n"
        + "    ['Content-Type'] = 'application/x-www-form-urlencoded',\n"
        + f"    ['Cookie'] = 'csrftoken={secret}',\n"
        + f"    ['User-Agent'] = '{USER_AGENT}',\n"
        + "  }, body)\n"
        + "end\n",
        encoding="utf-8",
    )
    # The forms must be older than the minimum fill time (3 s) before the first one is sent.
    time.sleep(max(0.0, 3.5 - (time.monotonic() - issued_at)))

    def count_stored() -> int:
        connection = psycopg2.connect(server.env["DATABASE_URL"])
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM comments_comment WHERE user_agent = %s", [USER_AGENT]
                )
                return cursor.fetchone()[0]
        finally:
            connection.close()

    return script, count_stored
