from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Reader comments")

    def ready(self):
        from comments import reactions, signals  # noqa: F401 - connects the receivers
        from comments.dsa import statements  # noqa: F401 - statements follow every removal
        from comments.templatetags.comments import register_live_parts

        register_live_parts()
        reactions.register()
