"""Settings for Hall Service, read from the environment (one module for development, tests and production)."""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None else int(value)


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value is None else float(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -----------------------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Development only: a fixed key so sessions survive restarts of `make run`.
    SECRET_KEY = "dev-only-insecure-key-hall-service-do-not-use-in-production-0123456789"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Key for personal data encrypted at rest (ID numbers, phones). Separate from SECRET_KEY so that rotating
# the session key does not make stored data unreadable. Several keys may be given, newest first
# (manage.py rotate_encryption_keys). The fallbacks below are for development: with DEBUG off the system checks
# hallservice.E020/E021 (hallservice/core/crypto.py) refuse to start without both keys set.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or [SECRET_KEY]
# Key of the keyed hashes that make encrypted ID numbers and phones searchable; it never changes.
FIELD_HASH_KEY = os.environ.get("FIELD_HASH_KEY") or FIELD_ENCRYPTION_KEYS[-1]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "hallservice",
    "staff",
    "requests",
    "complaints",
    "rosters",
    "training",
    "supervision",
    "guide",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so static files carry the policy headers too.
    "hallservice.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hallservice.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Warns once when PUBLIC_BASE_URL (the QR codes' address) is not the host serving the pages.
    "hallservice.core.public_url.PublicBaseUrlCheckMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logs staff out after SESSION_IDLE_TIMEOUT seconds without a request.
    "hallservice.core.middleware.IdleSessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL byte in a GET parameter answers 400 (PostgreSQL cannot store it); pages validate the rest.
    "hallservice.core.query_params.BadQueryParametersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After CSRF, sessions, auth and messages: a second POST of a form's one-time token answers the first's outcome.
    "hallservice.core.idempotency.OneTimeFormTokenMiddleware",
]

ROOT_URLCONF = "hallservice.urls"
WSGI_APPLICATION = "hallservice.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "hallservice.context_processors.navigation",
            ],
            "builtins": ["hallservice.templatetags.form_token"],
        },
    },
]

# Django's form renderer with the per-choice widget templates written in Python (hallservice/core/form_renderer.py).
FORM_RENDERER = "hallservice.core.form_renderer.FormRenderer"

# --- Database: SQLite under var/ unless DATABASE_URL is set -------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers or a Celery worker may write at once: wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Outermost, so it runs once every other middleware has used the connection: PRAGMA optimize once an hour.
    MIDDLEWARE.insert(0, "hallservice.core.sqlite_statistics.SQLiteStatisticsMiddleware")
    # The statistics indexes carry INCLUDE columns for index-only scans on PostgreSQL; SQLite keeps just the
    # key columns, which is all a small hall needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: this is a hall's OLTP load of short statements, and the planner's guess of a
    # trigger's transition table or a large join made PostgreSQL spend 2-600 ms compiling queries that run in
    # well under that (measured on the supervision triggers and the ledger audit, benchmarks/dashboard.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# --- Redis: Celery broker, result backend and cache; without it tasks run eagerly in-process ----------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Authentication ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed logins, "<count>/<seconds>", counted in the cache like the public pages' limits (hallservice.core.throttle):
# per username (a password being guessed) and per client address (many usernames tried from one place; set
# higher, since a hall's counters may share one address behind NAT). A successful login clears the username's.
LOGIN_THROTTLE_RATES = {
    "login_username": os.environ.get("THROTTLE_LOGIN_USERNAME", "5/900"),
    "login_address": os.environ.get("THROTTLE_LOGIN_ADDRESS", "20/900"),
    # Wrong old passwords on the password-change page, per user.
    "password_change": os.environ.get("THROTTLE_PASSWORD_CHANGE", "5/900"),
}

# --- Language and time: Simplified Chinese first, English switchable ----------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files (vendored, served by whitenoise; no CDN: halls run on closed networks) -------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Uploads: training materials, question spreadsheets and scans of signed forms only, checked by
# hallservice.core.uploads (type, first bytes, size). MEDIA_ROOT holds issued forms with personal data: it is served by no URL in production (only
# DEBUG adds /media/, see hallservice/urls.py); files go out through views that check who asks. The reverse
# proxy caps request bodies too (client_max_body_size, docs/operations.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MiB of form fields (the files are not counted here)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files are spooled to a temporary file, not held in memory
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o640  # the app's user only; no other account on the server reads the documents
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# A scan or photo of a signed paper form (requests.services.signatures, issue 18): PDF, PNG or JPEG up to this size.
SIGNED_FORM_MAX_MB = env_int("SIGNED_FORM_MAX_MB", 10)

# --- Security: strict when DEBUG is off (manage.py check --deploy reports nothing) --------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Cookies only over HTTPS in production; `make run` on http://127.0.0.1 needs them without.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Strict would drop the session when a clerk follows a link from a message
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day at the counter, however active (absolute)
# A signed-in user idle this long (seconds) is logged out (hallservice.core.middleware.IdleSessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
# No script reads the CSRF cookie: pages put the token in the form, htmx sends it from hx-headers.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form (expired page, cookies off) gets the site's Chinese 403 page, not Django's English one.
CSRF_FAILURE_VIEW = "hallservice.core.errorpages.csrf_failure"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (hallservice.core.middleware.SecurityHeadersMiddleware). Nothing inline: scripts are
# files under static/ (no onclick=, no <script> blocks, htmx with allowEval off), and so are styles, with no
# style="" attributes in the pages either, so style-src needs no 'unsafe-inline' (nor style-src-attr): Chart.js,
# htmx, the admin and Swagger UI set styles from script through the CSSOM, which CSP does not restrict.
# data: images are the QR codes (PNG) and the icons in Swagger UI's stylesheet. No CDN: halls run on closed
# networks, so 'self' is the only origin.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browser features no page uses, switched off for the page and anything it might embed.
PERMISSIONS_POLICY = [
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]

# --- REST API ----------------------------------------------------------------------------------------
# Lifetime of an API token issued without --days (hallservice/core/api_tokens.py).
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: DRF answers 401 (not 403) for a bad or expired token only when the first class names a scheme.
        "hallservice.core.api_tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "hallservice.core.api.HallAutoSchema",
    "EXCEPTION_HANDLER": "hallservice.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hall Service API",
    "DESCRIPTION": "Help-and-agency desk of a government service hall (帮办代办).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for the hall's staff: signed in by session or API token, as the API itself.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the sidecar package, served locally: no CDN on a closed government network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RequestChannelEnum": "requests.models.Channel",
        "ConsultationChannelEnum": "requests.models.ConsultationChannel",
        "RequestKindEnum": "requests.models.Kind",
        "DocumentKindEnum": "requests.models.DocumentKind",
        "RequestStatusEnum": "requests.models.Status",
        # The forms' yes/no choices (approve an extension, finish a department's part), posted as text.
        "TrueFalseEnum": ["true", "false"],
    },
}

# --- Logging: never log personal data; request bodies are not logged at all -------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint reports every layout step at INFO; keep its warnings (missing glyphs, bad CSS) only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Address citizens use to reach the public pages (printed in QR codes on forms); hallservice/core/public_url.py
# warns once when pages are served from another host.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The code of this hall's own centre (e.g. XH): named on the public pages and preselected on their forms. Unset,
# the only district when there is one; several districts in one database need it (requests.public.selectors.hall_centre).
HALL_CENTRE_CODE = os.environ.get("HALL_CENTRE_CODE", "")

# --- Hall display board (/board/<centre code>/, issue 19) -------------------------------------------------
# The hall's TV polls the board's live part every N seconds; one centre's live part is built at most once per
# cache period, however many screens show it.
DISPLAY_BOARD_REFRESH_SECONDS = max(5, env_int("DISPLAY_BOARD_REFRESH_SECONDS", 30))
DISPLAY_BOARD_CACHE_SECONDS = env_int("DISPLAY_BOARD_CACHE_SECONDS", 10)
# Tokens a board's address must carry (?token=…) to keep it off the open internet: "XH=secret,*=other", per centre
# code, "*" for every centre without its own. Unset (the default), every board is public like the guide.
DISPLAY_BOARD_TOKENS = dict(item.split("=", 1) for item in env_list("DISPLAY_BOARD_TOKENS") if "=" in item)

# --- Hall rules ---------------------------------------------------------------------------------------
# Working days before the promised deadline at which the helper is warned.
DEADLINE_WARNING_WORKING_DAYS = env_int("DEADLINE_WARNING_WORKING_DAYS", 2)
# Full working days a request in handling may go without a progress report before its helper is reminded (seed 004
# 承办: 服务人员需定期向服务对象提供进度报告); requests/progress_clock.py counts them.
PROGRESS_REPORT_PROMPT_DAYS = env_int("PROGRESS_REPORT_PROMPT_DAYS", 3)
# Department parts of a multi-department request (seed 003: 督促相关部门按承诺时限办结; requests/department_clock.py):
# the time limit a part gets when none is entered, how many working days before its deadline the department and
# the helper are reminded, and every how many working days overdue it is escalated one step further
# (helper → duty leader → supervision section → bureau leader).
DEPARTMENT_TASK_WORKING_DAYS = env_int("DEPARTMENT_TASK_WORKING_DAYS", 5)
DEPARTMENT_TASK_REMINDER_WORKING_DAYS = env_int("DEPARTMENT_TASK_REMINDER_WORKING_DAYS", 1)
DEPARTMENT_TASK_ESCALATION_WORKING_DAYS = env_int("DEPARTMENT_TASK_ESCALATION_WORKING_DAYS", 2)
# Urgent handling (急办, seed 000 三.3, issue 18): an urgent request's internal target, unless the clerk gives one, is
# this share (percent) of the working days left to the promised deadline, counted from the day it is marked; it is
# always before the promised deadline (requests/services/priority.py).
URGENT_TARGET_SHARE_PERCENT = env_int("URGENT_TARGET_SHARE_PERCENT", 50)
# Priority groups (seed 001 五 "老弱病残孕…应主动靠前"): an applicant this old or older on the day of registration is
# elderly, derived from the date of birth in the ID number. The seeds give no age; 60 is the age of the Law on the
# Protection of the Rights and Interests of the Elderly (老年人权益保障法 第二条).
ELDERLY_AGE = env_int("ELDERLY_AGE", 60)

# --- Citizens (issue 7): notifications, throttling of the public pages, complaint and evaluation limits -----
# Messages to applicants and staff go through hallservice.core.notifications; the SMS backend is a gateway class
# (dotted path), or "none" to send no SMS. The console backend (the default, development only: with DEBUG off
# the system check hallservice.E010 refuses it) logs a phone's last four digits and the text's length.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "hallservice.core.notifications.ConsoleSmsBackend")
NOTIFICATION_BACKENDS = {
    "sms": "hallservice.core.notifications.DisabledSmsBackend" if SMS_BACKEND.lower() == "none" else SMS_BACKEND,
    "email": os.environ.get("NOTIFICATION_EMAIL_BACKEND", "hallservice.core.notifications.EmailBackend"),
}
# The generic HTTP SMS gateway (SMS_BACKEND=hallservice.core.sms_gateway.HttpSmsGatewayBackend): its https:// address,
# the hall's account there, the shared secret both sides sign with (HMAC-SHA256, hallservice/core/signed_http.py),
# the signature name (短信签名) printed in front of every text, and seconds to wait for an answer. The gateway
# sends delivery reports and citizens' replies to /sms/callback/, signed with the same secret; a callback older
# than SMS_CALLBACK_MAX_AGE seconds is refused.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_ACCOUNT = os.environ.get("SMS_GATEWAY_ACCOUNT", "")
SMS_GATEWAY_SECRET = os.environ.get("SMS_GATEWAY_SECRET", "")
SMS_GATEWAY_SIGN_NAME = os.environ.get("SMS_GATEWAY_SIGN_NAME", "政务服务中心")
SMS_GATEWAY_TIMEOUT = env_float("SMS_GATEWAY_TIMEOUT", 5.0)
SMS_CALLBACK_MAX_AGE = env_int("SMS_CALLBACK_MAX_AGE", 300)
# The provider's template id of each kind of SMS (requests/sms_kinds.py lists the kinds; each text is
# templates/requests/notifications/<kind>.txt and is filed with the provider under this id). JSON in the
# environment, merged over the defaults, which name each template by its kind.
SMS_TEMPLATE_IDS = {
    kind: kind
    for kind in (
        "request_accepted",
        "request_deficient",
        "request_suspended",
        "request_completed",
        "request_helper_changed",
        "complaint_accepted",
        "complaint_responded",
        "appointment_booked",
        "appointment_cancelled",
        "appointment_reminder",
    )
} | json.loads(os.environ.get("SMS_TEMPLATE_IDS", "{}"))
# At most this many SMS to one phone number a day (counted in the database, so every worker shares the count); a
# message over it is not sent and is recorded as withheld. Replies meaning "unsubscribe" (上行 退订) opt the number
# out of non-essential SMS; the first is the one those messages name at their end ("回复TD退订").
SMS_DAILY_LIMIT_PER_NUMBER = env_int("SMS_DAILY_LIMIT_PER_NUMBER", 10)
SMS_OPT_OUT_KEYWORDS = env_list("SMS_OPT_OUT_KEYWORDS") or ["TD", "T", "N", "退订", "退订短信"]
# The sweeper turns public request events of the last N hours into messages (older ones are never sent).
NOTIFICATION_LOOKBACK_HOURS = env_int("NOTIFICATION_LOOKBACK_HOURS", 24)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hall-service@localhost")

# Rate limits of the public pages, "<count>/<seconds>", counted in the cache (Redis when REDIS_URL is set, so
# every web process shares them). Failed status lookups count per client address and per request number.
PUBLIC_THROTTLE_RATES = {
    "lookup_address": os.environ.get("THROTTLE_LOOKUP_ADDRESS", "20/3600"),
    "lookup_number": os.environ.get("THROTTLE_LOOKUP_NUMBER", "5/900"),
    "complaint_address": os.environ.get("THROTTLE_COMPLAINT_ADDRESS", "5/3600"),
    "consultation_address": os.environ.get("THROTTLE_CONSULTATION_ADDRESS", "10/3600"),
    "evaluation_address": os.environ.get("THROTTLE_EVALUATION_ADDRESS", "20/3600"),
}
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use the socket address).
PUBLIC_TRUSTED_PROXY_COUNT = env_int("PUBLIC_TRUSTED_PROXY_COUNT", 0)
# How long a status link (after a lookup, or in a message) stays valid; QR codes on printed forms never expire.
PUBLIC_STATUS_LINK_MAX_AGE = env_int("PUBLIC_STATUS_LINK_MAX_AGE", 60 * 60 * 24 * 30)
# Appointments may be asked for on the next N working days.
APPOINTMENT_WORKING_DAYS_AHEAD = env_int("APPOINTMENT_WORKING_DAYS_AHEAD", 10)

# Complaint time limits in working days (GB/T 36113 style), and how long a response waits for feedback.
COMPLAINT_ACCEPT_WORKING_DAYS = env_int("COMPLAINT_ACCEPT_WORKING_DAYS", 1)
COMPLAINT_RESPOND_WORKING_DAYS = env_int("COMPLAINT_RESPOND_WORKING_DAYS", 5)
COMPLAINT_FEEDBACK_WORKING_DAYS = env_int("COMPLAINT_FEEDBACK_WORKING_DAYS", 5)
COMPLAINT_MAX_LENGTH = env_int("COMPLAINT_MAX_LENGTH", 2000)
# A poor evaluation: return visit within N working days, rectification within M working days of the rating.
EVALUATION_RETURN_VISIT_WORKING_DAYS = env_int("EVALUATION_RETURN_VISIT_WORKING_DAYS", 1)
EVALUATION_RECTIFY_WORKING_DAYS = env_int("EVALUATION_RECTIFY_WORKING_DAYS", 5)
# The helper's follow-up after delivery (seed 004 跟踪服务): due this many working days after the result is delivered.
DELIVERY_FOLLOW_UP_WORKING_DAYS = env_int("DELIVERY_FOLLOW_UP_WORKING_DAYS", 3)
# 首问负责 (seed 001 七.1 "对不能直接解答的咨询，及时组织相关人员集中研究答复"): the seeds say only "promptly"; a question
# not answered at once is due 2 working days later. The owner is reminded when the deadline is this many working
# days away or fewer; past it the duty leader on duty is told, and the supervision section this many working days
# after the duty leader.
CONSULTATION_ANSWER_WORKING_DAYS = env_int("CONSULTATION_ANSWER_WORKING_DAYS", 2)
CONSULTATION_REMINDER_WORKING_DAYS = env_int("CONSULTATION_REMINDER_WORKING_DAYS", 1)
CONSULTATION_SUPERVISION_AFTER_WORKING_DAYS = env_int("CONSULTATION_SUPERVISION_AFTER_WORKING_DAYS", 1)

# --- The national 好差评 push (国办发〔2019〕51号; requests/services/evaluation_push.py) ------------------------
# Each evaluation event becomes a message in an outbox, POSTed signed with HMAC-SHA256 to the platform's address.
# Empty URL: the push is off (messages are kept and sent once it is set). Never through an environment proxy.
EVALUATION_PLATFORM_URL = os.environ.get("EVALUATION_PLATFORM_URL", "")
EVALUATION_PLATFORM_APP_ID = os.environ.get("EVALUATION_PLATFORM_APP_ID", "")
EVALUATION_PLATFORM_KEY = os.environ.get("EVALUATION_PLATFORM_KEY", "")
# Seconds to wait for the platform's answer; failed attempts before a message is marked failed; the backoff between
# attempts doubles from BACKOFF_SECONDS up to BACKOFF_MAX_SECONDS.
EVALUATION_PLATFORM_TIMEOUT = env_float("EVALUATION_PLATFORM_TIMEOUT", 10.0)
EVALUATION_PLATFORM_MAX_ATTEMPTS = env_int("EVALUATION_PLATFORM_MAX_ATTEMPTS", 8)
EVALUATION_PLATFORM_BACKOFF_SECONDS = env_int("EVALUATION_PLATFORM_BACKOFF_SECONDS", 30)
EVALUATION_PLATFORM_BACKOFF_MAX_SECONDS = env_int("EVALUATION_PLATFORM_BACKOFF_MAX_SECONDS", 3600)
# A province's own names for the data items and its own codes (JSON, requests/evaluation_platform.py).
EVALUATION_PLATFORM_FIELDS = os.environ.get("EVALUATION_PLATFORM_FIELDS", "{}")
EVALUATION_PLATFORM_CODES = os.environ.get("EVALUATION_PLATFORM_CODES", "{}")

# --- Rosters: substitutions (替岗, seed 000 二.3 "替岗情况向督查指导科进行备案") ---------------------------------
# False (the seed): a substitution is filed and in effect at once; the supervision section is told and may reverse
# it. True: it waits for the section's approval before the duty changes.
SUBSTITUTION_NEEDS_APPROVAL = env_bool("SUBSTITUTION_NEEDS_APPROVAL", False)

# --- Training (issue 6, seed 000 四.2): the monthly test and its consequences --------------------------------
# Below the pass mark: a day of off-post study; this many failed tests in a row: a recommendation letter.
TRAINING_PASS_MARK = env_int("TRAINING_PASS_MARK", 85)
TRAINING_FAIL_STREAK = env_int("TRAINING_FAIL_STREAK", 3)
# Seconds after a paper's deadline in which answers and the submission are still accepted (network delay).
TRAINING_SUBMIT_GRACE_SECONDS = env_int("TRAINING_SUBMIT_GRACE_SECONDS", 10)
# Largest training material (slides, handouts) that may be attached to a session.
TRAINING_MATERIAL_MAX_MB = env_int("TRAINING_MATERIAL_MAX_MB", 20)
