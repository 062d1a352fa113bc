"""The notifications page, marking read, and the unread badge in the navigation bar.

Personas: tests/conftest.py. The clock stands on Thursday 05/02/2026 09:00 in Hà Nội.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.context_processors import badges
from core.models import Notification
from proposals.context_processors import acting_for
from tests.lifecycle import HANOI, as_

NOW = datetime.datetime(2026, 2, 5, 9, 0, tzinfo=HANOI)
pytestmark = pytest.mark.frozen_at(NOW)


@pytest.fixture
def inbox(head, deputy):
    older = Notification.objects.create(recipient=head, message="Đề xuất A đã được nộp.", url="/de-xuat/1/")
    newer = Notification.objects.create(recipient=head, message="Mời biểu quyết đề xuất B.", url="javascript:alert(1)")
    Notification.objects.create(recipient=head, message="Đã đọc từ trước.", read_at=NOW)
    Notification.objects.create(recipient=deputy, message="Thông báo của người khác.")
    return older, newer


def test_notifications_page_lists_only_mine_with_the_unread_badge(inbox, head):
    client = as_(head)
    response = client.get(reverse("core:notifications"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đề xuất A đã được nộp." in html and "Đã đọc từ trước." in html
    assert "Thông báo của người khác." not in html
    assert 'href="/de-xuat/1/"' in html and "javascript:" not in html
    assert re.search(r'text-bg-warning">2<span class="visually-hidden"> chưa đọc', html)


def test_notifications_page_queries_do_not_grow_with_the_list(head, django_assert_num_queries):
    for n in range(25):
        Notification.objects.create(recipient=head, message=f"Thông báo số {n}.")
    client = as_(head)
    client.get(reverse("core:notifications"))  # warm the session
    # 1 session, 2 user, 3 count for the paginator, 4 the page of notifications, 5 the badges (unread
    # notifications, tasks pending), 6 the positions held today (navigation by role; the incidents stage's handler
    # paths too, to build the inbox sections the badge counts).
    with django_assert_num_queries(6):
        client.get(reverse("core:notifications"))


def test_mark_one_notification_read_then_all(inbox, head, deputy):
    older, newer = inbox
    client = as_(head)
    response = client.post(reverse("core:notifications_mark_read"), {"id": older.pk})
    assert response.status_code == 302
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.read_at is not None and newer.read_at is None
    theirs = Notification.objects.get(recipient=deputy)
    assert client.post(reverse("core:notifications_mark_read"), {"id": theirs.pk}).status_code == 404
    assert client.post(reverse("core:notifications_mark_read"), {"id": "abc"}).status_code == 404
    client.post(reverse("core:notifications_mark_read"))
    assert not Notification.objects.filter(recipient=head, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=deputy).read_at is None


def test_notification_views_need_login_and_the_right_method(client, head):
    assert client.get(reverse("core:notifications"))["Location"].startswith(reverse("accounts:login"))
    assert client.post(reverse("core:notifications_mark_read"))["Location"].startswith(reverse("accounts:login"))
    assert as_(head).get(reverse("core:notifications_mark_read")).status_code == 405


def test_the_badges_are_counted_only_when_shown_and_together(rf, head):
    Notification.objects.create(recipient=head, message="Một thông báo.")
    request = rf.get("/")
    request.user = head
    with CaptureQueriesContext(connection) as queries:
        context = badges(request)
    assert len(queries) == 0
    # The positions held today (the navigation bar's, read once per request: a page has read them already; the
    # inbox sections read the incidents stage's handler paths from them); then one query counts the unread
    # notifications and every section's rows (the tasks pending).
    with CaptureQueriesContext(connection) as queries:
        assert str(context["notifications_unread"]) == "1"
        assert str(context["tasks_pending"]) == "0"
        acting_for(request)
    assert len(queries) == 2
