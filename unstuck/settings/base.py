"""Every setting in one place, read from the environment (see README's configuration table)."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Where the SQLite database, uploads and other run-time files live.
DATA_DIR = Path(os.environ.get("UNSTUCK_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# A fixed development key keeps `make run` a one-step start; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "unstuck-insecure-development-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "unstuck.core",
    "unstuck.accounts",
    "unstuck.customers",
    "unstuck.conversations",
    "unstuck.search",
    "unstuck.triage",
    "unstuck.momentum",
    "unstuck.mail",
    "unstuck.widget",
    "unstuck.helpcenter",
    "unstuck.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "unstuck.urls"
ASGI_APPLICATION = "unstuck.asgi.application"
WSGI_APPLICATION = "unstuck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unstuck.core.context_processors.workspace",
            ],
        },
    }
]

# SQLite (WAL) by default; PostgreSQL via DATABASE_URL=postgres://… when a team outgrows one machine.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'unstuck.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the worker read while the other writes.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "conversations:inbox"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# Serve straight from the app folders, so `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
# Re-read files when they change (a cached size would truncate an edited stylesheet); off for a fixed deploy.
WHITENOISE_AUTOREFRESH = env_bool("STATIC_AUTOREFRESH", True)

# Outbound mail: Django's SMTP backend, configured by EMAIL_* variables.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Unstuck <support@unstuck.localhost>")

# Background work: django-tasks. "db" (default) stores tasks in the database for `unstuck worker`;
# "immediate" runs them inline in the web process.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "db")
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}

# How long a viewer counts as "present" on a conversation after their last heartbeat.
PRESENCE_TTL_SECONDS = int(os.environ.get("PRESENCE_TTL_SECONDS", "20"))
# The public help center's name in its header (e.g. your company); empty shows "Help center".
HELP_CENTER_NAME = os.environ.get("HELP_CENTER_NAME", "")
# Triage model family: "default" (TF-IDF and cues, light) or "semantic" (sentence embeddings, needs the extra).
TRIAGE_ENGINE = os.environ.get("TRIAGE_ENGINE", "default")
# Email: attachment size limit, retry waits (seconds) before a reply shows "Not delivered", SMTP timeout.
MAIL_MAX_ATTACHMENT_BYTES = int(os.environ.get("MAIL_MAX_ATTACHMENT_BYTES", str(20 * 1024 * 1024)))
MAIL_RETRY_BACKOFF = (60, 300)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Sites allowed to embed the chat widget (comma separated origins, or *).
WIDGET_ALLOWED_ORIGINS = [o.strip() for o in os.environ.get("WIDGET_ALLOWED_ORIGINS", "*").split(",") if o.strip()]
# Where agents reach the desk: links in notification emails.
SITE_URL = os.environ.get("UNSTUCK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Whether a desk that never saved its routing settings assigns new conversations round-robin.
AUTO_ASSIGN_DEFAULT = os.environ.get("UNSTUCK_AUTO_ASSIGN", "1") not in ("0", "false", "no")
# Page size of inbox lists and API cursors.
INBOX_PAGE_SIZE = int(os.environ.get("INBOX_PAGE_SIZE", "50"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The task worker logs every run at INFO; keep the console for what needs a person.
    "loggers": {"django_tasks": {"level": "WARNING"}, "django_tasks_db": {"level": "WARNING"}},
}
