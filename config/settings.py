"""Settings read from the environment (django-environ).

DEBUG is off unless DJANGO_DEBUG says otherwise, so a production deploy that forgets the variable refuses
to start without a real DJANGO_SECRET_KEY instead of running in debug with the development key. The
development entry points (`make run`, `make test`, scripts/run-dev.sh, plain `pytest` through pytest-env)
set DJANGO_DEBUG=True when it is unset; with it the app needs nothing else: SQLite, an embedded Celery broker.
Production must give DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import ipaddress
import socket
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("DJANGO_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (32+ characters) is required when DJANGO_DEBUG is off, which is the default. "
            "On a development machine set DJANGO_DEBUG=True (make run and make test do it for you)."
        )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "pgtrigger",
    "csp",
    # Second factor (issue 11 §2): TOTP devices and their recovery codes (static tokens).
    "django_otp",
    # Its two plugins under Vietnamese names in the admin (issue 12 §7).
    "accounts.apps.AuthenticatorAppsConfig",
    "accounts.apps.RecoveryCodesConfig",
    # Sign-in throttling (issue 11 §1): django-axes, under a Vietnamese name in the admin.
    "accounts.apps.SignInThrottlingConfig",
    "core",
    "accounts",
    "proposals",
    # Stage apps, in the order of the lifecycle (core.stages): each plugs into the proposal's pages.
    "approvals",
    "implementation",
    "directions",
    "evaluation",
    "incidents",
    "dossier",
    "publication",
    "reminders",
    "reports",
    # Outgoing events (issue 13 §3): webhooks through a transactional outbox, on top of every stage.
    "webhooks",
    "demo",
    # The JSON API (issue 13): Django REST framework, its OpenAPI document by drf-spectacular, Swagger UI from
    # our own static files (drf-spectacular-sidecar: no CDN).
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    # First: every answer names the web node that gave it, the errors of the middleware below included (issue 14 §1).
    "core.middleware.ServedByMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Under /api/: every error as application/problem+json, the input guard's below included (issue 13 §5).
    "api.problems.ProblemMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Issue 11 §6: NUL bytes and invalid UTF-8 refused (400) before the session is read; database refusals as 4xx/503.
    "core.input_guard.InputGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.VietnameseFirstLocaleMiddleware",
    # Under /api/: the language of Accept-Language rather than the cookie (issue 13 §5).
    "api.problems.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.uploads.limits.UploadLimitMiddleware",  # before CSRF, the first to read a POST body (issue 11 §4)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(), then the fence that keeps a password-only session on the second-factor pages.
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.middleware.TwoFactorFenceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An SSO session past its ID token's end is signed out, not renewed (accounts.sso); it tells why in a message.
    "accounts.sso.middleware.SSOSessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the 429 page (accounts.throttling).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "proposals.context_processors.acting_positions",
                "core.context_processors.navigation",
                "core.context_processors.badges",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Writers wait for each other instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# A connection serves many requests (issue 10: opening one per request cost the home page a third of its time);
# the health check replaces a connection the database dropped (restart, failover) instead of failing a request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Issue 11 §6: no request holds a worker on an endless query. PostgreSQL cancels any statement of the web process
# after DATABASE_STATEMENT_TIMEOUT seconds (0: never) and core.input_guard answers 503; Celery workers use
# WORKER_STATEMENT_TIMEOUT instead (config/celery.py) and `migrate` none (core.statement_timeout).
DATABASE_STATEMENT_TIMEOUT = env.int("DATABASE_STATEMENT_TIMEOUT", default=30)
WORKER_STATEMENT_TIMEOUT = env.int("WORKER_STATEMENT_TIMEOUT", default=0)
if min(DATABASE_STATEMENT_TIMEOUT, WORKER_STATEMENT_TIMEOUT) < 0:
    raise ImproperlyConfigured("DATABASE_STATEMENT_TIMEOUT and WORKER_STATEMENT_TIMEOUT are seconds, 0 or more.")


def add_statement_timeout(database: dict, seconds: int) -> None:
    """Give a PostgreSQL `database` (a DATABASES entry) a session statement_timeout; 0 is none. A later call wins:
    PostgreSQL applies the last `-c` of a setting."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c statement_timeout={seconds * 1000}".strip()


add_statement_timeout(DATABASES["default"], DATABASE_STATEMENT_TIMEOUT)
# Issue 10: the statements core.prepared runs are prepared once per connection (protocol-level: PgBouncer >= 1.21 in
# transaction mode with max_prepared_statements > 0), at most DATABASE_PREPARED_MAX per connection; 0: none.
DATABASE_PREPARED_MAX = env.int("DATABASE_PREPARED_MAX", default=16)
if DATABASE_PREPARED_MAX > 0 and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)  # psycopg's; None: never

# Issue 14 §3: reports, dashboards and exports may read from a streaming replica (deploy/replica.md). Empty: no
# replica, and core.db_router sends everything to the primary. Only code inside `core.db_router.replica_reads()`
# reads there, and only while the replica is reachable and at most REPLICA_MAX_LAG_SECONDS behind, measured on it
# at most every REPLICA_LAG_CHECK_SECONDS per process.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30)
REPLICA_LAG_CHECK_SECONDS = env.float("REPLICA_LAG_CHECK_SECONDS", default=5)
if REPLICA_MAX_LAG_SECONDS <= 0 or REPLICA_LAG_CHECK_SECONDS < 0:
    raise ImproperlyConfigured("REPLICA_MAX_LAG_SECONDS must be above 0 and REPLICA_LAG_CHECK_SECONDS 0 or more.")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a PostgreSQL URL (postgres://...).")
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True,
        # Tests never create a database for it: it is the primary's, replicated.
        TEST={"MIRROR": "default"},
    )
    # A replica that does not answer costs a report 3 s before it falls back to the primary, not a TCP timeout.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    add_statement_timeout(DATABASES["replica"], DATABASE_STATEMENT_TIMEOUT)
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first (spec README §1): the UI speaks Vietnamese unless the user picks English.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy in and out for every language: Django's own "vi" locale would also accept month-first input.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploaded files live outside any public path and are served only through permission-checked views.
MEDIA_ROOT = Path(env.str("DJANGO_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Issue 11 §6: how many fields and files one request may carry (more is a 400 before any form is built).
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", default=2000)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FILES", default=20)

# --- Upload limits and checks (issue 11 §4; core/uploads/) ---
# A request whose Content-Length is over this is answered 413 before its body is read: the largest file limit
# plus room for the other form fields. Several files sent at once share it.
UPLOAD_REQUEST_MAX_BYTES = env.int(
    "UPLOAD_REQUEST_MAX_BYTES", default=max(ATTACHMENT_MAX_BYTES, IMPORT_MAX_UPLOAD_BYTES) + 2 * 1024 * 1024
)
# Counts the files as they arrive and stops past the limits above (no or a wrong Content-Length).
FILE_UPLOAD_HANDLERS = [
    "core.uploads.limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# DOCX/XLSX/ODT are zip archives: refused past these (zip bombs).
UPLOAD_ARCHIVE_MAX_BYTES = env.int("UPLOAD_ARCHIVE_MAX_BYTES", default=100 * 1024 * 1024)
UPLOAD_ARCHIVE_MAX_RATIO = env.int("UPLOAD_ARCHIVE_MAX_RATIO", default=100)
UPLOAD_ARCHIVE_MAX_ENTRIES = env.int("UPLOAD_ARCHIVE_MAX_ENTRIES", default=10_000)
# Images are decoded and re-encoded; refused past this many pixels (decompression bombs).
UPLOAD_IMAGE_MAX_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=50_000_000)
# ClamAV daemon for a virus scan of every upload: tcp://host:3310 or unix:///run/clamav/clamd.ctl; empty = no scan.
CLAMAV_ADDRESS = env.str("CLAMAV_ADDRESS", default="")
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)

# --- Document store (issue 14 §2; config/storages.py, deploy/storage.md) ---
# DOCUMENT_STORE=filesystem (MEDIA_ROOT above, local or NFS) or s3 (DOCUMENT_S3_*): replaces STORAGES["default"].
from config.storages import document_storages  # noqa: E402 - needs nothing but the environment

DOCUMENT_STORE, _document_storages = document_storages(env)
STORAGES.update(_document_storages)
# Seconds the readiness probe (core.document_store.document_store_ready) may take to write, read and delete.
DOCUMENT_STORE_PROBE_TIMEOUT = env.float("DOCUMENT_STORE_PROBE_TIMEOUT", default=3.0)
# On the filesystem store, documents and their folders are the app user's alone (the same uid on every node that
# mounts the share; deploy/storage.md).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG

# Security headers (issue 11 §3; README "Security headers"). In DEBUG (make run, the tests) the HTTPS redirect and
# HSTS are off, since the development server speaks plain HTTP, but the CSP stays on so that tests and browser
# walks meet the policy production sends. deploy/production.env.example passes `check --deploy` without a warning.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Behind a proxy that terminates TLS, the header it sets on HTTPS requests (e.g. X-Forwarded-Proto); it must
# overwrite any value the client sent, or a client could claim HTTPS. Unset: the request's own scheme counts.
_proxy_ssl_header = env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_REFERRER_POLICY = env.str("DJANGO_SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Browser features the app never uses, refused to any script (core.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY_DENIED = env.list(
    "DJANGO_PERMISSIONS_POLICY_DENIED", default=["camera", "microphone", "geolocation", "payment", "usb"]
)
# Content-Security-Policy (django-csp): scripts and styles from our own static files only, never inline; a
# template that needs an inline block takes a nonce (request.csp_nonce), as errors/500.html does. Bootstrap's
# CSS draws its checkboxes and select arrows with data: images. CSP_REPORT_ONLY=True sends the same policy
# as Content-Security-Policy-Report-Only, for a first rollout that only reports.
_csp_policy = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": env.str("CSP_REPORT_URI", default="") or None,
    }
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp_policy
else:
    CONTENT_SECURITY_POLICY = _csp_policy



def _env_int_in(name: str, default: int, low: int, high: int) -> int:
    """An integer setting that must lie in [low, high]: a typo fails at start-up, not at 7 o'clock."""
    value = env.int(name, default=default)
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, not {value}.")
    return value


def _env_float_in(name: str, default: float, low: float, high: float) -> float:
    value = env.float(name, default=default)
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, not {value}.")
    return value


# E-mail (spec README §5): SMTP when DJANGO_EMAIL_HOST is set, otherwise the console (development: mails are
# printed by the worker). core/mail.py is the one place that sends.
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="")
EMAIL_PORT = _env_int_in("DJANGO_EMAIL_PORT", 25, 1, 65535)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("DJANGO_EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set DJANGO_EMAIL_USE_TLS (STARTTLS, usually port 587) or DJANGO_EMAIL_USE_SSL (port 465), not both.")
# A worker must not hang forever on a mail server that stopped answering.
EMAIL_TIMEOUT = _env_int_in("DJANGO_EMAIL_TIMEOUT", 30, 1, 600)
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
# Only for the file backend (DJANGO_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend).
EMAIL_FILE_PATH = env.str("DJANGO_EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="no-reply@localhost")
# Links in e-mails are absolute: the address users open the application at.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.netloc or _site.query or _site.fragment:
    raise ImproperlyConfigured(f"SITE_URL must be an http(s) address such as https://decree73.example.gov.vn, not {SITE_URL!r}.")
# How long a claimed e-mail or reminder stays claimed: after that, a worker that died holding it is presumed dead.
MAIL_CLAIM_LEASE_SECONDS = _env_int_in("MAIL_CLAIM_LEASE_SECONDS", 600, 1, 86400)

# Reminders and escalation (spec README §5): the daily deadline scan, then the daily digest, local time.
REMINDER_SCAN_HOUR = _env_int_in("REMINDER_SCAN_HOUR", 7, 0, 23)
REMINDER_SCAN_MINUTE = _env_int_in("REMINDER_SCAN_MINUTE", 0, 0, 59)
REMINDER_DIGEST_HOUR = _env_int_in("REMINDER_DIGEST_HOUR", 7, 0, 23)
REMINDER_DIGEST_MINUTE = _env_int_in("REMINDER_DIGEST_MINUTE", 30, 0, 59)
# Seconds between two reminder e-mails, for mail servers that limit the rate (0: none).
REMINDER_SEND_PAUSE_SECONDS = env.float("REMINDER_SEND_PAUSE_SECONDS", default=0.0)
if not 0 <= REMINDER_SEND_PAUSE_SECONDS <= 60:
    raise ImproperlyConfigured("REMINDER_SEND_PAUSE_SECONDS must be between 0 and 60.")

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport so that `make run`
# needs no service at all.
REDIS_URL = env.str("REDIS_URL", default="")


def cache_and_sessions(redis_url: str, key_prefix: str = "") -> tuple[dict, str]:
    """CACHES and SESSION_ENGINE: with Redis, a shared cache in front of the database's sessions.

    `cached_db` reads a session from Redis and writes it through to the database, so a Redis restart logs nobody
    out. Without Redis each process would keep a cache of its own and read stale sessions: they stay in the
    database. Deployments sharing one Redis database need their own `key_prefix`, or one's session keys would
    open the other's cached sessions.
    """
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}, "django.contrib.sessions.backends.db"
    cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": key_prefix}
    return {"default": cache}, "django.contrib.sessions.backends.cached_db"


# CELERY_BROKER_URL: another broker than REDIS_URL, e.g. RabbitMQ (amqp://user:password@host:5672/vhost), for
# agencies that already run one; Redis still serves the cache, sessions and beat's lock (deploy/celery.md).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://"
_BROKER_SCHEME = urlsplit(CELERY_BROKER_URL).scheme
if _BROKER_SCHEME not in ("redis", "rediss", "amqp", "amqps", "filesystem"):
    raise ImproperlyConfigured(f"CELERY_BROKER_URL must be a redis://, rediss://, amqp:// or amqps:// URL, not {_BROKER_SCHEME!r}.")
# With acks_late, a task whose worker was killed is handed out again once the visibility timeout has passed
# (Redis); it must exceed the longest task. A key prefix lets several deployments share one Redis database.
CELERY_VISIBILITY_TIMEOUT = _env_int_in("CELERY_VISIBILITY_TIMEOUT", 3600, 1, 7 * 86400)
# Parallel test processes (pytest-xdist sets PYTEST_XDIST_WORKER) share one Redis database: unless a prefix is
# given, each keeps its cache and broker keys under its own, as pytest-django gives each its own test database.
CELERY_BROKER_KEY_PREFIX = env.str("CELERY_BROKER_KEY_PREFIX", default="") or (
    f"test-{worker}:" if (worker := env.str("PYTEST_XDIST_WORKER", default="")) else ""
)
CACHES, SESSION_ENGINE = cache_and_sessions(REDIS_URL, CELERY_BROKER_KEY_PREFIX)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
    | ({"global_keyprefix": CELERY_BROKER_KEY_PREFIX} if CELERY_BROKER_KEY_PREFIX else {})
    if _BROKER_SCHEME in ("redis", "rediss")
    else {}  # RabbitMQ redelivers an unacknowledged task when its consumer's connection closes: no timeout to set
    if _BROKER_SCHEME in ("amqp", "amqps")
    else {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
)
for _folder in CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", ""), CELERY_BROKER_TRANSPORT_OPTIONS.get("control_folder", ""):
    if _folder:
        Path(_folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# django-celery-beat's DatabaseScheduler (the schedule is edited in the admin) behind a Redis lock: beat may be
# started on several nodes, only the holder of the lock sends anything (config/beat.py, deploy/celery.md).
CELERY_BEAT_SCHEDULER = "config.beat:SingleBeatScheduler"

# Working-day calendar: the years seeded from the `holidays` package after each migrate (spec §4).
WORKCAL_SEED_FIRST_YEAR = env.int("WORKCAL_SEED_FIRST_YEAR", default=2023)
WORKCAL_SEED_YEARS_AHEAD = env.int("WORKCAL_SEED_YEARS_AHEAD", default=9)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

# Exactly one beat sends (README "Operations"): two would scan twice. The ledgers would make that harmless, but
# every reminder would be claimed twice for nothing; the beat lock below keeps the others standing by.
CELERY_BEAT_SCHEDULE = {
    "verify-audit-chain-nightly": {"task": "core.tasks.verify_audit_chain", "schedule": crontab(hour=2, minute=0)},
    "extend-working-day-calendar": {
        "task": "core.tasks.extend_calendar", "schedule": crontab(hour=3, minute=0, day_of_week="mon")
    },
    "scan-deadlines-daily": {
        "task": "reminders.tasks.scan_deadlines",
        "schedule": crontab(hour=REMINDER_SCAN_HOUR, minute=REMINDER_SCAN_MINUTE),
    },
    "send-digests-daily": {
        "task": "core.tasks.send_digests",
        "schedule": crontab(hour=REMINDER_DIGEST_HOUR, minute=REMINDER_DIGEST_MINUTE),
    },
    "email-pending-notifications": {"task": "core.tasks.email_pending_notifications", "schedule": crontab(minute="*/5")},
    # The internal quarterly reports (reports.md [I]) of the quarter just ended.
    "quarterly-reports": {
        "task": "reports.tasks.produce_quarterly_reports",
        "schedule": crontab(hour=5, minute=30, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # Webhook deliveries whose retry is due, and any whose on-commit task was lost (README "Webhooks").
    "deliver-due-webhooks": {"task": "webhooks.tasks.sweep_webhooks", "schedule": 60.0},
    # Plan documents whose on-commit task was lost or failed (proposals.documents.plan_issue_overdue).
    "issue-overdue-plans": {"task": "proposals.tasks.issue_overdue_plans", "schedule": 300.0},
}

# Celery across nodes (issue 14 §4, deploy/celery.md): one queue per kind of work, so that each can have workers
# of its own on machines of its own (`celery -A config worker -Q reports`): a long annual report never holds up
# the morning's reminders. A worker started without -Q consumes every queue below, as a single machine needs.
#   reminders: the daily deadline scan and the digests that follow it (time-bound, the SMTP server's pace);
#   reports: annual report versions and the quarterly reports (long, memory-hungry, CPU for XLSX and PDF);
#   documents: PDF generation and document tasks: the plan's document of each submitted version and its sweep
#     (issue 10; the plan has no number to see); the other issued PDFs are rendered in the request that issues
#     them, so that the signer sees the number at once;
#   default: the rest, all short: one notification's e-mail and the pending-mail sweep, webhook deliveries and
#     their sweep, the nightly audit-chain check, the calendar's extension.
# Every task is routed by name (tests/core/test_celery.py fails on one that is not).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = tuple(Queue(name) for name in ("default", "reminders", "reports", "documents"))
CELERY_TASK_ROUTES = {
    "reminders.tasks.scan_deadlines": {"queue": "reminders"},
    "core.tasks.send_digests": {"queue": "reminders"},
    "core.tasks.send_digest": {"queue": "reminders"},
    "reports.tasks.produce_report": {"queue": "reports"},
    "reports.tasks.produce_quarterly_reports": {"queue": "reports"},
    "core.tasks.email_notification": {"queue": "default"},
    "core.tasks.email_pending_notifications": {"queue": "default"},
    "webhooks.tasks.deliver_webhook": {"queue": "default"},
    "webhooks.tasks.sweep_webhooks": {"queue": "default"},
    "core.tasks.verify_audit_chain": {"queue": "default"},
    "core.tasks.extend_calendar": {"queue": "default"},
    "proposals.tasks.issue_plan": {"queue": "documents"},
    "proposals.tasks.issue_overdue_plans": {"queue": "documents"},
}
# Beat may be started on several nodes; only the holder of a Redis lock (REDIS_URL, key under
# CELERY_BROKER_KEY_PREFIX) sends. The holder renews it every third of CELERY_BEAT_LOCK_TTL seconds; the others
# try as often and one of them takes over at most TTL + TTL/3 seconds after the holder died (config/beat.py).
CELERY_BEAT_LOCK_TTL = _env_int_in("CELERY_BEAT_LOCK_TTL", 30, 2, 3600)
# The holder writes each entry's last run to the database as soon as it has sent it, so that a beat taking over
# does not send again what the dead one had just sent.
CELERY_BEAT_SYNC_EVERY = 1

# Webhooks (issue 13 §3, README "Webhooks"): each attempt waits at most the connect and read timeouts; a failed
# one is retried after min(base * 2^(n-1), max) seconds, less up to half of it at random, until the n-th attempt
# fails for good ("failed": an administrator re-queues it). Receivers must use https unless they are on loopback
# or WEBHOOK_ALLOW_HTTP says plain http is acceptable on this network.
WEBHOOK_CONNECT_TIMEOUT_SECONDS = _env_float_in("WEBHOOK_CONNECT_TIMEOUT_SECONDS", 5.0, 0.1, 120)
WEBHOOK_READ_TIMEOUT_SECONDS = _env_float_in("WEBHOOK_READ_TIMEOUT_SECONDS", 10.0, 0.1, 120)
WEBHOOK_MAX_ATTEMPTS = _env_int_in("WEBHOOK_MAX_ATTEMPTS", 10, 1, 50)
WEBHOOK_BACKOFF_BASE_SECONDS = _env_int_in("WEBHOOK_BACKOFF_BASE_SECONDS", 30, 1, 3600)
WEBHOOK_BACKOFF_MAX_SECONDS = _env_int_in("WEBHOOK_BACKOFF_MAX_SECONDS", 6 * 3600, WEBHOOK_BACKOFF_BASE_SECONDS, 7 * 86400)
# How many due deliveries one sweep attempts; the next sweep takes the rest.
WEBHOOK_SWEEP_BATCH = _env_int_in("WEBHOOK_SWEEP_BATCH", 200, 1, 10000)
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)

# How long a report's download link works (issue 9: "a permission-checked download link that expires").
REPORT_LINK_MAX_AGE = _env_int_in("REPORT_LINK_MAX_AGE", 3600, 60, 7 * 86400)

# Plans and their comparison (issue 11 §5): the longest text the plan form takes in one field, and the bounds of
# the version comparison (proposals.diff): past PLAN_DIFF_MAX_WORDS words in a field, or when the diffs of a page
# run past PLAN_DIFF_TIME_BUDGET_SECONDS, a field's two versions are shown side by side instead of word by word.
PLAN_TEXT_MAX_LENGTH = _env_int_in("PLAN_TEXT_MAX_LENGTH", 30_000, 1_000, 1_000_000)
PLAN_DIFF_MAX_WORDS = _env_int_in("PLAN_DIFF_MAX_WORDS", 20_000, 100, 1_000_000)
PLAN_DIFF_TIME_BUDGET_SECONDS = env.float("PLAN_DIFF_TIME_BUDGET_SECONDS", default=0.5)
if not 0.01 <= PLAN_DIFF_TIME_BUDGET_SECONDS <= 10:
    raise ImproperlyConfigured("PLAN_DIFF_TIME_BUDGET_SECONDS must be between 0.01 and 10.")

# The database role the app serves as, when `migrate` runs as the tables' owner (issue 11 §7, README "Database
# roles"): migrate then grants it what it needs and revokes what could rewrite the audit log (grant_app_role).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")
# Second factor (issue 11 §2, django-otp). Who must have one: Position roles held today, and "admin" for staff
# and superusers (an unknown name fails `manage.py check`); the others may enrol from the account menu.
# Empty: optional for everyone.
TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=["head", "deputy", "secretariat", "admin"])
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Decree73")
# After n successive wrong codes a device refuses to check another for factor * 2^(n-1) seconds.
OTP_TOTP_THROTTLE_FACTOR = _env_int_in("OTP_TOTP_THROTTLE_FACTOR", 1, 1, 60)
OTP_STATIC_THROTTLE_FACTOR = _env_int_in("OTP_STATIC_THROTTLE_FACTOR", 1, 1, 60)
# django-otp's admin pages never show a device's key, QR code or recovery codes: an administrator can remove a
# lost device, not copy someone's second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sign-in throttling (issue 11 §1, README "Sign-in throttling"): django-axes counts failed sign-ins, of the app's
# login and the admin's, per account and per client address, each against its own limit (accounts.throttling).
# A lock lasts SIGN_IN_COOLOFF_MINUTES, doubled for each earlier lock of the account or address within a day, up
# to SIGN_IN_COOLOFF_MAX_MINUTES. The client address is REMOTE_ADDR unless SIGN_IN_TRUSTED_PROXY_COUNT says how
# many reverse proxies of ours add to X-Forwarded-For: never trust that header otherwise.
# Local passwords can be switched off per deployment once sign-in goes through the provider (below): the login
# page then shows only the provider's button and no password authenticates anywhere (the admin signs in there too).
LOCAL_PASSWORD_LOGIN = env.bool("LOCAL_PASSWORD_LOGIN", default=True)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if LOCAL_PASSWORD_LOGIN else []),
    "accounts.sso.backend.SSOBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = _env_int_in("SIGN_IN_FAILURE_LIMIT", 5, 1, 100)
SIGN_IN_ADDRESS_FAILURE_LIMIT = _env_int_in("SIGN_IN_ADDRESS_FAILURE_LIMIT", 20, 1, 100000)
SIGN_IN_COOLOFF_MINUTES = _env_int_in("SIGN_IN_COOLOFF_MINUTES", 15, 1, 24 * 60)
SIGN_IN_COOLOFF_MAX_MINUTES = _env_int_in("SIGN_IN_COOLOFF_MAX_MINUTES", 24 * 60, SIGN_IN_COOLOFF_MINUTES, 30 * 24 * 60)
SIGN_IN_TRUSTED_PROXY_COUNT = _env_int_in("SIGN_IN_TRUSTED_PROXY_COUNT", 0, 0, 10)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.throttling.ThrottlingHandler"
AXES_COOLOFF_TIME = "accounts.throttling.cool_off"
# Each failure expires on its own date, fixed when it happened: cool-offs differ between offenders.
AXES_USE_ATTEMPT_EXPIRATION = True
# Attempts while locked are refused without being counted: the lock ends when the page said it would, and
# the lock's audit event is written once.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Each failure is kept with whether it locked (the repeat-offender count); successful sign-ins are not logged.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
# axes would print its banner on every manage.py command.
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "accounts.throttling.attempted_username"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.locked_out_response"
# accounts.admin shows the attempts with the audited unlock instead of axes' own pages.
AXES_ENABLE_ADMIN = False

# Single sign-on through OpenID Connect (issue 13 §4, README "Single sign-on (OpenID Connect)", accounts.sso with
# mozilla-django-oidc): offered once OIDC_RP_CLIENT_ID is set. Authorisation code with PKCE (S256). The endpoints
# come from the issuer's discovery document unless given one by one.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # never: people are matched to existing users only (accounts.sso.backend)
OIDC_TIMEOUT = _env_int_in("OIDC_TIMEOUT", 10, 1, 120)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
# Which claim names the person, and which field of User holds the same value (compared without case).
SSO_MATCH_CLAIM = env.str("SSO_MATCH_CLAIM", default="preferred_username")
SSO_MATCH_FIELD = env.str("SSO_MATCH_FIELD", default="username")
if SSO_MATCH_FIELD not in {"username", "email", "employee_code"}:
    raise ImproperlyConfigured("SSO_MATCH_FIELD must be username, email or employee_code")
# The login page's button says "Đăng nhập bằng <SSO_LABEL>".
SSO_LABEL = env.str("SSO_LABEL", default="tài khoản định danh")
# How long an SSO session lasts; 0: until the ID token expires. Then the person signs in again (never renewed
# silently).
SSO_SESSION_SECONDS = _env_int_in("SSO_SESSION_SECONDS", 0, 0, 30 * 24 * 3600)
# Sign-out is a form whose answer redirects to the provider's end_session_endpoint: browsers hold that redirect to
# the CSP's form-action, so the provider's origin (of OIDC_OP_LOGOUT_ENDPOINT, else of the issuer) joins 'self'.
_sso_logout = urlsplit(OIDC_OP_LOGOUT_ENDPOINT or OIDC_OP_ISSUER)
if OIDC_RP_CLIENT_ID and _sso_logout.netloc:
    _csp_policy["DIRECTIVES"]["form-action"].append(f"{_sso_logout.scheme}://{_sso_logout.netloc}")

# The JSON API (issue 13, api/). Tokens (`Authorization: Bearer`) for systems; the session, with its CSRF check,
# for the reference page. API_RATE_LIMIT: requests per token (per person for a session), e.g. "600/min".
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": API_RATE_LIMIT},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Đổi mới, sáng tạo — API",
    "DESCRIPTION": "Decree 73/2023: proposals, documents, units, reports and the actions a person may take. "
                   "Errors are application/problem+json; Accept-Language: en for English titles.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Operations (issue 14 §5, deploy/observability.md): health, request ids in structured logs, Prometheus ------
# core.observability.middleware.ObservabilityMiddleware comes first: it answers /healthz, /readyz and /metrics
# before the HTTPS redirect, the host check and the session, and times and logs every other request.
# (Only ServedByMiddleware is outside it, so that the balancer's health checks also name the node that answered.)
MIDDLEWARE.insert(MIDDLEWARE.index("core.middleware.ServedByMiddleware") + 1, "core.observability.middleware.ObservabilityMiddleware")
# json: one JSON object per line (production's default); text: readable lines (DEBUG's default, `make run`).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING["filters"] = {"request_id": {"()": "core.observability.logs.RequestIdFilter"}}
LOGGING["formatters"] = {
    "json": {"()": "core.observability.logs.json_formatter"},
    "text": {"()": "core.observability.logs.text_formatter"},
}
LOGGING["handlers"]["console"] |= {"formatter": LOG_FORMAT, "filters": ["request_id"]}
# The balancer's X-Request-ID is taken as the request's id when well-formed (nginx: proxy_set_header X-Request-ID
# $request_id); off: every request gets an id of ours, whatever the client sent.
REQUEST_ID_TRUST_HEADER = env.bool("REQUEST_ID_TRUST_HEADER", default=True)
# /readyz: how long each check (database, broker, document store) may take before the node is "not ready".
READYZ_TIMEOUT_SECONDS = _env_float_in("READYZ_TIMEOUT_SECONDS", 2.0, 0.1, 30)
# /metrics answers only these client addresses (CIDRs; a request forwarded by a proxy never counts as one) or a
# request with `Authorization: Bearer <METRICS_BEARER_TOKEN>`; anyone else gets 404.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"])
try:
    METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network(cidr, strict=False) for cidr in METRICS_ALLOWED_IPS]
except ValueError as _error:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {_error}") from None
METRICS_BEARER_TOKEN = env.str("METRICS_BEARER_TOKEN", default="")
if METRICS_BEARER_TOKEN and len(METRICS_BEARER_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_BEARER_TOKEN must be 32 characters or more (or empty: addresses only).")
# The Celery queues whose depth /metrics reports; empty: the default queue, the declared ones and those routes name.
METRICS_QUEUES = env.list("METRICS_QUEUES", default=[])
METRICS_MAX_QUEUES = 20
# A worker's own metrics endpoint (task durations and failures): its main process listens here; 0: none.
CELERY_METRICS_PORT = _env_int_in("CELERY_METRICS_PORT", 0, 0, 65535)
CELERY_METRICS_ADDRESS = env.str("CELERY_METRICS_ADDRESS", default="127.0.0.1")
# prometheus_client's multiprocess mode (gunicorn with several workers, a prefork Celery pool) is switched on by the
# PROMETHEUS_MULTIPROC_DIR environment variable itself; a folder that is not there would fail every request.
if (_multiproc_dir := env.str("PROMETHEUS_MULTIPROC_DIR", default="")) and not Path(_multiproc_dir).is_dir():
    raise ImproperlyConfigured(f"PROMETHEUS_MULTIPROC_DIR={_multiproc_dir} is not a folder; create it (empty).")
# Several web nodes behind a load balancer (issue 14 §1, deploy/multi-node.md). Nothing a request needs may live on
# one node only: sessions, the cache and every counter kept in it (API rate limits, the public pages' limits) are
# shared through Redis, sign-in throttling and everything else through the database, documents through the
# document store. WEB_NODES says how many nodes serve this deployment: with more than one, `manage.py check` (and
# so `migrate`) fails without REDIS_URL, since each process would keep sessions' cache and rate counters of its
# own (core.checks). NODE_NAME is sent as X-Served-By on every response (empty: not sent).
WEB_NODES = _env_int_in("WEB_NODES", 1, 1, 1000)
NODE_NAME = env.str("NODE_NAME", default=socket.gethostname())
