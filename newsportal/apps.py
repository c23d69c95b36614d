from django.apps import AppConfig


class NewsportalConfig(AppConfig):
    """The project package as an app: system checks and site-wide templates."""

    name = "newsportal"
    verbose_name = "News portal"

    def ready(self):
        from django.contrib import admin
        from django.core.signals import request_finished, request_started

        from newsportal import (
            admin_site,
            checks,  # noqa: F401 - registers the deploy checks
            signals,  # noqa: F401 - logs security events
        )
        from newsportal.admin_login import AdminLoginForm
        from newsportal.caching import scopes

        # Within a request, each scope's version is read once (newsportal/caching/scopes.py).
        request_started.connect(scopes.request_began, dispatch_uid="caching-request-began")
        request_finished.connect(scopes.request_ended, dispatch_uid="caching-request-ended")

        admin.site.login_form = AdminLoginForm
        admin_site.configure(admin.site)
