from django.db import connection
from django.http import HttpResponse


def sleep(request, seconds: int):
    """A query slower than statement_timeout: PostgreSQL cancels it, the site answers 503."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    return HttpResponse("slept")
