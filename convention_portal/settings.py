"""Settings for the Convention Monitoring Portal, read from the environment.

Every variable is documented in README.md and .env.example.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from convention_portal.env import check_secret_key, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "local-development-only-key-not-for-production-use"
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = check_secret_key(os.environ.get("DJANGO_SECRET_KEY", ""))
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the host names the portal answers to "
            "(comma-separated) when DJANGO_DEBUG is off."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "core",
    "accounts",
    "measures",
    "experts",
    "api",
    "operations",
    "imports",
    "alerts",
]

# E-mail alerts on a saved search (docs/alerts.md). Days an unconfirmed alert (and its link) lasts before it is
# deleted; the portal's public address for the links in alert mails (else the address each was asked from);
# how many alerts may be asked for per client address an hour, and per e-mail address a day.
ALERT_CONFIRMATION_DAYS = env_int("ALERT_CONFIRMATION_DAYS", 7, minimum=1)
ALERT_SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")
ALERT_RATE_PER_CLIENT = env_int("ALERT_RATE_PER_CLIENT", 10, minimum=1)
ALERT_RATE_PER_ADDRESS = env_int("ALERT_RATE_PER_ADDRESS", 5, minimum=1)

MIDDLEWARE = [
    "convention_portal.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "convention_portal.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for the browsers that ask (static files are already, by WhiteNoise, which answers them
    # above): a map or statistics page is 150 KB of HTML, 25 KB compressed, half a second sooner on a phone's
    # network. Django's gzip adds random bytes to each response against BREACH; CSRF tokens are masked anyway.
    "django.middleware.gzip.GZipMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads request.GET or request.POST: too many fields get the 400 page, with debug on too.
    "convention_portal.field_limits.FieldLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.language.BackOfficeLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it turns any sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "convention_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "measures.context_processors.demo_data",
            ],
        },
    },
]

WSGI_APPLICATION = "convention_portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The task worker and the web process share the file: pages are read while an import writes (WAL; each
    # request's transaction takes the write lock only when it writes), and a writer waits for the other's
    # transaction rather than failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"init_command": "PRAGMA journal_mode=WAL;", "timeout": 30})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs hundreds of milliseconds to seconds on queries PostgreSQL merely estimates as
    # large (facet counts and exports over 50,000 measures), and never pays back on a web application's queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# After signing in: the back office's home (an unsafe `next` falls back to it).
LOGIN_REDIRECT_URL = "admin:index"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our date formats where Django's defaults differ (convention_portal/formats/); templates name DATE_FORMAT.
FORMAT_MODULE_PATH = ["convention_portal.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Numbers rendered in templates are grouped as each language writes them (1,234 / 1 234 / 1.234); years, ids and
# numbers in URLs or attributes are written with |unlocalize (docs/development.md, "Numbers and dates").
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Hashed, compressed files served by WhiteNoise after collectstatic; plain files while developing.
# While developing (and in tests, which run with debug forced off), WhiteNoise serves the app folders'
# files without collectstatic; in production only the collected, hashed ones.
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded files (import files, until their job's retention ends): on this machine's disk by default; in an
# S3-compatible object store when S3_BUCKET is set, so that the task worker may run on another machine
# (docs/operations.md: needs `pip install django-storages[s3]`, credentials from the usual AWS_* variables).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
S3_BUCKET = os.environ.get("S3_BUCKET", "").strip()
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
                "location": os.environ.get("S3_PREFIX", "portal"),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL={LOG_LEVEL!r} is not a logging level.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "convention_portal.logging.JsonLineFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Requests are logged once, by RequestLogMiddleware; errors still come through django.request.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        # The periodic reports' PDF (measures/directory/report_pages.py): WeasyPrint logs each layout step, and a
        # warning for each rule of the site's stylesheet it does not apply; only its errors are worth a line.
        "weasyprint": {"level": "ERROR"},
    },
}

# Mail: printed to the console locally, sent through SMTP in production.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portal@localhost")
# Where people write to ask for a back-office account (the /contribute/ page); the sender address by default.
CONTACT_EMAIL = os.environ.get("DJANGO_CONTACT_EMAIL", "").strip() or DEFAULT_FROM_EMAIL
SERVER_EMAIL = DEFAULT_FROM_EMAIL

BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    if not SECURE_SSL_REDIRECT:
        # Turned off on purpose: the reverse proxy in front redirects http to https (or a loopback test).
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Addresses carry search terms and filters: other sites get no referrer at all, the portal's own pages the full one.
SECURE_REFERRER_POLICY = "same-origin"
# In every mode: only the portal's own files, nothing inline, no plugins, never framed. Styles and scripts live
# in static files; an inline script would carry django-csp's nonce (request.csp_nonce), never 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The admin's address; set another in production so it is not where scanners look first.
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from one address, that
# pair is refused for the cool-off. Counting the pair, not the username alone, keeps an attacker elsewhere
# from locking a real user out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Each attempt while locked out starts the cool-off again, so guessing on through the lock gains nothing.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_CLIENT_IP_CALLABLE = "convention_portal.client_address.client_ip_address"
AXES_LOCKOUT_CALLABLE = "accounts.login_throttling.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# No start-up banner: logs go to stdout, where `manage.py dumpdata` and the like write their output.
AXES_VERBOSE = False

# Sessions last a working day from sign-in. Not renewed on each request (no sliding expiry): a leaked session
# cookie stays usable for at most that long, and browsing the admin costs no session write per page.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# `manage.py load_reference_data` runs these in order, each returning a one-line summary.
REFERENCE_DATA_LOADERS = [
    "measures.reference_data.load",
    "experts.reference_data.load",
]

# One cache for the API's throttling and the public page cache (convention_portal/page_cache.py):
# Redis shared by every worker in production (when it cannot be reached, pages are served uncached:
# convention_portal/cache_backends.py), this process's memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "convention_portal.cache_backends.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}
# The task worker tells the web process how far an import has gone (imports.models.ImportJob.report_progress):
# a cache both processes read, Redis in production, files on this machine without it.
CACHES["progress"] = (
    {"BACKEND": "convention_portal.cache_backends.ResilientRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "progress"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("PROGRESS_CACHE_DIR") or str(BASE_DIR / "var" / "progress"),
    }
)

# Background work (imports) runs in `manage.py db_worker`, which takes its tasks from the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Bulk import of measures (docs/import.md). An upload larger than this is refused before it is stored.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_MB", 50, minimum=1) * 1024 * 1024
# An XLSX is a ZIP: one that would expand beyond this when opened is refused unread (a "ZIP bomb").
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_XLSX_UNCOMPRESSED_MB", 500, minimum=1) * 1024 * 1024
# Days an uploaded file is kept once its job is done (or refused), before `make housekeeping` deletes it.
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 7, minimum=0)
# A job whose worker has told no progress for this long is marked failed by housekeeping (the worker died).
IMPORT_STALLED_MINUTES = env_int("IMPORT_STALLED_MINUTES", 30, minimum=1)
# How long a public page stays cached for anonymous visitors; any change to the data empties it at once.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600, minimum=0)

# Open data API: read-only, anonymous, throttled, readable from other sites.
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/min")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PortalPagination",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousRateThrottle"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Convention Monitoring Portal API",
    "DESCRIPTION": (
        "Read-only open data on the implementation of the 2005 UNESCO Convention on the Diversity of "
        "Cultural Expressions: published measures, Parties, organisations, the monitoring framework, "
        "periodic reports, governing bodies and meetings. List filters take the same parameters as the "
        "portal's pages; a repeated parameter means OR, different parameters AND."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from validator.swagger.io: the documentation page loads nothing from other sites.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
