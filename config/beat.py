"""Exactly one beat however many nodes start one: django-celery-beat's DatabaseScheduler behind a Redis lock.

Beat is started on two nodes (or more) so that losing a machine does not stop the reminders. Only the beat holding
the lock (a redis-py Lock named `<CELERY_BROKER_KEY_PREFIX>celery-beat-lock`, expiring CELERY_BEAT_LOCK_TTL seconds
after its last renewal) writes the schedule or sends anything; it renews the lock at every tick, at least every
third of the TTL. The others stand by and try as often. When the holder dies its lock expires, one of them takes
it and reads the schedule afresh from the database, where the holder wrote each entry's last run as soon as it had
sent it (CELERY_BEAT_SYNC_EVERY = 1): what was just sent is not sent again. A holder stopped cleanly (SIGTERM)
releases the lock at once.

Why Redis with a TTL rather than a PostgreSQL advisory lock: an advisory lock is freed only when the server notices
that the holder's connection is gone, which for a machine that lost its network takes TCP keepalive's hours; the
TTL bounds the takeover. The price: a holder frozen for longer than the TTL (a suspended VM) may send once more
before its next tick finds the lock gone, while its successor already sends. The ledgers make a task sent twice
harmless; the lock is there so that it does not happen every day.

Without REDIS_URL (`make run`: one process with an embedded beat) there is nothing to lock with and nothing to
lock against, so the scheduler runs unlocked.
"""

import logging
import os
import socket
import uuid

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler
from redis.exceptions import LockError, LockNotOwnedError, RedisError

logger = logging.getLogger(__name__)

LOCK_NAME = "celery-beat-lock"


class BeatLock:
    """The lock one beat holds while it sends: taken, renewed and given back here; the holder is named in it."""

    def __init__(self, *, url: str, key: str, ttl: int):
        self.key, self.ttl = key, ttl
        # Renewed (or tried for) this often: two renewals may fail before the lock expires.
        self.interval = ttl / 3
        self.identity = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # A Redis that does not answer must not hold up the tick past the lock's life.
        timeout = min(2.0, self.interval)
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self._lock = self.client.lock(key, timeout=ttl, thread_local=False)
        self.held = False
        self._reported_holder: str | None = None

    def hold(self) -> bool:
        """Take or renew the lock; True when this beat holds it now, and may send until `interval` has passed."""
        was_held = self.held
        try:
            self.held = self._take_or_renew()
        except RedisError as error:
            if was_held or self._reported_holder != "?":
                logger.error("Beat lock %s: Redis does not answer (%s); this beat sends nothing until it does.",
                             self.key, error)
                self._reported_holder = "?"
            self.held = False
            return False
        if self.held and not was_held:
            logger.info("Beat lock %s taken by %s (this beat): it sends the periodic tasks, renewing the lock every "
                        "%.1f s; it expires %s s after the last renewal.", self.key, self.identity, self.interval, self.ttl)
            self._reported_holder = self.identity
        elif not self.held:
            holder = self.holder() or "nobody"
            if was_held:
                logger.error("Beat lock %s lost (expired, now held by %s): this beat stops sending.", self.key, holder)
            if holder != self._reported_holder:
                logger.info("Beat lock %s held by %s: this beat (%s) stands by and tries again every %.1f s.",
                            self.key, holder, self.identity, self.interval)
                self._reported_holder = holder
        return self.held

    def _take_or_renew(self) -> bool:
        if self._lock.local.token is not None:  # held it, or did until Redis stopped answering
            try:
                return self._lock.reacquire()
            except LockNotOwnedError:
                self._lock.local.token = None  # expired meanwhile; perhaps nobody took it yet
        return self._lock.acquire(blocking=False, token=self.identity)

    def holder(self) -> str | None:
        value = self.client.get(self.key)
        return value.decode() if value else None

    def release(self) -> None:
        """Give the lock back (a clean stop), so that a standby beat takes over at its next try, not after the TTL."""
        if not self.held:
            return
        self.held = False
        try:
            self._lock.release()
            logger.info("Beat lock %s released by %s.", self.key, self.identity)
        except (LockError, RedisError) as error:
            logger.warning("Beat lock %s not released (%s); it expires by itself.", self.key, error)


def beat_lock() -> BeatLock | None:
    """The lock from the settings; None without Redis (one process, nothing to lock against)."""
    if not settings.REDIS_URL:
        return None
    return BeatLock(url=settings.REDIS_URL, key=f"{settings.CELERY_BROKER_KEY_PREFIX}{LOCK_NAME}",
                    ttl=settings.CELERY_BEAT_LOCK_TTL)


class SingleBeatScheduler(DatabaseScheduler):
    """DatabaseScheduler (schedule edited in the admin) that writes and sends only while it holds the beat lock."""

    def __init__(self, *args, **kwargs):
        # Before DatabaseScheduler's __init__, which sets the schedule up (`setup_schedule`) and so needs the lock.
        self.beat_lock = beat_lock()
        self._sending = False
        super().__init__(*args, **kwargs)

    def setup_schedule(self):
        # Only the holder writes the configured entries into the database: two beats starting together would race
        # to create the same rows. A standby sets up when it takes over (`_may_send`).
        self._may_send()

    def tick(self, *args, **kwargs):
        if not self._may_send():
            return self.beat_lock.interval
        interval = super().tick(*args, **kwargs)
        return interval if self.beat_lock is None else min(interval, self.beat_lock.interval)

    def close(self):
        super().close()
        if self.beat_lock is not None:
            self.beat_lock.release()

    def _may_send(self) -> bool:
        was_sending = self._sending
        self._sending = self.beat_lock is None or self.beat_lock.hold()
        if self._sending and not was_sending:
            # Taken (at start or over from a dead holder): read every entry afresh, with the last runs the previous
            # holder wrote, and rebuild the heap from them rather than from what this beat read when it last sent.
            self._initial_read = True
            self._heap = None
            super().setup_schedule()
        return self._sending
