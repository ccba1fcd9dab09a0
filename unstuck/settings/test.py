"""Fast, isolated settings for the test suite."""

import os
from pathlib import Path

os.environ.setdefault("UNSTUCK_DATA_DIR", "/tmp/unstuck-test-data")

from .base import *  # noqa: F403
from .base import DATABASES

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA foreign_keys=ON;"}

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests of other rules start from an unrouted desk; routing tests save a Routing row that turns it on.
AUTO_ASSIGN_DEFAULT = False
MEDIA_ROOT = Path("/tmp/unstuck-test-media")
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
