from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_migrate
        from PIL import Image

        from articles import banner, live_parts, signals  # noqa: F401 - connects the receivers

        # Pillow refuses decompression bombs past this for every use in the process;
        # articles/images.py checks the declared size itself before decoding as well.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
        live_parts.register()
        banner.register()
        post_migrate.connect(_everything_changed, sender=self)


def _everything_changed(**kwargs):
    """A migration may change what cached objects hold (new columns): new versions of
    everything, so nothing pickled under the old schema is read again."""
    from newsportal.caching import memory, scopes

    memory.forget_everything()
    scopes.changed(scopes.SITE)
    scopes.schedule_changed()
