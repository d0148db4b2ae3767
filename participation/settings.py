"""Settings for the participation platform.

One module, configured by environment variables with safe defaults. The embedded
default is SQLite + in-memory channel layer + console e-mail; ``DATABASE_URL`` and
``REDIS_URL`` switch to PostgreSQL and Redis without any code change.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from participation.secret_key import refusal_message as secret_key_refusal
from participation.secret_key import secret_key_problem

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development)."
        )
elif not (DEBUG or TESTING) and (_key_problem := secret_key_problem(SECRET_KEY)):
    # A placeholder or a short key would let anyone forge sessions and password
    # resets: refuse to start (participation/secret_key.py).
    raise ImproperlyConfigured(secret_key_refusal(_key_problem))

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
if TESTING:
    ALLOWED_HOSTS.append("testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", "")

INSTALLED_APPS = [
    # django.contrib.admin, with a site that requires the admin role and MFA:
    "participation.accounts.admin_apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    # DRF is not an installed app: the API renders JSON only (no browsable API,
    # so none of DRF's templates, static files or template tags), and as an app
    # its template tags would load DRF into every process on the first page
    # (tests/core/test_startup_imports.py). Its settings are REST_FRAMEWORK below.
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "participation",
    "participation.accounts",
    "participation.attributes",
    "participation.spaces",
    "participation.audit",
    "participation.moderation",
    "participation.notifications",
    "participation.live",
    "participation.search",
    "participation.api",
    "participation.idempotency",
    "participation.staff",
    "participation.privacy",
    "participation.verification",
    "proposals",
    "responses",
    "meetings",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "participation.middleware.RequestIdMiddleware",
    # No free database connection: a translated 503 with Retry-After, not a 500.
    "participation.dbpool.PoolBusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "participation.csp.PolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last: allauth's rate limits fail closed when the cache is unreachable.
    "participation.accounts.limits.AccountLimitsMiddleware",
]

ROOT_URLCONF = "participation.urls"
ASGI_APPLICATION = "participation.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "participation.context_processors.site",
                "participation.privacy.context_processors.policies",
            ],
            "builtins": [
                "participation.templatetags.participation",
                "rules.templatetags.rules",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    # Under ASGI a request's database work runs in a thread of its own, so Django's
    # persistent connections (CONN_MAX_AGE) would be kept per short-lived thread.
    # PostgreSQL connections come from psycopg's pool instead: at most
    # DB_POOL_MAX_SIZE per server process (0: no pool, a connection per request,
    # e.g. behind PgBouncer in transaction mode).
    # conn_health_checks: with the pool, Django has it check each connection it
    # hands out (an empty query), so one that PostgreSQL ended while it sat in the
    # pool (pg_terminate_backend, a restart) is replaced before a request gets it
    # (participation/dbpool.py, tests/live/test_server_lifecycle.py).
    _database = dj_database_url.parse(
        DATABASE_URL, conn_max_age=0, conn_health_checks=True
    )
    _pool_max = env_int("DB_POOL_MAX_SIZE", 10)
    if _database["ENGINE"] == "django.db.backends.postgresql" and _pool_max > 0:
        _database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env_int("DB_POOL_MIN_SIZE", 2), _pool_max),
            "max_size": _pool_max,
            # Seconds a request waits for a free connection before it fails.
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
    DATABASES = {"default": _database}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Large downloads (participation/spool.py): generated into a temporary file (in
# memory up to EXPORT_SPOOL_MEMORY bytes, then on disk), the database connection
# given back, then streamed at the client's pace. At most EXPORT_MAX_CONCURRENT
# are generated at once per process (each uses one pooled connection meanwhile:
# by default a quarter of the pool); others wait up to EXPORT_QUEUE_TIMEOUT
# seconds, then get 503 with Retry-After. deploy/README.md, "Pool and exports".
EXPORT_MAX_CONCURRENT = env_int(
    "EXPORT_MAX_CONCURRENT", max(1, env_int("DB_POOL_MAX_SIZE", 10) // 4)
)
EXPORT_QUEUE_TIMEOUT = env_float("EXPORT_QUEUE_TIMEOUT", 10.0)
EXPORT_SPOOL_MEMORY = env_int("EXPORT_SPOOL_MEMORY", 1024 * 1024)

# --- Cache, channels ----------------------------------------------------------
REDIS_URL = env("REDIS_URL")
# How long to wait for Redis: to connect, and for each answer. A healthy Redis
# answers in well under a millisecond; one that accepts connections and never
# answers must not hold a request (deploy/README.md, "When Redis is down").
REDIS_CONNECT_TIMEOUT = env_float("REDIS_CONNECT_TIMEOUT", 1.0)
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 1.0)
# After a failure the cache does not ask Redis again for this long (it answers
# with its fallbacks at once; participation/cache.py).
REDIS_RETRY_SECONDS = env_float("REDIS_RETRY_SECONDS", 5.0)
# channels_redis waits this long for a message on an idle connection
# (RedisChannelLayer.brpop_timeout): the layer's socket timeout must be longer,
# or every quiet websocket would fail with a timeout.
CHANNEL_LAYER_BLOCKING_SECONDS = 5


def redis_cache(
    url: str,
    *,
    prefix: str,
    connect_timeout: float = REDIS_CONNECT_TIMEOUT,
    socket_timeout: float = REDIS_SOCKET_TIMEOUT,
) -> dict:
    """The cache on Redis at ``url``: degrades to "no cache" while Redis is down,
    and tells the rate limits (participation/cache.py)."""
    return {
        "BACKEND": "participation.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "socket_connect_timeout": connect_timeout,
            "socket_timeout": socket_timeout,
        },
    }


def redis_channel_layer(
    url: str,
    *,
    connect_timeout: float = REDIS_CONNECT_TIMEOUT,
    socket_timeout: float = CHANNEL_LAYER_BLOCKING_SECONDS + REDIS_SOCKET_TIMEOUT,
) -> dict:
    """The channel layer on Redis at ``url``. Broadcasts that fail are logged and
    dropped (live/broadcast.py); websockets close with a retry hint
    (live/consumers.py)."""
    host = {
        "address": url,
        "socket_connect_timeout": connect_timeout,
        "socket_timeout": socket_timeout,
    }
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [host], "capacity": 1500, "expiry": 30},
    }


if REDIS_URL:
    CACHES = {
        "default": redis_cache(
            REDIS_URL, prefix=env("CACHE_KEY_PREFIX", "participation")
        )
    }
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
else:
    # Rate limits must hold across several server processes, so the default cache
    # lives in the database; tests use local memory for speed and isolation.
    CACHES = {
        "default": (
            {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
            if TESTING
            else {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "participation_cache",
            }
        )
    }
    # channels' in-memory layer, with expiry sweeps that stay cheap at 1,000
    # connections (participation/live/layers.py).
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "participation.live.layers.InMemoryChannelLayer"}
    }

# Whole pages for anonymous readers (participation/pagecache.py): the list, the
# proposal, the process page, the tracker and home, invalidated on commit by version
# keys. This is only the safety net for what no version key follows (a phase opening
# by the clock, "3 days ago"): how old a stored page may be at most. 0: no page cache.
# Off in tests unless a test switches it on (tests/core/test_pagecache.py): other
# tests read a page twice for its context or its query count.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if TESTING else 60)
PAGE_CACHE_ALIAS = "default"

# --- Auth and accounts ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
SITE_ID = 1

ACCOUNT_ADAPTER = "participation.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "participation.accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Tell people by e-mail when their password or e-mail address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# allauth's rate limits (its defaults for everything else) stay on unless
# explicitly disabled. Failed sign-ins: per address (IPv6: per /64), per account
# from one address (the key is e-mail + address: participation/accounts/adapters.py),
# and per account from all addresses together, much higher, so that a stranger
# cannot lock the owner out and guessing spread over addresses is still bounded.
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {
    "login_failed": env("ACCOUNT_LOGIN_FAILED_LIMITS", "10/m/ip,60/h/ip,5/5m/key"),
    "login_failed_account": env("ACCOUNT_LOGIN_FAILED_ACCOUNT_LIMIT", "300/h/key"),
}
if env_bool("DISABLE_ACCOUNT_RATE_LIMITS"):
    ACCOUNT_RATE_LIMITS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Participation")

# Staff (facilitators, officials, admins) must have MFA before staff actions. The
# demo accounts may skip it, but only while DEBUG is on.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", True)
# Days an invitation to a staff role stays valid (resending starts them again).
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)

# --- Internationalization -------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", "ja")
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# --- Uploaded files (photos on proposals) ---------------------------------------
# Stored through Django's storage API: files under MEDIA_ROOT by default, or any
# S3-compatible object store when MEDIA_S3_BUCKET is set (pip install ".[s3]";
# credentials from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables).
# Files are never linked directly: the app checks that the proposal may be seen and
# then sends the bytes itself, or hands the file to nginx with X-Accel-Redirect
# under MEDIA_ACCEL_REDIRECT (deploy/README.md, "Uploaded photos").
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ACCEL_REDIRECT = env("MEDIA_ACCEL_REDIRECT", "")
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    _MEDIA_STORAGE: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", "") or None,
            "region_name": env("MEDIA_S3_REGION", "") or None,
            "location": env("MEDIA_S3_PREFIX", ""),
            "default_acl": None,  # the bucket stays private: the app serves files
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Limits of one uploaded photo (before it is re-encoded) and of what is kept.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 15 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 60_000_000)
IMAGE_MAX_SIDE = env_int("IMAGE_MAX_SIDE", 1600)
IMAGE_JPEG_QUALITY = env_int("IMAGE_JPEG_QUALITY", 82)
PROPOSAL_IMAGES_MAX = env_int("PROPOSAL_IMAGES_MAX", 5)
# The small rendition of each photo (the lists' cards), made once at upload: its
# longest side in pixels (twice the card's 8rem box, for high-density screens).
IMAGE_SMALL_SIDE = env_int("IMAGE_SMALL_SIDE", 320)
# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

STORAGES = {
    "default": _MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Uploaded files (process header images, attachments) -------------------------
# Stored through Django's storage API (default_storage: the file system under
# MEDIA_ROOT unless STORAGES says otherwise); never served from MEDIA_URL by the
# web server, always through the owning app's view (visibility, safe headers).
# participation.images: the one pipeline for uploaded pictures (the pixel and side
# limits above); a header image for a process may be this large before re-encoding.
IMAGE_UPLOAD_MAX_BYTES = env_int("IMAGE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# A process's documents (PDF plans).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
ATTACHMENTS_PER_PROCESS = env_int("ATTACHMENTS_PER_PROCESS", 20)

# --- E-mail ---------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@localhost")
# Seconds an SMTP connection may wait for the server (the worker, not requests).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# --- Background tasks and notification e-mail ----------------------------------
# Django's Tasks API (the django-tasks backport; django.tasks from Django 6). The
# database backend keeps the queue in the same database, so a task enqueued on
# commit survives restarts; `manage.py worker` runs it (deploy/README.md,
# "The worker"). On PostgreSQL several workers share the queue (SKIP LOCKED).
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Notifications per delivery task (one SMTP connection each).
NOTIFY_EMAIL_BATCH = env_int("NOTIFY_EMAIL_BATCH", 200)

# --- Residents' data (participation/privacy) ---------------------------------------
# Days between a resident asking to delete their account and its erasure; signing
# in (or the button on "Your data") cancels it meanwhile.
PRIVACY_DELETION_COOLING_OFF_DAYS = env_int("PRIVACY_DELETION_COOLING_OFF_DAYS", 14)
# The organisation's policy: does the access log a resident sees name the staff
# member, or only their role and department (the default)?
PRIVACY_ACCESS_LOG_NAMES_STAFF = env_bool("PRIVACY_ACCESS_LOG_NAMES_STAFF", False)
# The accessibility test results shown on /accessibility/ under the policy: written
# by `make a11y-report` and committed with the code it measured.
A11Y_REPORT_PATH = env(
    "A11Y_REPORT_PATH", str(BASE_DIR / "participation" / "privacy" / "a11y_report.json")
)
# Attempts before a delivery is dead (visible in the admin), and the first wait
# between attempts in seconds (doubled each time, at most NOTIFY_EMAIL_MAX_BACKOFF).
NOTIFY_EMAIL_MAX_ATTEMPTS = env_int("NOTIFY_EMAIL_MAX_ATTEMPTS", 6)
NOTIFY_EMAIL_BACKOFF = env_int("NOTIFY_EMAIL_BACKOFF", 60)
NOTIFY_EMAIL_MAX_BACKOFF = env_int("NOTIFY_EMAIL_MAX_BACKOFF", 6 * 3600)
# Local hour (TIME_ZONE) of the daily and weekly digests, and the weekly one's day
# (0 = Monday … 6 = Sunday).
NOTIFY_DIGEST_HOUR = env_int("NOTIFY_DIGEST_HOUR", 7)
NOTIFY_DIGEST_WEEKDAY = env_int("NOTIFY_DIGEST_WEEKDAY", 0)
# How long an unsubscribe link in an e-mail works (days).
NOTIFY_UNSUBSCRIBE_DAYS = env_int("NOTIFY_UNSUBSCRIBE_DAYS", 90)
# Officials cannot turn off their deadline reminders by themselves.
NOTIFY_OFFICIAL_REMINDERS_LOCKED = env_bool("NOTIFY_OFFICIAL_REMINDERS_LOCKED", True)
# An answer approved through a draft (決裁) is signed publicly by its section and
# department; the approving official's name is public only if this is on (it is
# always in the audit log).
RESPONSE_SHOW_OFFICIAL_NAME = env_bool("RESPONSE_SHOW_OFFICIAL_NAME", False)
# How often the draft editor autosaves after typing stops (milliseconds).
RESPONSE_DRAFT_AUTOSAVE_MS = env_int("RESPONSE_DRAFT_AUTOSAVE_MS", 3000)

# --- Security -------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BODY_BYTES", 512 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_SECURE", False):
    # No SECURE_PROXY_SSL_HEADER: the scheme comes from the ASGI server, which
    # believes X-Forwarded-Proto only from the trusted proxy (FORWARDED_ALLOW_IPS,
    # participation/server.py), as it does X-Forwarded-For. Read by Django itself,
    # the header would be believed from anyone who reaches the app directly.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    # The container's health check and the Kubernetes probes call the app over
    # plain HTTP from inside; everything else is redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    # The site's own host and the hosts below it (www.participation…), never the
    # parent domain: HSTS set by a host covers only that host and its subdomains.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading commits the whole registrable domain (the prefecture's or city's,
    # not only this site) to HTTPS in every browser, for years: the domain's
    # owner decides it, so it is off unless asked for, and Django's reminder
    # (security.W021) is silenced only while it is deliberately off.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- User text ------------------------------------------------------------------
SANITIZER_ALLOWED_TAGS = [
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre",
]  # fmt: skip
SANITIZER_ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
SANITIZER_ALLOWED_PROTOCOLS = ["http", "https", "mailto"]

# --- Maps (proposals' optional point; Leaflet vendored in static/vendor/) --------
# Tiles from this URL template ({z}/{x}/{y}); by default the Geospatial Information
# Authority of Japan's standard map (国土地理院 地理院タイル), which asks for its
# attribution. Empty: no map anywhere (the place stays a text field).
MAP_TILE_URL = env(
    "MAP_TILE_URL", "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
)
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    '<a href="https://maps.gsi.go.jp/development/ichiran.html">国土地理院</a>',
)
MAP_TILE_MAX_ZOOM = env_int("MAP_TILE_MAX_ZOOM", 18)
# Where an empty map opens: "latitude,longitude,zoom" (default: Tokyo Station).
MAP_DEFAULT_VIEW = env("MAP_DEFAULT_VIEW", "35.6812,139.7671,13")
# The map's points (GeoJSON, up to 2,000 a process) are rendered once per process
# and language and kept this long in the cache; browsers and shared caches keep
# them as long (a hidden proposal leaves the map within this time).
MAP_POINTS_CACHE_SECONDS = env_int("MAP_POINTS_CACHE_SECONDS", 60)


def _tile_origin(url: str) -> str:
    """The tile server's origin for img-src ("{s}" subdomains as a wildcard)."""
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}" if scheme and host else ""


# --- Content-Security-Policy (django-csp; participation/csp.py) ------------------
# Strict: scripts from this site or with the response's nonce, no inline handlers or
# styles, no eval, no plugins, no framing (as X_FRAME_OPTIONS). connect-src gets
# this host's ws:/wss: from the middleware. CSP_REPORT_ONLY=1 sends the same policy
# as Content-Security-Policy-Report-Only. Violations are logged by /csp-report/.
CSP_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        # The map's tiles come from their server (MAP_TILE_URL).
        "img-src": ["'self'", "data:"]
        + ([_tile_origin(MAP_TILE_URL)] if _tile_origin(MAP_TILE_URL) else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'" if X_FRAME_OPTIONS == "DENY" else "'self'"],
        "report-uri": ["/csp-report/"],
    }
}
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
CONTENT_SECURITY_POLICY = None if CSP_REPORT_ONLY else CSP_POLICY
CONTENT_SECURITY_POLICY_REPORT_ONLY = CSP_POLICY if CSP_REPORT_ONLY else None
CSP_REPORTS_PER_MINUTE = env_int("CSP_REPORTS_PER_MINUTE", 30)  # per client address
CSP_REPORTS_PER_MINUTE_PROCESS = env_int("CSP_REPORTS_PER_MINUTE_PROCESS", 300)

# --- Product settings -----------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", "demo-password-2026")
PROPOSALS_PER_PAGE = 20
SIMILAR_PROPOSALS_LIMIT = 5
COMMENT_MAX_DEPTH = 3
MODERATION_AUTO_HIDE_REPORTS = env_int("MODERATION_AUTO_HIDE_REPORTS", 3)
# Facilitators are reminded once of reports still open after this many hours.
MODERATION_REPORT_REMINDER_HOURS = env_int("MODERATION_REPORT_REMINDER_HOURS", 48)
# Officials are reminded this many (local) days before a response is due.
TRACKER_REMINDER_DAYS = [
    int(d) for d in env_list("TRACKER_REMINDER_DAYS", "7,1") if d.strip()
]
# The completion questionnaire is asked again after this many weeks if unanswered;
# its one-click links stay valid this many days.
TRACKER_QUESTIONNAIRE_WEEKS = env_int("TRACKER_QUESTIONNAIRE_WEEKS", 4)
TRACKER_QUESTIONNAIRE_LINK_DAYS = env_int("TRACKER_QUESTIONNAIRE_LINK_DAYS", 90)
# Officials are reminded once of a dispute still unanswered after this many days.
TRACKER_DISPUTE_REMINDER_DAYS = env_int("TRACKER_DISPUTE_REMINDER_DAYS", 7)
# Per-user rate limits: "count/seconds".
RATE_LIMITS = {
    "proposal": env("RATE_LIMIT_PROPOSAL", "5/3600"),
    "comment": env("RATE_LIMIT_COMMENT", "30/600"),
    "report": env("RATE_LIMIT_REPORT", "20/3600"),
    "support": env("RATE_LIMIT_SUPPORT", "120/600"),
    "opinion": env("RATE_LIMIT_OPINION", "10/60"),
    # The proposal form's live preview (one request per pause in typing).
    "preview": env("RATE_LIMIT_PREVIEW", "120/600"),
    # Photos added one by one to a proposal (the API's photo upload).
    "photo": env("RATE_LIMIT_PHOTO", "30/3600"),
}
# Residency verification (participation/verification). The key of the keyed hashes
# of codes and identities: set it in production and keep it (without it, one is
# derived from SECRET_KEY, and rotating SECRET_KEY voids every unused code).
VERIFICATION_HASH_KEY = env("VERIFICATION_HASH_KEY", "")
# Code entry: per account and per client address (count/seconds); fails closed.
VERIFICATION_RATE_LIMITS = {
    "account": env("VERIFICATION_RATE_LIMIT_ACCOUNT", "10/3600"),
    "address": env("VERIFICATION_RATE_LIMIT_ADDRESS", "30/3600"),
}
# After this many failed codes within the window, code entry is locked.
VERIFICATION_CODE_MAX_FAILURES = env_int("VERIFICATION_CODE_MAX_FAILURES", 5)
VERIFICATION_CODE_LOCK_SECONDS = env_int("VERIFICATION_CODE_LOCK_SECONDS", 24 * 3600)
# How long a code is valid by default (staff may choose 1 to 180 days).
VERIFICATION_CODE_DAYS = env_int("VERIFICATION_CODE_DAYS", 30)
# Where and how residents get a code, in the organisation's words (shown on every
# refusal that needs one); empty: a general sentence, translated.
VERIFICATION_COUNTER_HELP = env("VERIFICATION_COUNTER_HELP", "")
# Codes of the departments whose officials staff the counter: they issue and print
# codes and look up verifications (comma-separated; admins always may).
VERIFICATION_COUNTER_DEPARTMENTS = [
    code.strip()
    for code in env("VERIFICATION_COUNTER_DEPARTMENTS", "").split(",")
    if code.strip()
]
# Identity providers (dotted paths of classes implementing
# participation.verification.methods.provider.IdentityProvider).
VERIFICATION_PROVIDERS = [
    path.strip()
    for path in env("VERIFICATION_PROVIDERS", "").split(",")
    if path.strip()
]
NEW_ACCOUNT_LINK_FREE_COMMENTS = env_int("NEW_ACCOUNT_LINK_FREE_COMMENTS", 3)
DUPLICATE_TEXT_WINDOW_SECONDS = env_int("DUPLICATE_TEXT_WINDOW_SECONDS", 600)
OPENDATA_LICENCE = env("OPENDATA_LICENCE", "CC BY 4.0")
OPENDATA_LICENCE_URL = env(
    "OPENDATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
# Live layer: how long broadcast events are kept for reconnect catch-up, and how many
# missed events a reconnecting client may replay before it is told to reload.
LIVE_EVENT_RETENTION_SECONDS = env_int("LIVE_EVENT_RETENTION_SECONDS", 24 * 3600)
LIVE_CATCHUP_LIMIT = env_int("LIVE_CATCHUP_LIMIT", 200)
# Open websockets per server process from one client address (IPv6: one /64) and
# from one signed-in account; more are refused politely (0: no limit). Per process
# on purpose (participation/live/consumers.py); a meeting hall behind one NAT
# address needs about two per participant (the page and the bell).
LIVE_MAX_SOCKETS_PER_ADDRESS = env_int("LIVE_MAX_SOCKETS_PER_ADDRESS", 200)
LIVE_MAX_SOCKETS_PER_USER = env_int("LIVE_MAX_SOCKETS_PER_USER", 20)
# Open websockets per server process in all (and never more than half its file
# descriptors): about 36 KiB of memory each when idle (measured).
LIVE_MAX_SOCKETS = env_int("LIVE_MAX_SOCKETS", 10000)
# Messages that may wait for one slow websocket (participation/live/fanout.py); past
# that its backlog is dropped and it is closed with a retry hint, to catch up.
LIVE_SOCKET_BACKLOG = env_int("LIVE_SOCKET_BACKLOG", 100)

# --- REST API -------------------------------------------------------------------
# Requests to the API per client and window ("count/seconds"; empty: no limit):
# anonymous clients by address, signed-in users and tokens by account.
API_RATE_ANON = env("API_RATE_ANON", "120/60")
API_RATE_USER = env("API_RATE_USER", "600/60")
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Participation API",
    "DESCRIPTION": (
        "Public, versioned API of the participation platform. Requests are limited "
        "per client (anonymous clients per address, users and personal access "
        "tokens per account; API_RATE_ANON / API_RATE_USER): over the limit the "
        "API answers 429 with a Retry-After header."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProposalStateEnum": "participation.api.choices.PROPOSAL_STATES",
        "ProposalStateFilterEnum": "participation.api.choices.PROPOSAL_STATE_FILTERS",
        "CommentStateEnum": "participation.api.choices.COMMENT_STATES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "participation.api.schema.add_error_responses",
    ],
}

# --- Logging --------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
