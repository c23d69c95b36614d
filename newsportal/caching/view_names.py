"""The view name of a path, for middleware that answers before URL resolution has run."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import Resolver404, resolve
from django.utils import translation


@lru_cache(maxsize=4096)
def view_name_of(path: str) -> str | None:
    """The URL's view name, resolved in its path's language (an /en/ path resolves in
    English before LocaleMiddleware has run). The same paths are asked for all day: each
    is resolved once per process (bounded)."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            return resolve(path).view_name
    except Resolver404:
        return None


@receiver(setting_changed)
def _forget_view_names(setting, **kwargs) -> None:
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "ADMIN_URL"):
        view_name_of.cache_clear()
