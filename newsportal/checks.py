"""Our own deployment checks, run by `manage.py check --deploy` beside Django's."""

from django.conf import settings
from django.core.checks import Error, Info, Tags, register

UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    errors = []
    if settings.DEBUG:
        errors.append(
            Error("DEBUG is on.", hint="Unset DEBUG in production.", id="newsportal.E001")
        )
    if "*" in settings.ALLOWED_HOSTS or not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty or contains '*'.",
                hint="List the site's host names in ALLOWED_HOSTS.",
                id="newsportal.E002",
            )
        )
    if not settings.AUTH_PASSWORD_VALIDATORS:
        errors.append(
            Error(
                "No password validators are configured.",
                hint="Keep AUTH_PASSWORD_VALIDATORS from the project's settings.",
                id="newsportal.E003",
            )
        )
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", {}).get("DIRECTIVES", {})
    script_sources = set(directives.get("script-src") or directives.get("default-src") or [])
    if not script_sources or script_sources & UNSAFE_SCRIPT_SOURCES:
        errors.append(
            Error(
                "The Content-Security-Policy allows inline, eval'd or any-origin scripts.",
                hint="script-src must list only 'self' (and specific hosts).",
                id="newsportal.E004",
            )
        )
    for required in ("object-src", "frame-ancestors"):
        if directives.get(required) != ["'none'"]:
            errors.append(
                Error(
                    f"The Content-Security-Policy must set {required} 'none'.",
                    id="newsportal.E005",
                )
            )
    options = settings.DATABASES["default"].get("OPTIONS", {}).get("options", "")
    if "statement_timeout" not in options:
        errors.append(
            Error(
                "PostgreSQL statement_timeout is not set.",
                hint="Set DATABASE_STATEMENT_TIMEOUT_MS below gunicorn's worker timeout.",
                id="newsportal.E006",
            )
        )
    for alias, cache in settings.CACHES.items():
        if "redis" not in cache["BACKEND"].lower():
            continue
        options = cache.get("OPTIONS", {})
        timeouts = [options.get("SOCKET_TIMEOUT"), options.get("SOCKET_CONNECT_TIMEOUT")]
        if any(t is None or t > 1 for t in timeouts):
            errors.append(
                Error(
                    f"The '{alias}' cache has no socket timeouts of at most 1 second.",
                    hint="A hung Redis would hang every request: set CACHE_SOCKET_TIMEOUT.",
                    id="newsportal.E007",
                )
            )
        if not options.get("IGNORE_EXCEPTIONS"):
            errors.append(
                Error(
                    f"The '{alias}' cache turns Redis errors into page errors.",
                    hint="Set IGNORE_EXCEPTIONS so an outage only costs cache hits.",
                    id="newsportal.E008",
                )
            )
    return errors


@register(Tags.compatibility, deploy=True)
def check_mail(app_configs, **kwargs):
    """A trial of the production profile may run without a mail server; a site should not."""
    if settings.EMAIL_BACKEND.endswith("dummy.EmailBackend"):
        return [
            Info(
                "No mail server is configured: commenters get no e-mail.",
                hint="Set EMAIL_URL (smtp://user:password@host:587/?tls=True) or EMAIL_HOST.",
                id="newsportal.I001",
            )
        ]
    return []
