"""The bare baseline for bench/load.py: no apps, no middleware, one database, one view."""

import os

import dj_database_url

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "baseline.urls"
WSGI_APPLICATION = "baseline.wsgi.application"
# As the app's settings do: persistent connections, checked before reuse.
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
USE_TZ = True
TIME_ZONE = "UTC"
LOGGING = {"version": 1, "disable_existing_loggers": False}
