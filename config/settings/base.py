"""Settings shared by every environment. Environment variables override the defaults here."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from .queue import huey_settings

# Lets admin and queryset classes take type parameters at runtime (ModelAdmin[WorkOrder]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("HOTLINE_VAR_DIR", BASE_DIR / "var"))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("HOTLINE_SECRET_KEY", "dev-insecure-change-me-0b1d5c")
DEBUG = False
ALLOWED_HOSTS = os.environ.get("HOTLINE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "huey.contrib.djhuey",
    "django_htmx",
    "axes",
    "csp",
    "hotline.core",
    "hotline.directory",
    "hotline.taxonomy",
    "hotline.sla",
    "hotline.workorders",
    "hotline.text",
    "hotline.routing",
    "hotline.knowledge",
    "hotline.analytics",
    "hotline.publication",
    "hotline.supervision",
    "hotline.notifications",
    "hotline.feedback",
    "hotline.assessment",
    "hotline.briefings",
    "hotline.tokens",
    "hotline.channels",
    "hotline.open311",
    "hotline.portal",
    "hotline.workbench",
    "hotline.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hotline.workbench.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hotline.workbench.middleware.IdleLogoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hotline.core.middleware.PageMiddleware",
    "axes.middleware.AxesMiddleware",
]
# Run by PageMiddleware, in this order, for every request but the JSON API's and Open311's (see
# hotline/core/middleware.py). Messages and axes stay in MIDDLEWARE, where the admin's and axes' own
# checks look for them.
PAGE_MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hotline" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hotline.core.navigation.context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hotline.sqlite3'}"),
        conn_max_age=int(os.environ.get("HOTLINE_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes; IMMEDIATE takes the write
    # lock at BEGIN so concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Connections are kept (CONN_MAX_AGE) as on PostgreSQL: opening one and running these pragmas cost
    # about 6.5 ms of CPU, which a request paid again each time when they were closed after it.

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, so that psycopg prepares a statement the fifth time a connection
    # runs it and PostgreSQL stops parsing and planning it each time: the order's statements run
    # thousands of times an hour (bench/lifecycle.py: about a tenth more lifecycles a second). Behind a
    # pooler in transaction mode that does not keep prepared statements (PgBouncer before 1.21), set
    # HOTLINE_DB_SERVER_SIDE_BINDING=0.
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": os.environ.get("HOTLINE_DB_SERVER_SIDE_BINDING", "1") == "1"
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = LOGIN_URL

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "hotline" / "locale"]
TIME_ZONE = os.environ.get("HOTLINE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "hotline" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20  # per request; hotline.core.uploads checks type, size and count per action

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 10 * 3600  # a shift at most; idle sessions end much sooner (below)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Signed out after this long without the person doing anything (polling panels do not count), so an
# unattended desk does not stay signed in. hotline.workbench.middleware.IdleLogoutMiddleware enforces it.
HOTLINE_SESSION_IDLE_SECONDS = int(os.environ.get("HOTLINE_SESSION_IDLE_SECONDS", str(30 * 60)))
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # scripts never read it: the token is in the page (hx-headers on <body>)
CSRF_FAILURE_VIEW = "hotline.workbench.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content security policy (django-csp 4): scripts and styles only from our own static files, no inline
# script or style anywhere (htmx is configured not to inject its indicator styles), no framing.
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

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The portal's rate limits (django-ratelimit) count per client address. Behind a reverse proxy, name the
# request.META key that holds the client's address (e.g. HTTP_X_REAL_IP set by nginx).
RATELIMIT_IP_META_KEY = os.environ.get("HOTLINE_CLIENT_IP_META_KEY") or None

# The background worker's queue: a SQLite file by default (no extra server); Redis or PostgreSQL in
# production with HOTLINE_QUEUE_URL (HOTLINE_REDIS_URL, when set, serves as the queue too).
_redis_url = os.environ.get("HOTLINE_REDIS_URL", "")
HUEY = huey_settings(
    os.environ.get("HOTLINE_QUEUE_URL", _redis_url),
    VAR_DIR,
    workers=int(os.environ.get("HOTLINE_WORKER_THREADS", "4" if _redis_url else "2")),
)

# The cache also holds the rate limits, so it must be shared by every web worker process: Redis when
# configured, else files under var/ (shared by the processes of one machine).
if _redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HOTLINE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The worker: its start-up and shutdown (huey.consumer) and every failure, not two lines per job.
        # Configured here, so `hotline worker` adds no second handler of its own.
        "huey": {
            "handlers": ["console"],
            "level": os.environ.get("HOTLINE_WORKER_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        "huey.consumer": {"level": "INFO"},
    },
}

# Domain settings. Everything a city may change lives in the database; these are boot defaults.
HOTLINE_CITY_NAME = os.environ.get("HOTLINE_CITY_NAME", "海澄市")
HOTLINE_WORKER_STALE_SECONDS = 180  # /healthz calls the worker stale after this long without a heartbeat
AXES_VERBOSE = False
