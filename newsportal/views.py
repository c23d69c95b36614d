"""Site-wide views: health check and error pages that never need the database."""

import logging
import sys

from django.core.cache import cache
from django.db import DatabaseError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache

from newsportal.observability import current_request_id

logger = logging.getLogger("newsportal.errors")

# How long a client should wait before retrying while the database is unavailable.
RETRY_AFTER_SECONDS = 5


@never_cache
def healthz(request):
    """200 when the database and the cache answer, 503 (with which one failed) otherwise."""
    checks = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unavailable"
    try:
        cache.set("healthz", "ok", 5)
        if cache.get("healthz") != "ok":
            checks["cache"] = "unavailable"
    except Exception:  # any cache backend failure is "unavailable", never a 500
        checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )


def _render_error(request, template_name: str, status: int):
    body = loader.get_template(template_name).render(
        {"request_id": current_request_id(), "status": status}
    )
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None):
    """400, or 413 when the body was over the size limit."""
    from django.core.exceptions import RequestDataTooBig

    status = 413 if isinstance(exception, RequestDataTooBig) else 400
    template = "413.html" if status == 413 else "400.html"
    return HttpResponse(
        loader.render_to_string(template, {"status": status}, request), status=status
    )


def server_error(request):
    """500, or 503 with Retry-After when the cause is the database being unreachable."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError):
        return database_unavailable(request)
    return _render_error(request, "500.html", 500)


def database_unavailable(request):
    response = _render_error(request, "503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database into a 503 page with Retry-After instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError):
            logger.error("database unavailable: %s", exception.__class__.__name__)
            return database_unavailable(request)
        return None


# Statuses whose bare responses (Django's 405, a 404 from a decorator...) get our page.
_PLAIN_ERROR_STATUSES = {400, 403, 404, 405, 410, 413, 429}


class ErrorPageMiddleware:
    """Gives an error response that has no body of its own the site's error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in _PLAIN_ERROR_STATUSES
            and not getattr(response, "streaming", False)
            and not response.content
            and request.method != "HEAD"
        ):
            page = loader.render_to_string(
                "error_generic.html", {"status": response.status_code}, request
            )
            response.content = page.encode()
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
