import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["HOTLINE_SECRET_KEY"]
SESSION_COOKIE_SECURE = os.environ.get("HOTLINE_HTTPS", "1") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
