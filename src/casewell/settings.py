"""Casewell's one settings module: everything is read from the environment.

Two shapes, chosen by ``CASEWELL_MODE``:

* ``embedded`` (default): SQLite in the data folder, worker threads inside
  ``casewell serve``, a secret key generated into the data folder.
* ``hosted``: PostgreSQL, separate worker and scheduler processes, and every
  secret given explicitly. ``casewell check`` and ``casewell serve`` refuse an
  unsafe hosted configuration (see ``casewell.configuration``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from casewell.environment import read_bool, read_choice, read_int, read_list, read_str

PACKAGE_DIR = Path(__file__).resolve().parent
# The clone's root, where package.json and node_modules live.
PROJECT_DIR = Path(read_str("CASEWELL_PROJECT_DIR", str(PACKAGE_DIR.parent.parent)))

MODE = read_choice("CASEWELL_MODE", ("embedded", "hosted"), "embedded")
HOSTED = MODE == "hosted"
DEBUG = read_bool("CASEWELL_DEBUG", False)

DATA_DIR = Path(read_str("CASEWELL_DATA_DIR", "data")).resolve()

# Problems found while reading the configuration that should not stop a
# `casewell check` from running; `check` and `serve` report them.
CONFIGURATION_PROBLEMS: list[str] = []


def _embedded_key(file_name: str, make_key: Callable[[], str]) -> str:
    """Keep one generated key in the data folder so it survives restarts."""
    key_file = DATA_DIR / file_name
    try:
        if key_file.exists():
            return key_file.read_text().strip()
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = make_key()
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key
    except OSError as error:
        problem = (
            f"The data folder {DATA_DIR} cannot be written ({error.strerror}); "
            "set CASEWELL_DATA_DIR to a folder Casewell may write to."
        )
        if problem not in CONFIGURATION_PROBLEMS:
            CONFIGURATION_PROBLEMS.append(problem)
        return make_key()


def _required_key(name: str, purpose: str, make_key: Callable[[], str], file_name: str) -> str:
    """A key from the environment; generated into the data folder when embedded."""
    key = read_str(name)
    if key:
        return key
    if HOSTED:
        CONFIGURATION_PROBLEMS.append(
            f"{name} (or {name}_FILE) is not set; hosted mode needs {purpose}."
        )
        return make_key()
    return _embedded_key(file_name, make_key)


SECRET_KEY = _required_key(
    "CASEWELL_SECRET_KEY",
    "a long random secret shared by every web process",
    lambda: secrets.token_urlsafe(50),
    "secret_key",
)
if HOSTED and read_str("CASEWELL_SECRET_KEY") and len(SECRET_KEY) < 40:
    CONFIGURATION_PROBLEMS.append("CASEWELL_SECRET_KEY is shorter than 40 characters.")

# Encrypts secrets kept in the database (second-factor keys) and, later, files.
# Comma-separated: the first encrypts, all decrypt, so a key can be rotated.
ENCRYPTION_KEYS = _required_key(
    "CASEWELL_ENCRYPTION_KEY",
    "a Fernet key (casewell check shows how to make one) to encrypt stored secrets",
    lambda: Fernet.generate_key().decode(),
    "encryption_key",
).split(",")

# Uploaded files larger than this are refused with a message saying so.
MAX_UPLOAD_MB = read_int("CASEWELL_MAX_UPLOAD_MB", 20, minimum=1, maximum=2048)

# Incoming mail past any of these is quarantined with the limit named (never dropped).
MAIL_MAX_MB = read_int("CASEWELL_MAIL_MAX_MB", 50, minimum=1, maximum=2048)
MAIL_MAX_DEPTH = read_int("CASEWELL_MAIL_MAX_DEPTH", 20, minimum=2, maximum=500)
MAIL_MAX_PARTS = read_int("CASEWELL_MAIL_MAX_PARTS", 500, minimum=1, maximum=100000)
MAIL_MAX_HEADER_LENGTH = read_int(
    "CASEWELL_MAIL_MAX_HEADER_LENGTH", 65536, minimum=1000, maximum=10_000_000
)

# Placing new mail: a reply with the same sender and subject joins a case this many days
# after the last message on it; a letter from this many senders (at least this similar,
# in per cent) within this many days is grouped as a campaign.
INBOX_THREAD_WINDOW_DAYS = read_int(
    "CASEWELL_INBOX_THREAD_WINDOW_DAYS", 30, minimum=1, maximum=3650
)
INBOX_CAMPAIGN_SENDERS = read_int("CASEWELL_INBOX_CAMPAIGN_SENDERS", 3, minimum=2, maximum=100_000)
INBOX_CAMPAIGN_SIMILARITY = (
    read_int("CASEWELL_INBOX_CAMPAIGN_SIMILARITY_PERCENT", 60, minimum=1, maximum=100) / 100
)
INBOX_CAMPAIGN_WINDOW_DAYS = read_int(
    "CASEWELL_INBOX_CAMPAIGN_WINDOW_DAYS", 30, minimum=1, maximum=3650
)

ALLOWED_HOSTS = read_list(
    "CASEWELL_ALLOWED_HOSTS", [] if HOSTED else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = read_list("CASEWELL_TRUSTED_ORIGINS", [])
# Where people reach Casewell, for links in e-mails sent outside a request.
SITE_URL = read_str("CASEWELL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Database -----------------------------------------------------------------

DATABASE_URL = read_str("CASEWELL_DATABASE_URL", f"sqlite:///{DATA_DIR / 'casewell.sqlite3'}")
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
except ValueError as error:
    raise ImproperlyConfigured(
        f"CASEWELL_DATABASE_URL is not a database address: {error}"
    ) from None

if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {
        # WAL lets pages read while the worker writes; IMMEDIATE takes the write
        # lock when a transaction starts, so two writers queue instead of failing.
        # NORMAL: a power cut may undo the last commits, never corrupt the file; mail
        # received is committed at FULL (inbox.raw_queries.committed_to_disk).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _database["ENGINE"] == "django.db.backends.postgresql":
    # A statement run a sixth time on a connection is prepared: parsed and planned
    # once, not each time. Only Casewell's server-bound cursors (casewell.database)
    # prepare; Django's own bind values on the client and never do.
    _database.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
else:
    raise ImproperlyConfigured("CASEWELL_DATABASE_URL must be a sqlite:// or postgres:// address.")
_database["TEST"] = {"NAME": read_str("CASEWELL_TEST_DATABASE_NAME") or None}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ---------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "casewell.offices",
    "casewell.people",
    "casewell.directory",
    "casewell.cases",
    "casewell.timeline",
    "casewell.files",
    "casewell.safety",
    "casewell.inbox",
    "casewell.notify",
    "casewell.wellbeing",
    "casewell.jobs",
    "casewell.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "casewell.static_files.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "casewell.offices.middleware.OfficeMiddleware",
]

ROOT_URLCONF = "casewell.urls"
WSGI_APPLICATION = "casewell.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casewell.offices.context_processors.office",
            ],
        },
    },
]

# --- Sign-in ----------------------------------------------------------------------

AUTH_USER_MODEL = "offices.User"
AUTHENTICATION_BACKENDS = ["casewell.offices.backends.LockoutAwareBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = read_list(
    "CASEWELL_PASSWORD_HASHERS",
    [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "casewell.offices.adapters.AccountAdapter"
MFA_ADAPTER = "casewell.offices.adapters.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset asked for an unknown address sends nothing
ACCOUNT_FORMS = {"login": "casewell.offices.forms.SignInForm"}
MFA_FORMS = {
    "authenticate": "casewell.offices.forms.SecondFactorForm",
    "reauthenticate": "casewell.offices.forms.SecondFactorAgainForm",
}
# Failed sign-ins are slowed and locked per account by LockoutAwareBackend;
# allauth's own per-address limit stays on for everything else.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HOSTED
MFA_TOTP_ISSUER = "Casewell"

SIGN_IN_FAILURES_BEFORE_SLOWING = read_int("CASEWELL_SIGN_IN_FAILURES_BEFORE_SLOWING", 3, minimum=1)
SIGN_IN_FAILURES_BEFORE_LOCKING = read_int(
    "CASEWELL_SIGN_IN_FAILURES_BEFORE_LOCKING", 10, minimum=2
)

SESSION_IDLE_MINUTES = read_int("CASEWELL_SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # the expiry counts from the last request: idle time
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HOSTED
CSRF_COOKIE_SECURE = HOSTED
CSRF_COOKIE_HTTPONLY = True

# --- Security headers ----------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = 63072000 if HOSTED else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HOSTED
SECURE_SSL_REDIRECT = HOSTED and read_bool("CASEWELL_SSL_REDIRECT", True)
if HOSTED:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "manifest-src": [SELF],
    }
}

# --- Static files, served by the application itself (WhiteNoise) ------------------

STATIC_URL = "/static/"
# Embedded mode serves straight from the packages (finders); hosted collects once.
STATIC_ROOT = Path(read_str("CASEWELL_STATIC_ROOT")) if read_str("CASEWELL_STATIC_ROOT") else None
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("casewell", PROJECT_DIR / "build" / "static" / "casewell"),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Mail out -----------------------------------------------------------------------

DEFAULT_FROM_EMAIL = read_str("CASEWELL_MAIL_FROM", "Casewell <casewell@localhost>")
SMTP_URL = read_str("CASEWELL_SMTP_URL")
if SMTP_URL:
    from urllib.parse import unquote, urlsplit

    _smtp = urlsplit(SMTP_URL)
    if _smtp.scheme not in ("smtp", "smtps", "smtp+starttls"):
        raise ImproperlyConfigured(
            "CASEWELL_SMTP_URL must start smtp://, smtps:// or smtp+starttls://"
        )
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp.hostname or "localhost"
    EMAIL_PORT = _smtp.port or (465 if _smtp.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_smtp.username or "")
    EMAIL_HOST_PASSWORD = unquote(_smtp.password or "")
    EMAIL_USE_SSL = _smtp.scheme == "smtps"
    EMAIL_USE_TLS = _smtp.scheme == "smtp+starttls"
else:
    # Embedded: outgoing mail is written to files an administrator can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox"

# --- Mail in (the SMTP/LMTP receiver) --------------------------------------------

# `casewell serve` runs the receiver as a thread (embedded); hosted installations
# run `casewell mail` as a process of its own. Local-only by default: another
# mail server (Postfix, Exim) on this machine hands mail over, by LMTP preferably.
MAIL_RECEIVER = read_bool("CASEWELL_MAIL_RECEIVER", True)
MAIL_RECEIVER_HOST = read_str("CASEWELL_MAIL_RECEIVER_HOST", "127.0.0.1")
# 0 shuts that door.
MAIL_RECEIVER_SMTP_PORT = read_int("CASEWELL_MAIL_SMTP_PORT", 2525, maximum=65535)
MAIL_RECEIVER_LMTP_PORT = read_int("CASEWELL_MAIL_LMTP_PORT", 2526, maximum=65535)
# The reading limit (CASEWELL_MAIL_MAX_MB, above), announced as SIZE: a larger
# message is refused (552) at the door rather than stored and quarantined.
MAIL_RECEIVER_MAX_BYTES = MAIL_MAX_MB * 1024 * 1024
MAIL_RECEIVER_NAME = read_str("CASEWELL_MAIL_RECEIVER_NAME", "casewell")

# --- Jobs -------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
WORKER_THREADS = read_int("CASEWELL_WORKER_THREADS", 2, minimum=0, maximum=64)
# A running job whose worker has not been heard from for this long is given
# to another worker: the worker died (killed, machine lost) mid-job.
WORKER_LEASE_SECONDS = read_int("CASEWELL_WORKER_LEASE_SECONDS", 60, minimum=1)
SCHEDULER_INTERVAL_SECONDS = read_int("CASEWELL_SCHEDULER_INTERVAL_SECONDS", 5, minimum=1)

# --- Caches -----------------------------------------------------------------------

REDIS_URL = read_str("CASEWELL_REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Place and time ---------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": read_str("CASEWELL_LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Under test, never let a stray setting reach a real outbox or a real server.
TESTING = read_bool("CASEWELL_TESTING", False)
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
