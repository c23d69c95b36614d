"""X-Queries-By-Alias: "default=3;replica1=0", the queries each alias ran for a request
(tests/faults/test_replicas.py reads it to know where a page was read from)."""

import contextlib

from django.db import connections


class QueriesByAliasMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counts = dict.fromkeys(connections, 0)

        def counter(alias):
            def count(execute, sql, params, many, context):
                counts[alias] += 1
                return execute(sql, params, many, context)

            return count

        with contextlib.ExitStack() as stack:
            for alias in counts:
                stack.enter_context(connections[alias].execute_wrapper(counter(alias)))
            response = self.get_response(request)
        response["X-Queries-By-Alias"] = ";".join(f"{a}={n}" for a, n in counts.items())
        return response
