"""A cold article render measured in-process: ``python -m bench.cold_render PATH N``.

Before each request the article's scope moves (what an edit of that article does), so
every request renders the page again from its parts: the comments section, the page's
furniture and the feed are still kept, the article's text, head, tags and the stored
response are not. Requests go through the whole middleware stack with Django's test
client, timed with perf_counter; the median of N after a few unmeasured ones. Run with
the bench server's environment (its database, Redis and key prefix). Prints JSON.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
# Every request must render: no "rendered a moment ago, serve it as it is" (production's
# PAGE_RENEW_SECONDS, when an operator sets it, would answer the stored page).
os.environ["PAGE_RENEW_SECONDS"] = "0"
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from newsportal.caching import scopes  # noqa: E402

WARM_UP = 5


def measure(path: str, count: int, *, cold: bool = True) -> dict:
    pk = int(re.search(r"/articles/(\d+)/", path).group(1))
    client = Client(HTTP_HOST="127.0.0.1")
    queries = []

    def counter(execute, sql, params, many, context):
        queries[-1] += 1
        return execute(sql, params, many, context)

    times = []
    for number in range(WARM_UP + count):
        if cold:
            scopes.changed(scopes.article(pk))
        queries.append(0)
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = client.get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        if number >= WARM_UP:
            times.append(elapsed * 1000)
    return {
        "path": path,
        "requests": count,
        "median_ms": round(statistics.median(times), 2),
        "p90_ms": round(sorted(times)[int(0.9 * (len(times) - 1))], 2),
        "queries": statistics.median(queries[WARM_UP:]),
    }


if __name__ == "__main__":
    result = measure(sys.argv[1], int(sys.argv[2]), cold=sys.argv[3:] != ["warm"])
    sys.stdout.write(json.dumps(result) + "\n")
