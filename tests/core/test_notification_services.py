"""Marking notifications read goes through `notifications_mark_read`: only the reader's own unread ones, one
audited event per click that changes something, none for a click that changes nothing (spec README §6)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.audit import verify_chain
from core.models import AuditEvent, Notification
from core.notifications import notifications_mark_read

EARLIER = timezone.make_aware(datetime.datetime(2026, 3, 2, 8, 0))


@pytest.fixture
def inbox(head, deputy):
    """Two unread notifications and one read one for the head, one unread for the deputy."""
    older = Notification.objects.create(recipient=head, message="Đề xuất A đã được nộp.")
    newer = Notification.objects.create(recipient=head, message="Mời biểu quyết đề xuất B.")
    read = Notification.objects.create(recipient=head, message="Đã đọc từ trước.", read_at=EARLIER)
    theirs = Notification.objects.create(recipient=deputy, message="Thông báo của người khác.")
    return older, newer, read, theirs


def _unread(person) -> set[int]:
    return set(Notification.objects.filter(recipient=person, read_at__isnull=True).values_list("pk", flat=True))


def test_marking_one_read_records_one_event_with_the_reader_and_the_id(inbox, head):
    older, newer, _read, _theirs = inbox

    assert notifications_mark_read(by=head, notification_id=older.pk) == 1

    assert _unread(head) == {newer.pk}
    [event] = AuditEvent.objects.all()
    assert (event.action, event.actor, event.actor_name) == ("notifications_read", head, head.get_full_name())
    assert (event.object_type, event.object_id) == ("accounts.user", str(head.pk))
    assert event.payload == {"count": 1, "ids": [older.pk]}
    assert verify_chain() == (1, None)


def test_marking_all_read_records_the_count_and_leaves_other_peoples_alone(inbox, head, deputy):
    _older, _newer, read, theirs = inbox

    assert notifications_mark_read(by=head) == 2

    assert _unread(head) == set() and _unread(deputy) == {theirs.pk}
    read.refresh_from_db()
    assert read.read_at == EARLIER  # already read: its time stays
    [event] = AuditEvent.objects.all()
    assert (event.actor, event.payload) == (head, {"count": 2, "ids": "all"})
    assert verify_chain() == (1, None)


def test_a_second_click_changes_nothing_and_records_nothing(inbox, head):
    older, *_ = inbox
    notifications_mark_read(by=head, notification_id=older.pk)
    notifications_mark_read(by=head)
    older.refresh_from_db()
    first_read_at = older.read_at

    assert notifications_mark_read(by=head, notification_id=older.pk) == 0
    assert notifications_mark_read(by=head) == 0

    older.refresh_from_db()
    assert older.read_at == first_read_at
    assert AuditEvent.objects.count() == 2
    assert verify_chain() == (2, None)


def test_no_one_marks_another_persons_notification_and_an_anonymous_caller_is_refused(inbox, head, deputy):
    *_, theirs = inbox

    assert notifications_mark_read(by=head, notification_id=theirs.pk) == 0
    with pytest.raises(PermissionDenied):
        notifications_mark_read(by=AnonymousUser())

    assert _unread(deputy) == {theirs.pk}
    assert not AuditEvent.objects.exists()


def test_the_view_marks_through_the_service_with_the_same_answers(client, inbox, head, deputy):
    older, newer, _read, theirs = inbox
    client.force_login(head)
    mark_read = reverse("core:notifications_mark_read")

    one = client.post(mark_read, {"id": older.pk})
    again = client.post(mark_read, {"id": older.pk})
    other = client.post(mark_read, {"id": theirs.pk})
    malformed = [client.post(mark_read, {"id": value}).status_code for value in ("abc", "²", "-1")]
    everything = client.post(mark_read, follow=True)

    assert (one.status_code, one["Location"]) == (302, reverse("core:notifications"))
    assert again.status_code == 302  # already read: found, unchanged
    assert (other.status_code, malformed) == (404, [404, 404, 404])
    assert "Đã đánh dấu 1 thông báo là đã đọc." in everything.content.decode()
    assert _unread(head) == set() and _unread(deputy) == {theirs.pk}
    assert [event.payload for event in AuditEvent.objects.order_by("seq")] == [
        {"count": 1, "ids": [older.pk]}, {"count": 1, "ids": "all"},
    ]
    assert {event.actor for event in AuditEvent.objects.all()} == {head}
    assert verify_chain() == (2, None)


def test_notifications_committed_in_app_only_are_never_e_mailed(django_capture_on_commit_callbacks, proposer):
    from core.models import Notification
    from core.notifications import in_app_only, notify

    proposer.email = "truongphong@example.vn"
    proposer.save()
    with in_app_only(), django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[proposer], message="Thông báo thử")
    assert Notification.objects.get(message="Thông báo thử").email_status == Notification.EmailStatus.SKIPPED
