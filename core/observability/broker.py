"""The Celery broker as the readiness check and the queue-depth metric see it: Redis, or kombu's filesystem folder
(`make run`), or anything else kombu connects to."""

import functools
import os

import redis
from django.conf import settings


def is_redis(url: str) -> bool:
    return url.startswith(("redis://", "rediss://", "unix://"))


@functools.cache
def redis_client(url: str, timeout: float) -> redis.Redis:
    """One client (and connection pool) per process, with both timeouts bounded: an unreachable Redis answers
    within `timeout` seconds instead of holding the request."""
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def broker_ready(timeout: float) -> tuple[bool, str]:
    url = settings.CELERY_BROKER_URL
    if is_redis(url):
        redis_client(url, timeout).ping()
        return True, ""
    if url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return (True, "") if os.access(folder, os.W_OK) else (False, "broker folder not writable")
    from kombu import Connection

    with Connection(url, connect_timeout=timeout) as connection:
        connection.ensure_connection(max_retries=1, timeout=timeout)
    return True, ""
