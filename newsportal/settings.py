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

# News feed ("Ροή Ειδήσεων"), search and syndication.
# Seconds between two polls of the live feed by each open page, sent in the X-Poll-Interval
# header of every poll answer: raising it sheds load at once, 0 stops polling (kill switch).
FEED_POLL_INTERVAL = env_int("FEED_POLL_INTERVAL", 15)
# Seconds a browser or proxy may reuse a poll answer without asking (Cache-Control max-age):
# one shared URL for all readers, so a proxy in front answers nearly every poll.
FEED_MAX_AGE = env_int("FEED_MAX_AGE", 5)
# Items on the news feed page (and in each poll answer); the sidebar shows fewer.
FEED_PAGE_SIZE = env_int("FEED_PAGE_SIZE", 30)
# Items in each RSS/Atom feed.
SYNDICATION_ITEMS = env_int("SYNDICATION_ITEMS", 30)
