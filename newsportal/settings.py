"""Settings for the news portal, read from the environment.

Every value has a safe development default; the production profile
(NEWSPORTAL_PROFILE=production) refuses to start without the values a real
deployment must choose itself. Optional services switch on when their
variable is present (REDIS_URL).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from newsportal import media_store

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


def env_float(name: str, default: float) -> float:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None


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
# The admin's path; a less obvious one keeps password guessers off the login page.
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "taggit",
    "newsportal",
    "simple_history",
    "django_prose_editor",
    "django_tasks",
    "django_tasks_db",
    "articles",
    "comments",
]

MIDDLEWARE = [
    "newsportal.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsportal.csp_policy.SitePolicyCSPMiddleware",
    "newsportal.admin_csp.AdminInlineStylesMiddleware",
    "newsportal.views.DatabaseUnavailableMiddleware",
    "newsportal.views.ErrorPageMiddleware",
    # Stored pages, feed polls and their 304s before sessions, locale and the view; outside
    # sessions, CSRF and messages, so it sees any cookie they set and never stores it.
    "newsportal.caching.responses.ResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
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
            "libraries": {"caching": "newsportal.caching.template_tags"},
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
# Fail fast when PostgreSQL is away (the request becomes a 503, not a hung worker), and stop
# any statement before gunicorn's worker timeout (30 s) would kill the worker mid-request.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 2)
DATABASE_STATEMENT_TIMEOUT_MS = env_int(
    "DATABASE_STATEMENT_TIMEOUT_MS", 10_000 if PRODUCTION else 0
)
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
# A socket directory given as ?host=... (the embedded server) is the connection's HOST, so
# that dbshell, pg_dump and friends find it too.
if _db_options.get("host") and not DATABASES["default"].get("HOST"):
    DATABASES["default"]["HOST"] = _db_options.pop("host")
_db_options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
if DATABASE_STATEMENT_TIMEOUT_MS:
    _db_options["options"] = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")

# Read replicas (README, "Read replicas"): DATABASE_REPLICA_URLS, comma-separated, adds the
# aliases replica1, replica2... that reader pages read from. Writes, the admin, migrations,
# commands and the job queue stay on the primary, and a client who has just POSTed reads
# from the primary for DATABASE_REPLICA_PIN_SECONDS (django-multidb-router's cookie). A
# replica that is down or more than DATABASE_REPLICA_MAX_LAG seconds behind is skipped.
# Unset: everything on the primary, and the router and middleware do nothing.
from newsportal.db_router import replica_settings  # noqa: E402

DATABASES.update(
    replica_settings(
        env_str("DATABASE_REPLICA_URLS", ""),
        DATABASES["default"],
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
    )
)
REPLICA_DATABASES = [alias for alias in DATABASES if alias != "default"]
# Behind pgbouncer in transaction mode (README, "Connection pooling") a server-side cursor
# does not outlive its transaction's server connection: .iterator() must fetch client-side.
DATABASE_DISABLE_SERVER_SIDE_CURSORS = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS")
for _database in DATABASES.values():
    _database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_DISABLE_SERVER_SIDE_CURSORS
DATABASE_ROUTERS = ["newsportal.db_router.ReplicaRouter"]
DATABASE_REPLICA_MAX_LAG = float(env_str("DATABASE_REPLICA_MAX_LAG", "") or 10)
MULTIDB_PINNING_COOKIE = "pin_primary"
# Longer than the replicas ever lag while they are used (DATABASE_REPLICA_MAX_LAG).
MULTIDB_PINNING_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 15)
MULTIDB_PINNING_COOKIE_HTTPONLY = True
MULTIDB_PINNING_COOKIE_SECURE = PRODUCTION
# Before everything that reads the database (the stored pages' live parts included).
MIDDLEWARE.insert(
    MIDDLEWARE.index("newsportal.views.DatabaseUnavailableMiddleware"),
    "newsportal.db_router.ReplicaPinningMiddleware",
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (README, "Background jobs"): tasks are rows on the primary, enqueued in
# the same transaction as the change that asks for them, and run by `manage.py run_worker`
# (one or more, any host). TASKS_BACKEND=immediate runs each task at once in the process
# that enqueues it: `make run`, one process, uses it so that no worker has to be started.
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate" if DEBUG and not PRODUCTION else "database")
if TASKS_BACKEND not in {"database", "immediate"}:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be 'database' or 'immediate', not {TASKS_BACKEND!r}."
    )
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}
# A task a killed worker left RUNNING this long is put back in the queue once more (a
# second time it is marked failed): newsportal/jobs.py, run by `manage.py run_worker`
# every TASKS_REAP_EVERY seconds. Longer than any task takes (renditions: seconds).
TASKS_ABANDONED_AFTER = env_float("TASKS_ABANDONED_AFTER", 600.0)
TASKS_REAP_EVERY = env_float("TASKS_REAP_EVERY", 30.0)

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves hashed, compressed files (cached for a year); development the plain ones.
    "staticfiles": {
        "BACKEND": "newsportal.static_storage.ManifestStaticStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")

# Media on an S3-compatible object store (README, "Media on an object store"): several app
# servers then share one library of images. Unset, images stay on the local disk.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "disk")
if MEDIA_STORAGE not in {"disk", "s3"}:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'disk' or 's3', not {MEDIA_STORAGE!r}.")
if MEDIA_STORAGE == "s3":
    # AWS_* (django-storages' names), MEDIA_URL and the default storage, from the
    # environment; what each means is said in newsportal/media_store.py.
    globals().update(media_store.object_store_settings(os.environ))
    STORAGES["default"] = {"BACKEND": media_store.BACKEND}

# Reader pages never need more than this in one request; larger bodies are refused early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

TAGGIT_CASE_INSENSITIVE = True

LOGIN_URL = "admin:login"

# Logs: one line per event with the request id; JSON in production for log shippers.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsportal.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {"()": "newsportal.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # pgserver narrates every start and exit at INFO (only the fault tests still use it).
        "pgserver": {"level": "WARNING"},
        # "Watching for file changes" at every make run start, twice with DEBUG on (Django's
        # own console handler and ours): noise.
        "django.utils.autoreload": {"level": "WARNING"},
        # axes announces itself at INFO in every process.
        "axes": {"level": "WARNING"},
    },
}

# --- E-mail ---------------------------------------------------------------------------------
# EMAIL_URL (smtp://user:password@host:587/?tls=True, dj-email-url's form) or the usual
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS/SSL. Without
# either, development prints mail on the console, and production sends none (a trial of
# the profile on one machine; the deploy checks say so).
# Mail leaves through the job queue (newsportal/mail.py), retried while the server fails.
import dj_email_url  # noqa: E402

if env_str("EMAIL_URL"):
    _email = dj_email_url.parse(env_str("EMAIL_URL"))
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
elif env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
elif PRODUCTION:
    # The console would write addresses into the logs.
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Νέα Αγορά <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address readers reach the site at, for links in e-mails (written outside a request).
SITE_URL = env_str(
    "SITE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")
# A mail the server refused is tried again after 1, 5, 30 minutes, 2 and 6 hours.
EMAIL_RETRY_DELAYS = [60, 300, 1800, 7200, 21600]

# Portal settings, each with the reason it exists.
# How many articles a listing page shows.
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 20)
# Bytes of rendered HTML (cards, menus, comment sections...) each process keeps per
# set of scope versions (newsportal/caching/fragments.py; 0: none).
FRAGMENT_MEMO_BYTES = env_int("FRAGMENT_MEMO_BYTES", 24 * 1024 * 1024)
# Demo users' password; required explicitly when DEBUG is off (see seed_demo).
DEMO_PASSWORD = env_str("DEMO_PASSWORD")

# --- Caching -------------------------------------------------------------------------------
# Redis when REDIS_URL is set (shared by every app instance); otherwise this process's memory.
REDIS_URL = env_str("REDIS_URL")
# A cache outage must never become a page error: short socket timeouts, errors ignored.
CACHE_SOCKET_TIMEOUT = float(env_str("CACHE_SOCKET_TIMEOUT", "0.5"))
if REDIS_URL:
    CACHES: dict = {
        "default": {
            # django-redis plus a circuit breaker (newsportal/caching/backends/redis.py).
            "BACKEND": "newsportal.caching.backends.redis.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsportal"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": CACHE_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
elif PRODUCTION:
    # Without Redis, gunicorn's workers still share one cache (scope versions, rate
    # limits) through files; a second machine needs REDIS_URL.
    CACHES = {
        "default": {
            # Django's file cache, culled every hundred writes instead of on each one.
            "BACKEND": "newsportal.caching.backends.files.OccasionallyCulledFileCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsportal",
        }
    }
# Rate-limit counters must never be evicted, while every cached page may be: with a
# memory cap on the cache Redis (maxmemory, allkeys-lru), give them a Redis of their own
# (REDIS_COUNTERS_URL, no cap). Unset: the same store as the cache.
REDIS_COUNTERS_URL = env_str("REDIS_COUNTERS_URL")
CACHES["counters"] = {**CACHES["default"]}
if REDIS_COUNTERS_URL:
    CACHES["counters"]["LOCATION"] = REDIS_COUNTERS_URL

# Stored responses (newsportal/caching/responses.py) live this long at most; any change to
# what they show retires them at once. On by default only where every process shares the
# cache: with Redis, or in development's single process; a production instance without
# Redis stores no whole response (nginx in front still keeps them for EDGE_CACHE_SECONDS).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if (REDIS_URL or not PRODUCTION) else 0)
# A page in a flood of changes (rendered four times within two seconds: an article taking
# twenty comments a second) is rendered again at most once per this many seconds:
# meanwhile every process serves the answer rendered last (and a stored page's live parts
# in a flood are filled again as seldom, in each process). A page that changes now and
# then is still on the next request any app server answers. 0 turns it off (the
# development profile's default, so a developer sees every change at once).
PAGE_RENEW_SECONDS = float(env_str("PAGE_RENEW_SECONDS", "") or (0.5 if PRODUCTION else 0))
# Bytes of stored responses each process also keeps in its own memory (0: none).
PAGE_CACHE_LOCAL_BYTES = env_int("PAGE_CACHE_LOCAL_BYTES", 24 * 1024 * 1024)
# Which URL names are cached, with the query parameters each reads (newsportal/cache_policies.py).
CACHE_POLICIES = "newsportal.cache_policies.POLICIES"
# What a render read from a lagging replica is kept no longer than that lag (db_router).
CACHE_STALE_READS = "newsportal.db_router.stale_read_bound"
# The publishing rule: what fell due and when the next scheduled item is (no cron).
CACHE_SCHEDULE = "articles.scheduling.fell_due"
# Seconds nginx or a CDN may keep an anonymous page (s-maxage): any change is seen through
# them within this, plus the one request that refreshes an entry. A CDN may then serve the
# old copy for EDGE_STALE_SECONDS while one request fetches the new one (CDN-Cache-Control;
# nginx does the same by its own proxy_cache_use_stale updating).
EDGE_CACHE_SECONDS = env_int("EDGE_CACHE_SECONDS", 1)
EDGE_STALE_SECONDS = env_int("EDGE_STALE_SECONDS", 10)
MESSAGES_COOKIE_NAME = "messages"  # Django's cookie message storage uses this name

# --- Security ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out logins before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin login throttling: the 5th failure in a row locks the username+address out (429).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429_login.html"
AXES_CLIENT_IP_CALLABLE = "newsportal.client_ip.axes_client_ip"
# How many reverse proxies (our nginx) stand in front of the app; their X-Forwarded-For
# entries are trusted, anything further left was written by the client and is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy: only our own scripts, no inline or eval'd code, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if MEDIA_STORAGE == "s3":
    # Images come from the object store's public address (or the CDN in front of it).
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(media_store.public_origin(MEDIA_URL))

if PRODUCTION:
    # Behind our nginx, which terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
    # Health checks on a plain-HTTP loopback probe must not be redirected to HTTPS.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Comments: reader comments and their moderation (the comments app). Each value says why.
# "pre": nothing appears before a moderator approves it (the default a newsroom is liable for);
# "post": readers with an earlier approved comment appear at once. Articles may override it.
COMMENTS_MODERATION = env_str("COMMENTS_MODERATION", "pre")
if COMMENTS_MODERATION not in {"pre", "post"}:
    raise ImproperlyConfigured(
        f"COMMENTS_MODERATION must be 'pre' or 'post', not {COMMENTS_MODERATION!r}."
    )
# Old articles attract little discussion and most of the spam: comments close by themselves
# this many days after publication (0 keeps them open until an editor closes them).
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 30)
# A form sent sooner than this after it was handed out was filled in by a program: held.
COMMENTS_MIN_SUBMIT_SECONDS = env_int("COMMENTS_MIN_SUBMIT_SECONDS", 3)
# A signed form older than this is refused (400, text kept); the page's script renews it.
COMMENTS_FORM_MAX_AGE = env_int("COMMENTS_FORM_MAX_AGE", 24 * 3600)
# Comment POSTs per address (valid or not) before 429: a person never needs more.
COMMENTS_RATE_PER_MINUTE = env_int("COMMENTS_RATE_PER_MINUTE", 5)
COMMENTS_RATE_PER_HOUR = env_int("COMMENTS_RATE_PER_HOUR", 30)
# More links than this is how most comment spam looks: such a comment waits for a moderator.
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)
# Reports from different readers that hide an approved comment until a moderator looks.
COMMENTS_REPORTS_TO_HIDE = env_int("COMMENTS_REPORTS_TO_HIDE", 3)
# The same text from the same poster within this many hours is held as a duplicate.
COMMENTS_DUPLICATE_HOURS = env_int("COMMENTS_DUPLICATE_HOURS", 6)
# More comments than this in an hour from one poster (address or e-mail) are held as a flood,
# even in post-moderation; the hard rate limit above answers 429 before it.
COMMENTS_FLOOD_PER_HOUR = env_int("COMMENTS_FLOOD_PER_HOUR", 10)
# Top-level threads per page of comments under an article (replies stay with their thread).
COMMENTS_THREADS_PER_PAGE = env_int("COMMENTS_THREADS_PER_PAGE", 20)
# Replies nest this many levels under a comment; a reply to the deepest level joins it.
COMMENTS_MAX_DEPTH = 2
# The home page's "most commented" list looks at articles of the last days only.
COMMENTS_MOST_COMMENTED_DAYS = env_int("COMMENTS_MOST_COMMENTED_DAYS", 7)
# Likes reach the database in batches of this many per comment (comments/reactions.py), as
# reads do: a popular comment costs a write per batch, and a like never touches a page.
COMMENTS_LIKES_FLUSH_EVERY = env_int("COMMENTS_LIKES_FLUSH_EVERY", 10 if PRODUCTION else 1)
# Like POSTs per address before 429: liking a whole thread in a minute is fine, a script is not.
COMMENTS_LIKES_PER_MINUTE = env_int("COMMENTS_LIKES_PER_MINUTE", 30)
COMMENTS_LIKES_PER_HOUR = env_int("COMMENTS_LIKES_PER_HOUR", 300)
# E-mail for commenters (comments/confirmation.py, subscriptions.py, my_comments.py).
# On: a comment needs an e-mail and waits, invisible, until its poster follows the link
# mailed to them (a typed address proves nothing); off by default, as most sites want.
COMMENTS_CONFIRM_EMAIL = env_bool("COMMENTS_CONFIRM_EMAIL", default=False)
# How long a confirmation link works; `manage.py purge_unconfirmed_comments` then deletes
# the comment it was for.
COMMENTS_CONFIRM_MAX_AGE = env_int("COMMENTS_CONFIRM_MAX_AGE", 48 * 3600)
# How long the "my comments" link works: it opens someone's whole history, so not long.
COMMENTS_MY_COMMENTS_MAX_AGE = env_int("COMMENTS_MY_COMMENTS_MAX_AGE", 24 * 3600)
# Mails of one kind ("my comments" links, confirmations) to one address per hour: a form
# that sends mail must not become a way to flood someone else's mailbox.
COMMENTS_MAILS_PER_ADDRESS_HOUR = env_int("COMMENTS_MAILS_PER_ADDRESS_HOUR", 5)
# Messages ("your comment awaits moderation") travel in a signed cookie: anonymous reader
# pages must never create or read a session.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
# Comments and reports do not use the CSRF cookie (comments/origin.py checks where a post
# comes from); this view is the plain 403 page for any other form that fails Django's check.
CSRF_FAILURE_VIEW = "comments.views.csrf_failure"
# News feed ("Ροή Ειδήσεων"), search and syndication.
# Seconds between two polls of the live feed by each open page, sent in the X-Poll-Interval
# header of every poll answer: raising it sheds load at once, 0 stops polling (kill switch).
FEED_POLL_INTERVAL = env_int("FEED_POLL_INTERVAL", 15)
# Seconds a browser or proxy may reuse a poll answer without asking (Cache-Control max-age):
# one shared URL for all readers, so a proxy in front answers nearly every poll.
FEED_MAX_AGE = env_int("FEED_MAX_AGE", 5)
# Items on the news feed page (and in each poll answer); the sidebar shows fewer.
FEED_PAGE_SIZE = env_int("FEED_PAGE_SIZE", 30)
# Live blogs: seconds between two polls of an open live blog (X-Poll-Interval of its poll
# answer; 0 stops every live blog's polling, an ended coverage always answers 0), and the
# entries per page (and per poll answer).
LIVE_BLOG_POLL_INTERVAL = env_int("LIVE_BLOG_POLL_INTERVAL", 10)
LIVE_BLOG_PAGE_SIZE = env_int("LIVE_BLOG_PAGE_SIZE", 20)
# Items in each RSS/Atom feed.
SYNDICATION_ITEMS = env_int("SYNDICATION_ITEMS", 30)
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
# Reader experience (design, "most read").
# Reads reach the database in batches of this many per article (articles/reads.py): one
# write per batch however many readers a breaking story draws. 1 counts every read at once.
READS_FLUSH_EVERY = env_int("READS_FLUSH_EVERY", 10 if PRODUCTION else 1)
# The home page's "most read" list sums the reads of this many last days (today included).
MOST_READ_DAYS = env_int("MOST_READ_DAYS", 2)
