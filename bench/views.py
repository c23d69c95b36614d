from django.db import connection
from django.shortcuts import render


def ceiling(request):
    """The framework ceiling: a tiny template and one query, through the full middleware stack."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return render(request, "bench/ceiling.html", {"value": value})
