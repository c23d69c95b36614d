from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_migrate
        from PIL import Image

        from articles import signals  # noqa: F401 - connects the receivers

        # Pillow refuses decompression bombs past this for every use in the process;
        # articles/images.py checks the declared size itself before decoding as well.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
        post_migrate.connect(_new_content_version, sender=self)


def _new_content_version(**kwargs):
    """A migration may change what cached objects hold (new columns): start a new version,
    so nothing pickled under the old schema is read again."""
    from articles import freshness

    freshness.content_changed()
