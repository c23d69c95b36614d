"""Settings for the news portal, read from the environment.

Every value has a safe development default; the production profile
(NEWSPORTAL_PROFILE=production) refuses to start without the values a real
deployment must choose itself. Optional services switch on when their
variable is present (REDIS_URL).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_str(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


PROFILE = env_str("NEWSPORTAL_PROFILE", "development")
if PROFILE not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"NEWSPORTAL_PROFILE must be 'development' or 'production', not {PROFILE!r}."
    )
PRODUCTION = PROFILE == "production"

# DEBUG is off unless asked for (`make run` asks for it).
DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in the production profile.")
    # A development-only key: never used by the production profile.
    SECRET_KEY = "django-insecure-development-only-key-do-not-deploy"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the production profile.")

SITE_NAME = env_str("SITE_NAME", "Νέα Αγορά")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "simple_history",
    "django_prose_editor",
    "articles",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsportal.urls"
WSGI_APPLICATION = "newsportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "newsportal.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL when set, otherwise the embedded server under var/.
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    from newsportal import embedded_db

    DATABASE_URL = embedded_db.database_url()

import dj_database_url  # noqa: E402 - needs the URL computed above

DATABASES = {
    # Persistent connections: connecting per request costs several times the throughput.
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Greek first, English under /en/.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "el")
LANGUAGES = [("el", "Ελληνικά"), ("en", "English")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Athens")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own long date formats ("24 Νοεμβρίου 2026, 15:20"); Django's Greek default is d/m/Y.
FORMAT_MODULE_PATH = ["newsportal.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")

# Reader pages never need more than this in one request; larger bodies are refused early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

TAGGIT_CASE_INSENSITIVE = True

LOGIN_URL = "admin:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # pgserver narrates every start and exit at INFO.
        "pgserver": {"level": "WARNING"},
    },
}

# Portal settings, each with the reason it exists.
# How many articles a listing page shows.
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 20)
# Demo users' password; required explicitly when DEBUG is off (see seed_demo).
DEMO_PASSWORD = env_str("DEMO_PASSWORD")

# Editors and media: uploads, renditions, edit locks and preview links.
# An upload larger than this is refused before Pillow reads it (phone photos are 3-12 MB).
IMAGE_UPLOAD_MAX_BYTES = env_int("IMAGE_UPLOAD_MAX_BYTES", 15 * 1024 * 1024)
# Pixel cap, read from the file header before decoding: a tiny PNG can declare 151
# megapixels and take gigabytes to decode. 40 MP covers any camera; it can only be lowered.
IMAGE_MAX_PIXELS = min(env_int("IMAGE_MAX_PIXELS", 40_000_000), 40_000_000)
# The stored original is re-encoded no larger than this on its longest side: twice the
# widest rendition is enough for any future rendition and keeps the disk small.
IMAGE_MASTER_MAX_SIDE = 3200
# Widths of the responsive renditions (each in WebP and JPEG), never wider than the upload.
IMAGE_RENDITION_WIDTHS = [320, 640, 1024, 1600]
# Encoder qualities: visually clean photos at a fraction of the original's weight.
IMAGE_JPEG_QUALITY = 82
IMAGE_WEBP_QUALITY = 80
# Edit locks: an open change form holds the lock this long without JavaScript; with it,
# the page's heartbeat keeps it for EDIT_LOCK_HEARTBEAT_TTL after the latest beat, so a
# closed tab frees the article within a couple of minutes.
EDIT_LOCK_LIFETIME = env_int("EDIT_LOCK_LIFETIME", 30 * 60)
EDIT_LOCK_HEARTBEAT_INTERVAL = 30
EDIT_LOCK_HEARTBEAT_TTL = 90
# How long a preview link for someone without an account works (it can be revoked sooner).
PREVIEW_LINK_LIFETIME = env_int("PREVIEW_LINK_LIFETIME", 72 * 3600)
