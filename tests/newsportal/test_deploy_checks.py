"""Our deployment checks pass on the real settings and each one fails when broken."""

import copy

import pytest
from django.conf import settings

from newsportal.checks import check_production_settings


def error_ids():
    return {error.id for error in check_production_settings(None)}


@pytest.fixture
def production_like(settings, monkeypatch):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["news.example.gr"]
    # DATABASES cannot be replaced in a test; its OPTIONS are patched in place and restored.
    options = settings.DATABASES["default"]["OPTIONS"]
    monkeypatch.setitem(options, "options", "-c statement_timeout=10000")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "OPTIONS": {
                "SOCKET_TIMEOUT": 0.5,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    return settings


def test_production_like_settings_pass(production_like):
    assert error_ids() == set()


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda s: setattr(s, "DEBUG", True), "newsportal.E001"),
        (lambda s: setattr(s, "ALLOWED_HOSTS", ["*"]), "newsportal.E002"),
        (lambda s: setattr(s, "ALLOWED_HOSTS", []), "newsportal.E002"),
        (lambda s: setattr(s, "AUTH_PASSWORD_VALIDATORS", []), "newsportal.E003"),
        (
            lambda s: s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"].append(
                "'unsafe-inline'"
            ),
            "newsportal.E004",
        ),
        (
            lambda s: s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"].append("'unsafe-eval'"),
            "newsportal.E004",
        ),
        (lambda s: s.CONTENT_SECURITY_POLICY["DIRECTIVES"].pop("object-src"), "newsportal.E005"),
        (
            lambda s: s.CONTENT_SECURITY_POLICY["DIRECTIVES"].pop("frame-ancestors"),
            "newsportal.E005",
        ),
        (lambda s: s.DATABASES["default"]["OPTIONS"].pop("options"), "newsportal.E006"),
        (
            lambda s: s.CACHES["default"]["OPTIONS"].update(SOCKET_TIMEOUT=5),
            "newsportal.E007",
        ),
        (
            lambda s: s.CACHES["default"]["OPTIONS"].pop("SOCKET_CONNECT_TIMEOUT"),
            "newsportal.E007",
        ),
        (
            lambda s: s.CACHES["default"]["OPTIONS"].update(IGNORE_EXCEPTIONS=False),
            "newsportal.E008",
        ),
    ],
    ids=[
        "debug-on",
        "any-host",
        "no-hosts",
        "no-password-validators",
        "csp-unsafe-inline",
        "csp-unsafe-eval",
        "csp-no-object-src",
        "csp-no-frame-ancestors",
        "no-statement-timeout",
        "slow-cache-socket",
        "no-cache-connect-timeout",
        "cache-errors-raise",
    ],
)
def test_each_check_fails_when_its_setting_is_broken(production_like, breakage, expected):
    production_like.CONTENT_SECURITY_POLICY = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    breakage(production_like)
    assert error_ids() == {expected}


def test_checks_run_with_check_deploy():
    from django.core.checks import registry

    assert check_production_settings in registry.registry.get_checks(include_deployment_checks=True)
    assert check_production_settings not in registry.registry.get_checks()
