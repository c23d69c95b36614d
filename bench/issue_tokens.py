"""Signed comment-form tokens for the benchmark's POSTs: `python -m bench.issue_tokens N ID`.

Runs with the benchmark server's environment (same SECRET_KEY); prints one token a line.
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
django.setup()

from comments import tokens  # noqa: E402

count, article_id = int(sys.argv[1]), int(sys.argv[2])
sys.stdout.write("\n".join(tokens.issue(article_id) for _ in range(count)) + "\n")
