from django.apps import AppConfig


class NewsportalConfig(AppConfig):
    """The project package as an app: system checks and site-wide templates."""

    name = "newsportal"
    verbose_name = "News portal"

    def ready(self):
        from django.contrib import admin

        from newsportal import (
            checks,  # noqa: F401 - registers the deploy checks
            signals,  # noqa: F401 - logs security events
        )
        from newsportal.admin_login import AdminLoginForm

        admin.site.login_form = AdminLoginForm
