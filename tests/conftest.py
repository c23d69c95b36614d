import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def greek_by_default():
    """Each test starts in the site's default language, whatever an earlier test activated."""
    from django.utils import translation

    translation.activate("el")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rendered fragments are keyed by the content
    version, which only on-commit callbacks replace, and tests roll their data back."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
