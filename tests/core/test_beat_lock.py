"""Exactly one beat sends even when beat is started on two nodes (issue 14 §4, config/beat.py): two real `celery beat`
processes on this test's database and a Redis key prefix of their own, a periodic task due every second; the one
holding the lock sends, the other stands by naming the holder; killed with SIGKILL, the holder is replaced within
the lock's TTL and nothing it had sent is lost from the database's record of last runs.
"""

import logging
import time
import uuid

import pytest
import redis
from django.conf import settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.beat import BeatLock
from tests.celery_nodes import log_lines, wait_until

pytestmark = pytest.mark.redis

TTL = 3  # seconds: the lock is renewed, or tried for, every second
ENTRY = "every-second-for-the-beat-lock-test"
# A queue of its own: the configured entries (e.g. the pending-mail sweep every five minutes) may fall due meanwhile.
QUEUE = "beat-lock-test"


def sends(log) -> int:
    return sum(1 for line in log_lines(log) if f"Sending due task {ENTRY} " in line)


def logged(log, words: str) -> list[str]:
    return [line for line in log_lines(log) if words in line]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_of_two_beats_sends_and_the_other_takes_over_within_the_ttl_when_it_dies(nodes_for):
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name=ENTRY, task="core.tasks.extend_calendar", interval=every_second, queue=QUEUE)
    nodes = nodes_for(CELERY_BEAT_LOCK_TTL=str(TTL))
    beats = [nodes.start_beat(), nodes.start_beat()]

    def roles():
        holding = [beat for beat in beats if logged(beat[1], "(this beat)")]
        standing_by = [beat for beat in beats if logged(beat[1], "stands by")]
        if len(holding) == len(standing_by) == 1 and sends(holding[0][1]) >= 3:
            return holding[0], standing_by[0]
        return None

    (holder, holder_log), (standby, standby_log) = wait_until(roles, timeout=60, what="one beat to send, one to wait")

    assert sends(standby_log) == 0
    # Who holds the lock is in the standby's log: the holder's host and process id.
    assert f":{holder.pid}:" in logged(standby_log, "stands by")[0]

    nodes.kill(holder)
    killed_at = time.monotonic()
    sent_by_the_dead, in_queue = sends(holder_log), nodes.queue_length(QUEUE)
    # Each send is one message on the entry's queue; beat logs a send just before it publishes it, so the kill may
    # have fallen between the two for the last one.
    assert in_queue in (sent_by_the_dead - 1, sent_by_the_dead)
    # The holder wrote each send's last run at once (CELERY_BEAT_SYNC_EVERY): at most the one in flight is missing.
    assert PeriodicTask.objects.get(name=ENTRY).total_run_count in (sent_by_the_dead - 1, sent_by_the_dead)

    wait_until(lambda: logged(standby_log, "(this beat)"), timeout=TTL * 3, what="the standby to take over")
    took_over_in = time.monotonic() - killed_at
    # The dead holder's lock expires at most TTL after its last renewal; the standby tries every TTL/3.
    assert took_over_in <= TTL + TTL / 3 + 1.5, took_over_in  # + 1.5 s: the log and a loaded CI machine
    wait_until(lambda: sends(standby_log) >= 2, timeout=10, what="the new holder to send")
    nodes.kill(standby)
    assert nodes.queue_length(QUEUE) - in_queue in (sends(standby_log) - 1, sends(standby_log))
    print(f"beat takeover after SIGKILL of the holder: {took_over_in:.1f} s (TTL {TTL} s)")


def test_a_holder_that_lost_its_lock_stops_sending_and_one_stopped_cleanly_hands_it_over_at_once(caplog):
    key = f"test-beat-lock-{uuid.uuid4().hex}"
    first, second = (BeatLock(url=settings.REDIS_URL, key=key, ttl=30) for _ in range(2))
    caplog.set_level(logging.INFO, logger="config.beat")
    try:
        assert (first.hold(), second.hold()) == (True, False)
        assert first.hold() is True  # renewed
        assert second.holder() == first.identity
        assert f"held by {first.identity}: this beat ({second.identity}) stands by" in caplog.text

        # The first froze past the TTL (its key expired) and the second took over meanwhile.
        redis.Redis.from_url(settings.REDIS_URL).delete(key)
        assert second.hold() is True
        assert first.hold() is False  # its next tick sends nothing
        assert f"lost (expired, now held by {second.identity}): this beat stops sending" in caplog.text

        second.release()  # a clean stop (SIGTERM): no waiting for the TTL
        assert first.hold() is True
    finally:
        redis.Redis.from_url(settings.REDIS_URL).delete(key)
