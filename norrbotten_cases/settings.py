"""Settings for Norrbotten Cases: one module, driven by environment variables.

Nothing set gives the embedded default: SQLite and Celery tasks run in-process.
Tests and production set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "axes",
    "django_filters",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "simple_history",
    "pgtrigger",
    # ours, lowest layer first
    "core",
    "projects",
    "decisions",
    "financing",
    "reporting",
]

# Pages made of parts from several apps, in the order shown. Each entry names a
# core.home.Panel (start page) or projects.case_page.Section (case page) object.
HOME_PANELS = [
    "core.home.TASKS",
    "projects.home.MY_CASES",
    "financing.home.PLANS_TO_REVIEW",
    "decisions.workflow.home.QUEUES_PANEL",
    "decisions.meetings.home.MEETINGS_PANEL",
    "financing.home.GRANT",
    "reporting.home.REPORT",
    "projects.home.OBLIGATIONS",
]
# Mina uppgifter (core.worklist): each app's tasks(user), in this order.
WORKLIST_SOURCES = [
    "projects.worklist.tasks",
    "decisions.workflow.worklist.tasks",
    "decisions.workflow.worklist.party_tasks",
    "decisions.meetings.worklist.tasks",
    "financing.worklist.tasks",
    "reporting.worklist.tasks",
]
# Reminders (core.reminders): e-mailed this many days before a due date, and on the day.
REMINDER_DAYS_BEFORE = env.int("REMINDER_DAYS_BEFORE", default=7)
# The kallelse goes out at least so many days before the meeting (the body's arbetsordning):
# the secretary's task is due then.
KALLELSE_DAYS_BEFORE = env.int("KALLELSE_DAYS_BEFORE", default=7)
# ... and again every so many days while a task is past its due date (0: not again).
REMINDER_OVERDUE_EVERY_DAYS = env.int("REMINDER_OVERDUE_EVERY_DAYS", default=7)
CASE_PAGE_SECTIONS = [
    "financing.case_page.ACTIONS_SECTION",
    "decisions.workflow.views.TIMING_SECTION",
    "decisions.workflow.party_views.PARTY_SECTION",
    "decisions.workflow.views.RECORDS_SECTION",
    "decisions.workflow.views.DIAGRAM_SECTION",
    "financing.case_page.SECTION",
    "decisions.workflow.views.LOG_SECTION",
    "decisions.meetings.views.CASE_SECTION",
]

# `manage.py load_demo`: the demo data, in stages (core/management/commands/load_demo.py).
DEMO_LOADERS = [
    "projects.demo.load",
    "financing.demo.load_before_decisions",
    "financing.demo.load_decisions",
    "financing.demo.load",
    "reporting.demo.load",
    "projects.demo.show_users",
]

MIDDLEWARE = [
    "core.logs.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.NulInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "norrbotten_cases.urls"
WSGI_APPLICATION = "norrbotten_cases.wsgi.application"

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
                "core.context_processors.navigation",
            ],
            "builtins": ["core.templatetags.nc"],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: opening a PostgreSQL connection (a new server process, its
# catalog caches) costs more than a whole simple page; each gunicorn/Celery worker keeps
# one for a minute, checked before reuse. CONN_MAX_AGE=0 opens one per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if USING_POSTGRES:
    # Django's backend, whose SELECT compiler keeps compiled SQL by the query's shape
    # (core.sqlcache, SQL_CACHE below)
    DATABASES["default"]["ENGINE"] = "core.db.postgresql"
# The planner's cost of a random page read: PostgreSQL's default (4) is for spinning
# disks; on SSDs or with the data in memory 1.1 is right. With 4 the list with search at
# 200 000 cases hash-joined every project (a sequential scan, 143 ms) instead of looking up
# the year's 1 661 matches' projects by key (28 ms). Set per connection, so it holds
# whatever the server's configuration; DB_RANDOM_PAGE_COST="" leaves the server's.
DB_RANDOM_PAGE_COST = env.str("DB_RANDOM_PAGE_COST", default="1.1")


def _set_on_each_connection(setting: str) -> None:
    """A PostgreSQL setting sent with every connection (libpq ``options``: ``-c name=value``)."""
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c {setting}".strip()


if USING_POSTGRES and DB_RANDOM_PAGE_COST:
    _set_on_each_connection(f"random_page_cost={float(DB_RANDOM_PAGE_COST)}")
# PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost (100 000)
# before running it: 40-50 ms of LLVM code generation, paid on every run, for queries that
# then take as long again. The case list searched for a common word at 200 000 cases (every
# match ranked, the plan's cost over 300 000): 103 ms, of which 49 ms was JIT. A web page's
# queries are never long enough to win it back. Set per connection; DB_JIT=true keeps the
# server's setting.
DB_JIT = env.bool("DB_JIT", default=False)
if USING_POSTGRES and not DB_JIT:
    _set_on_each_connection("jit=off")
# django-pgtrigger's triggers first ask whether they are ignored (``pgtrigger.ignore``, set
# by ``pgtrigger.ignore()``). Reading that setting when it was never set raises an error
# each call catches, rolling back a subtransaction: once per row of a row trigger, about
# 0.25 ms a row in a transaction that has written thousands (the bench's 180 000 cases
# took 9 minutes to insert, not 30 s). Set empty on each connection, it is simply read.
if USING_POSTGRES:
    _set_on_each_connection("pgtrigger.ignore={}")
# Prepared statements for the detail pages' combined queries (core.batch, ``prepare=True``):
# parsed and planned once per connection, not on every request (the case page's: 5-8 ms
# saved of about 9). Only those queries are prepared (the ORM's own cursors bind client-side
# and are never prepared). Turn off (DB_PREPARED_STATEMENTS=false) behind a connection
# pooler in transaction mode that does not keep prepared statements (PgBouncer before 1.21,
# or without max_prepared_statements).
DB_PREPARED_STATEMENTS = USING_POSTGRES and env.bool("DB_PREPARED_STATEMENTS", default=True)
if DB_PREPARED_STATEMENTS:
    # psycopg prepares a statement when asked to (never by count: the threshold is out of
    # reach); keeps the 100 most recently used per connection.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
# Compiled SQL kept by the query's shape (core.sqlcache): a page's combined query is not
# compiled again on every request. SQL_CACHE_VERIFY (on in the tests) compiles each hit
# afresh as well and fails loudly if the cached SQL or a parameter differs.
SQL_CACHE = env.bool("SQL_CACHE", default=True)
SQL_CACHE_VERIFY = env.bool("SQL_CACHE_VERIFY", default=False)

# Forms render Django's standard widget templates in Python, the same text byte for byte
# (core.renderers); FORM_RENDERER_VERIFY (on in the tests) checks the first renderings of
# each widget template against the template itself.
FORM_RENDERER = "core.renderers.WidgetRenderer"
FORM_RENDERER_VERIFY = env.bool("FORM_RENDERER_VERIFY", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "core.oidc.OIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.passwords.GuessablePasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: stored in the database, ended after SESSION_IDLE_TIMEOUT seconds without a
# request and SESSION_ABSOLUTE_LIFETIME seconds after the login (core.accounts).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME

# API tokens (django-rest-knox with core.models.ApiToken): hashed, named, expiring.
KNOX_TOKEN_MODEL = "core.ApiToken"
# knox's own token table is never made (its model is swapped for core.ApiToken).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_TTL": None, "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)

# Single sign-on (core.oidc, mozilla-django-oidc): on when OIDC_RP_CLIENT_ID is set. The
# provider's endpoints are those of its discovery document (/.well-known/openid-configuration).
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile groups")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the logout at the provider sends it as id_token_hint
OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=True)
# The claim that names a user (matched against the username; HSA-id in `sub` for SITHS).
OIDC_USERNAME_CLAIM = env.str("OIDC_USERNAME_CLAIM", default="sub")
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
# The provider's groups -> the app's roles: "RN-Utv-Handläggare=handläggare,RN-Utv-Läsare=läsare".
OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})
# How recent a new login at the provider must be to sign a protocol with it, in seconds.
OIDC_REAUTH_MAX_AGE = env.int("OIDC_REAUTH_MAX_AGE", default=300)
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="regionens inloggning")
# Local passwords: a fallback for small installations, off by default when OIDC is on.
# (An empty LOCAL_LOGIN, as docker-compose passes an unset one, counts as unset.)
LOCAL_LOGIN_ENABLED = (
    env.bool("LOCAL_LOGIN") if env.str("LOCAL_LOGIN", default="") else not OIDC_ENABLED
)

# Login throttling (django-axes): lock a username+IP after repeated failures.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Database triggers (core.triggers): those declared on models come with the migrations;
# those on many-to-many tables are installed after every migrate.
PGTRIGGER_INSTALL_ON_MIGRATE = True
# History is for reading: no revert writes a row back past the services.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Caches --------------------------------------------------------------------
# Per process; nothing in the app caches whole pages (pages render from the database).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["core.formats"]

# --- Static and media --------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Largest accepted upload (documents attached to cases), in bytes.
# How a case's diary number is written (projects.dnr): {number} the running number of its
# year, {year} the year; e.g. "RUN {year}/{number}". Set once, before the first case.
DNR_FORMAT = env.str("DNR_FORMAT", default="{number:05d}-{year}")
# Secrecy (OSL): who sees material marked secret (projects.secrecy). The roles listed see
# every marked case, document and field; the case's own officer sees the case's when
# SECRECY_ALLOW_CASE_OFFICER. Everyone else sees it masked. SECRECY_AUDIT_ROLES read the
# access log (auditors: the läsare/revisor role, and the decision makers).
SECRECY_ALLOWED_ROLES = env.list("SECRECY_ALLOWED_ROLES", default=["beslutsfattare"])
SECRECY_ALLOW_CASE_OFFICER = env.bool("SECRECY_ALLOW_CASE_OFFICER", default=True)
SECRECY_AUDIT_ROLES = env.list("SECRECY_AUDIT_ROLES", default=["läsare", "beslutsfattare"])
# Hooks by which core (knowing no apps) masks secret texts: in notifications and e-mails
# about a case, document or project, and in the titles of Mina uppgifter (and reminders).
SECRECY_TEXT_MASK = "projects.secrecy.mask_for_recipient"
SECRECY_TASK_MASK = "projects.secrecy.mask_task_titles"
# Requests for public documents (TF 2 kap.): handled promptly; later than this is flagged.
PUBLIC_ACCESS_TARGET_DAYS = env.int("PUBLIC_ACCESS_TARGET_DAYS", default=2)

DOCUMENT_MAX_UPLOAD_SIZE = env.int("DOCUMENT_MAX_UPLOAD_SIZE", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail ------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Norrbotten Cases <noreply@norrbotten.se>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outgoing e-mail (core.mail): attempts after the first, and the first pause in seconds
# (doubling each time, at most 15 minutes); then the message is marked failed.
EMAIL_MAX_RETRIES = env.int("EMAIL_MAX_RETRIES", default=5)
EMAIL_RETRY_DELAY = env.int("EMAIL_RETRY_DELAY", default=30)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Celery ------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured: run tasks in-process (embedded default for `make run`).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = False
# Task results are never read: jobs report through their own rows (core.jobs).
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Unacknowledged tasks (a worker died mid-task) are delivered again after this many
# seconds: just above the hard time limit, so a job whose worker died runs again within
# minutes, and a task still running (at most CELERY_TASK_TIME_LIMIT) is never delivered
# twice (core.checks refuses a shorter one). Publishing gives up at once when Redis is
# down (one attempt, a 2 s connect timeout): the order is kept and sent later (core.jobs).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60),
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": 2,
    "connect_retries_timeout": 2,
}
# Celery beat (the `beat` service): send again the document jobs that were ordered while the
# broker was unreachable (their rows wait with `broker_unavailable` set), every minute.
CELERY_BEAT_SCHEDULE = {
    "requeue-document-jobs": {
        "task": "decisions.requeue_document_jobs",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "requeue-report-jobs": {
        "task": "reporting.requeue_report_jobs",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "send-queued-emails": {
        "task": "core.send_queued_emails",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Reminders of due dates: hourly, but each item at most once per user and day
    # (core.models.ReminderSent), so a beat that was down at 07:00 still sends them.
    "send-reminders": {
        "task": "core.send_reminders",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
    # Read the text (for the search) of documents uploaded while the broker was down.
    "extract-document-texts": {
        "task": "projects.extract_pending_document_texts",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    # Each January: PREPARE the retention proposal; an authorised user approves it.
    "prepare-retention-run": {
        "task": "projects.prepare_retention_run",
        "schedule": crontab(minute=0, hour=6, day_of_month=2, month_of_year=1),
    },
}

# --- REST API ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Norrbotten Cases API",
    "DESCRIPTION": "Case registry, decisions, meetings, financing and reporting.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" or "status" field with their own choices: name them.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "projects.models.Organisation.Kind",
        "CaseKindEnum": "projects.models.CaseKind",
        "DocumentKindEnum": "projects.models.Document.Kind",
        "ObligationStatusEnum": "projects.models.Obligation.Status",
        "MeetingStatusEnum": "decisions.meetings.models.MeetingStatus",
        "AgendaItemKindEnum": "decisions.meetings.models.AgendaItem.Kind",
        "MotionKindEnum": "decisions.meetings.models.Motion.Kind",
        "GeneratedDocumentKindEnum": "decisions.meetings.models.GeneratedDocument.Kind",
        "ExtractDispatchStatusEnum": "decisions.meetings.models.ExtractDispatch.Status",
        "PlanStatusEnum": "financing.models.PlanStatus",
        "SectionKindEnum": "reporting.models.SectionKind",
        "AnswerKindEnum": "reporting.models.AnswerKind",
        "JobStatusEnum": "core.jobs.JobStatus",
    },
}

# --- Security ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: htmx sends the token from hx-headers on <body>
# ({{ csrf_token }} in base.html) and forms carry {% csrf_token %}.
CSRF_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Content-Security-Policy sent on every response (see middleware.SecurityHeadersMiddleware).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# --- Domain settings ---------------------------------------------------------
# The address users reach the app at; used for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The municipality's notice board: where signed protocols are kept (shown on notices).
PROTOCOL_KEPT_AT = env.str("PROTOCOL_KEPT_AT", default="Regionhuset, Luleå")
# The authority's name on the public pages (notice board, e-diarium, accessibility).
REGION_NAME = env.str("REGION_NAME", default="Region Norrbotten")
# How a refusal of a request for a decision (förvaltningslagen 12 §) is appealed: to the
# court or authority that hears an appeal of the case's decision, which is the region's to
# name. Swedish, in the decision's PDF; %(region)s is REGION_NAME.
# How a decision on delegation is appealed, as its registered PDF says it: laglighetsprövning
# (kommunallagen 13 kap.) from the posting of the protocol it is reported in, unless the
# region's route differs (e.g. decisions under an ordinance that limits appeals). Swedish;
# %(region_possessive)s is REGION_NAME in the genitive.
DELEGATION_DECISION_APPEAL = env.str(
    "DELEGATION_DECISION_APPEAL",
    default=(
        "Beslutet kan överklagas genom laglighetsprövning enligt 13 kap. kommunallagen "
        "(2017:725) av den som är medlem i regionen. Överklagandet ska ha kommit in till "
        "förvaltningsrätten inom tre veckor från den dag då det tillkännagavs på "
        "%(region_possessive)s anslagstavla att protokollet där beslutet anmäldes har justerats."
    ),
)
DECISION_DEMAND_APPEAL = env.str(
    "DECISION_DEMAND_APPEAL",
    default=(
        "Beslutet kan överklagas till den domstol eller myndighet som är behörig att pröva "
        "ett överklagande av beslutet i ärendet (12 § förvaltningslagen). Skicka eller lämna "
        "överklagandet till %(region)s, som skickar det vidare. Överklagandet ska ha kommit "
        "in till %(region)s inom tre veckor från den dag du fick del av beslutet."
    ),
)
# Requests per client IP and window (seconds) to the public pages (core.ratelimit); 0 = off.
PUBLIC_RATE_LIMIT = env.int("PUBLIC_RATE_LIMIT", default=60)
PUBLIC_RATE_WINDOW = env.int("PUBLIC_RATE_WINDOW", default=60)
# The e-mail address for accessibility feedback on the public pages.
ACCESSIBILITY_CONTACT = env.str("ACCESSIBILITY_CONTACT", default="registrator@norrbotten.se")
# Own work: may officers work on every case ("all"), only on the cases they handle
# ("own"), or also on those of officers of their unit ("unit": units are Django groups
# named UNIT_GROUP_PREFIX + the unit)? Refusals name the case's officer.
OFFICER_EDIT_SCOPE = env.str("OFFICER_EDIT_SCOPE", default="all")
if OFFICER_EDIT_SCOPE not in ("all", "own", "unit"):
    raise ImproperlyConfigured("OFFICER_EDIT_SCOPE must be all, own or unit.")
UNIT_GROUP_PREFIX = env.str("UNIT_GROUP_PREFIX", default="enhet: ")

# --- The digital seal (core.seal) ---------------------------------------------
# Final protocols and extracts are sealed with the region's seal certificate (PAdES).
# The certificate: PEM (the seal certificate first, then its chain, if any) with the key in
# SEAL_KEY, or a PKCS#12 file (.p12/.pfx) holding both. Empty: nothing can be sealed
# (`check --deploy` warns; `make run` creates and sets a self-signed demo seal).
SEAL_CERTIFICATE = env.str("SEAL_CERTIFICATE", default="")
SEAL_KEY = env.str("SEAL_KEY", default="")
SEAL_KEY_PASSPHRASE = env.str("SEAL_KEY_PASSPHRASE", default="")
SEAL_PKCS12_PASSPHRASE = env.str("SEAL_PKCS12_PASSPHRASE", default="")
# PEM bundle of the certificates a seal must chain to; empty: the seal certificate itself.
SEAL_TRUST_ROOTS = env.str("SEAL_TRUST_ROOTS", default="")
# Who seals, as the signature and the visible block name it.
SEAL_NAME = env.str("SEAL_NAME", default="Region Norrbotten")
# An RFC 3161 timestamp service (PAdES B-T); empty: no timestamp (B-B), no network needed.
SEAL_TIMESTAMP_URL = env.str("SEAL_TIMESTAMP_URL", default="")
# Where `manage.py create_demo_seal` writes the self-signed demo certificate and key.
SEAL_DEMO_DIR = env.path("SEAL_DEMO_DIR", default=BASE_DIR / ".seal")

# The benchmark's reference page (/__bench__/bare/); off everywhere else.
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)

# --- Logging -----------------------------------------------------------------
# One JSON object per line with the request id and the user id (core.logs); LOG_FORMAT=text
# for a terminal (the default with DEBUG).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The seal block's font subset: "FFTM NOT subset" is expected, not a problem.
        "fontTools.subset": {"level": "ERROR"},
    },
}

# --- Error reporting (Sentry) -------------------------------------------------------------
# Server errors and failed tasks go to Sentry when SENTRY_DSN is set; no personal data is
# sent (user ids only, no names, e-mail addresses, cookies or request bodies).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        max_request_body_size="never",
    )
