import os
import re
from pathlib import Path

from django.db import connection

TAG = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


class UpstreamCountMiddleware:
    """Counts the requests tagged ``X-Bench-Tag: <tag>`` that reach Django (through nginx
    too: it forwards the client's headers on a refresh): one byte a request, appended to
    ``$BENCH_UPSTREAM_DIR/<tag>`` (appends from several workers never mix)."""

    def __init__(self, get_response):
        self.get_response = get_response
        folder = os.environ.get("BENCH_UPSTREAM_DIR")
        self.folder = Path(folder) if folder else None

    def __call__(self, request):
        tag = request.META.get("HTTP_X_BENCH_TAG")
        if tag and self.folder and TAG.match(tag):
            fd = os.open(self.folder / tag, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                os.write(fd, b".")
            finally:
                os.close(fd)
        return self.get_response(request)


class QueryCountMiddleware:
    """Adds X-Queries (queries this request ran) when the request sends X-Count-Queries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_COUNT_QUERIES" not in request.META:
            return self.get_response(request)
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Queries"] = str(count)
        return response
