"""Settings for CIPN Tracker: one file, every value from the environment.

Defaults let `make run` work on a fresh machine (SQLite, a file-system Celery
broker, emails written to files). Production sets the variables documented in
the README; a bad value stops start-up with a message naming the variable.
"""

import secrets
import zoneinfo
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from cipn_tracker.env import env_bool, env_choice, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG"
    elif env_bool("CIPN_MANAGEMENT_COMMAND", False):
        # `manage.py check`, `migrate`...: a random key, never stored, since nothing they sign outlives them.
        # Serving (WSGI) and workers still refuse to start without DJANGO_SECRET_KEY.
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "signin.apps.ApiTokensConfig",  # knox
    "signin.apps.LockoutsConfig",  # axes
    "django_otp",
    "signin.apps.AuthenticatorsConfig",  # django_otp.plugins.otp_totp
    "signin.apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "accounts",
    "treatment",
    "symptoms",
    "education",
    "notifications",
    "signin",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that can answer early (redirects included), so each such answer is covered.
    "cipn_tracker.headers.PrivateResponsesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (which serves its own pre-compressed files) and above everything that writes a
    # body. Each compressed answer carries 0-99 random bytes (Django's Heal-the-Breach padding); see README.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "signin.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the sign-in views' answers and turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cipn_tracker.urls"
WSGI_APPLICATION = "cipn_tracker.wsgi.application"

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
                "signin.context.two_factor",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env_url(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        lambda url: dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True),
    )
}
# Connections are kept for a minute and checked before reuse (a restarted PostgreSQL or pooler costs one
# failed check, not a failed request). No server-side cursors: nothing here streams rows with
# `.iterator()`, and so a pooler in transaction mode (PgBouncer) can stand in front of PostgreSQL.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web app, the worker and beat share one SQLite file in `make run`:
    # wait for locks instead of failing, and take the write lock up front.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "home"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# The lockout check comes first: a locked-out account is refused before its password is even tried.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# A reset link works once, and for two hours after the email is sent.
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(f"TIME_ZONE is not a known time zone: {TIME_ZONE!r}.")

# --- Symptom diary --------------------------------------------------------
SYMPTOM_BACKFILL_DAYS = env_int("SYMPTOM_BACKFILL_DAYS", 7, minimum=0, maximum=366)

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email ----------------------------------------------------------------


def parse_email_url(url: str) -> dict:
    scheme = url.split("://", 1)[0]
    if scheme not in dj_email_url.SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; use one of {', '.join(dj_email_url.SCHEMES)}")
    parsed = dj_email_url.parse(url)
    if scheme == "file":  # file:///var/mail means /var/mail (the parser would drop the leading slash)
        parsed["EMAIL_FILE_PATH"] = urlsplit(url).path
    return parsed


EMAIL_FILE_PATH = VAR_DIR / "mail"
if env_str("EMAIL_URL"):
    vars().update(env_url("EMAIL_URL", "", parse_email_url))
elif env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    # No mail server configured: write each email as a file a person can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
# Clinicians' emails (alert notices, the weekly digest) name no patient and carry no figures, only
# counts and a link, unless the clinic turns this on. A patient's own emails carry their figures.
EMAIL_HEALTH_DETAILS = env_bool("EMAIL_HEALTH_DETAILS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CIPN Tracker <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
# Right-hand side of each email's stable Message-ID (a resent email is recognisably the same one).
EMAIL_MESSAGE_DOMAIN = urlsplit(SITE_URL).hostname or "localhost"
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https:// (got {SITE_URL!r}).")

# --- Cache: every limit and lockout counter, shared by all processes ----------


def parse_cache_url(url: str) -> dict:
    scheme, _, rest = url.partition("://")
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db" and rest:
        # A table in the app's own database, made by `migrate` (and at start-up if missing).
        # Room for every counter: past MAX_ENTRIES Django culls entries, and a limit culled is a limit lifted.
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest,
                "OPTIONS": {"MAX_ENTRIES": 1_000_000}}
    if scheme == "locmem":  # one process only: counters are not shared; for tests and experiments
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest or "cipn",
                "OPTIONS": {"MAX_ENTRIES": 100_000}}
    raise ValueError(f"use redis://host:port/db, rediss://..., db://table or locmem:// (got {scheme or url!r})")


CACHES = {"default": env_url("CACHE_URL", "db://cipn_cache", parse_cache_url)}

# --- Sign-in security -----------------------------------------------------
# How many proxies stand in front of the app and append to X-Forwarded-For; 0: the header is ignored.
TRUSTED_PROXIES = env_int("DJANGO_TRUSTED_PROXIES", 0, minimum=0, maximum=10)
LOGIN_ATTEMPTS = env_int("LOGIN_ATTEMPTS", 5, minimum=1, maximum=100)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1, maximum=24 * 60)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30, minimum=1, maximum=366)
# `required`: clinicians and admins enrol an authenticator at their next sign-in; `optional`: anyone
# may; `off`: nobody is asked for a code. Anyone who has enrolled is asked for a code unless `off`.
STAFF_TWO_FACTOR = env_choice("STAFF_TWO_FACTOR", "required", ("required", "optional", "off"))

# django-axes: LOGIN_ATTEMPTS wrong passwords for one account from one address lock that pair for
# LOGIN_LOCKOUT_MINUTES. Attempts are rows in the database every process shares, which admins can
# see and delete (unlock) in the admin.
AXES_FAILURE_LIMIT = LOGIN_ATTEMPTS
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock lasts LOGIN_LOCKOUT_MINUTES from the attempt that set it; trying again meanwhile does not
# extend it (else anyone could keep a clinician locked out by trying once every few minutes).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Never stored or logged as typed (axes keeps the rest of a failed attempt's form for admins to read).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "old_password", "new_password1", "new_password2",
                             "password1", "password2"]
AXES_USERNAME_CALLABLE = "signin.lockout.attempted_username"
AXES_CLIENT_IP_CALLABLE = "signin.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "signin.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# Sessions end after SESSION_IDLE_MINUTES without a request: each request moves the end on, and the
# cookie lives no longer than that.
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True

# Authenticator apps show this name beside the account.
OTP_TOTP_ISSUER = "CIPN Tracker"

# --- Security -------------------------------------------------------------
# Every cookie: sent only over HTTPS outside debug, never on requests started by another site.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp): everything from this site only; no inline or eval'd script
# anywhere (charts are drawn by our own static/js/charts.js from a json_script block, the API docs'
# Swagger UI starts from its own script file). Nothing may be sent to, framed by or posted to
# another site. Styles allow inline attributes: plotly.js and Swagger UI set them as they draw.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],  # plotly's PNG download, the favicon
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "worker-src": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): the browser features the app never uses, denied.
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in (
    "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics", "camera",
    "display-capture", "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer",
    "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock",
    "serial", "usb", "xr-spatial-tracking", "fullscreen", "clipboard-read", "clipboard-write", "web-share",
    "window-management",
)}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if env_bool("DJANGO_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- API ------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an unauthenticated call gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "signin.token_auth.TokenAuthentication",  # knox's, one statement per call
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only; DRF's browsable HTML pages only while debugging.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                 *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else [])],
    "DEFAULT_PARSER_CLASSES": [
        "cipn_tracker.api.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Password guessing against the token endpoint is slowed per client address (on top of the lockout).
    # Reset emails: per client address and per email address.
    "DEFAULT_THROTTLE_RATES": {"sign_in": env_str("API_SIGN_IN_RATE", "10/minute"), "password_reset": "5/hour"},
    # The client address for throttles: X-Forwarded-For only behind this many trusted proxies.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cipn_tracker.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# django-rest-knox: tokens are stored as hashes and expire; each sign-in gets a new one.
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_DAYS), "AUTO_REFRESH": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "CIPN Tracker API",
    "DESCRIPTION": "Daily neuropathy symptom diary, assessments and alerts.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI would otherwise link to (and load a badge from) validator.swagger.io with our schema's URL.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
}

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
BROKER_SCHEMES = ("filesystem", "redis", "rediss", "amqp", "amqps", "pyamqp", "memory")
if CELERY_BROKER_URL.split("://", 1)[0] not in BROKER_SCHEMES or "://" not in CELERY_BROKER_URL:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must start with one of {', '.join(s + '://' for s in BROKER_SCHEMES)}."
    )
CELERY_BROKER_FOLDER = VAR_DIR / "celery-broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "store_processed": False,
    }
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A request never waits long on the broker: connect fast or give up (the sweep sends later).
    # No connection retries when publishing (`max_retries`: 0): the outbox sweep is the retry.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5, "max_retries": 0,
                                       "visibility_timeout": 600}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# Emails can have workers of their own (`celery worker -Q notifications`); by default one worker does all.
CELERY_NOTIFICATIONS_QUEUE = env_str("CELERY_NOTIFICATIONS_QUEUE", "celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = False  # only tasks that are safe to run twice opt in, one by one
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "cipn_tracker.celery.heartbeat", "schedule": 60.0},
    # Hourly, so each patient is re-assessed soon after their own midnight, whatever their zone.
    "re-evaluate patients whose day has turned": {
        "task": "symptoms.evaluate_due_patients", "schedule": crontab(minute=5),
    },
    # Nightly, everyone: catches a policy change made while the queue was unreachable.
    "re-evaluate every patient": {"task": "symptoms.evaluate_all_patients", "schedule": crontab(hour=2, minute=35)},
    "send what is still pending": {"task": "notifications.sweep", "schedule": 60.0},
    "weekly summaries (Monday 7:00 in each zone)": {
        "task": "symptoms.queue_weekly_summaries", "schedule": crontab(minute=10),
    },
    "daily reminders (each patient's hour)": {"task": "symptoms.queue_reminders", "schedule": crontab(minute=2)},
}

# --- Logging: no health details, ever; only operational events. -----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
