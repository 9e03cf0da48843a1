"""Fail loudly unless PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL, CACHE_URL) answer.

Recreates the database named in DATABASE_URL empty, so `migrate` is checked from scratch
every run whatever earlier runs left on the machine.
"""

import os
import sys

import dj_database_url
import psycopg2
import redis
from psycopg2 import sql


def check_postgres(url: str) -> None:
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"DATABASE_URL must point at PostgreSQL in CI, got engine {config['ENGINE']}")
    params = {"host": config["HOST"] or None, "port": config["PORT"] or None,
              "user": config["USER"] or None, "password": config["PASSWORD"] or None, "connect_timeout": 5}
    try:
        connection = psycopg2.connect(dbname="postgres", **params)
    except psycopg2.OperationalError as error:
        sys.exit(f"PostgreSQL is not reachable at DATABASE_URL ({config['HOST']}:{config['PORT']}): {error}")
    connection.autocommit = True
    name = sql.Identifier(config["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    connection.close()
    print(f"created an empty database {config['NAME']}")
    print(f"PostgreSQL OK at {config['HOST']}:{config['PORT']}")


def check_redis(name: str, url: str) -> None:
    if not url.startswith(("redis://", "rediss://")):
        sys.exit(f"{name} must point at Redis in CI, got {url.split('://')[0]}://")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        sys.exit(f"Redis is not reachable at {name}: {error}")
    print(f"Redis OK at {name}")


if __name__ == "__main__":
    check_postgres(os.environ["DATABASE_URL"])
    check_redis("CELERY_BROKER_URL", os.environ["CELERY_BROKER_URL"])
    check_redis("CACHE_URL", os.environ["CACHE_URL"])
