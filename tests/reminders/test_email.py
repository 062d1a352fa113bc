"""E-mail (spec README §5): Vietnamese, HTML and plain text, titles and links but never a plan's content, a link to
the preferences in every mail; each person chooses immediate e-mails or one daily digest, and an empty digest is
not sent. The in-app notification centre keeps its unread count."""

import datetime
import re

import pytest
from django.urls import reverse

from core.models import Notification, NotificationPreference
from core.notifications import digest_send, notification_preference_set, notify
from core.tasks import email_pending_notifications, send_digests
from reminders.models import Reminder
from tests.lifecycle import as_, complete_plan, submitted_proposal
from tests.reminders.helpers import OVERDUE, TWO_DAYS_BEFORE, mails_to, morning, scan_on

PLAN = complete_plan()
PREFERENCES = "http://127.0.0.1:8000/thong-bao/cach-nhan-thu/"


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def submit_and_commit(proposer, django_capture_on_commit_callbacks, **plan):
    """A plan submitted with its commit: the head and the secretariat are notified (and e-mailed at once)."""
    with django_capture_on_commit_callbacks(execute=True):
        return submitted_proposal(proposer=proposer, **plan)


def test_an_immediate_email_is_vietnamese_html_and_text_with_code_title_and_link_but_no_plan_content(
    proposer, head, secretariat, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = submit_and_commit(proposer, django_capture_on_commit_callbacks)

    [message] = mails_to(mailoutbox, head)
    assert message.subject == (
        f"[Đổi mới, sáng tạo] {proposal.code}: Đề xuất “{proposal.title}” đã được nộp, hạn họp xem xét: 11/03/2026."
    )
    link = f"http://127.0.0.1:8000/de-xuat/{proposal.pk}/"
    html = html_of(message)
    for body in (message.body, html):
        assert f"Kính gửi {head.get_full_name()}," in body
        assert proposal.code in body and proposal.title in body
        assert link in body and PREFERENCES in body
        for content in ("bottleneck", "content_solutions", "necessity", "resources", "indicators"):
            assert PLAN[content] not in body
    assert '<html lang="vi">' in html and "&quot;" not in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert len(mails_to(mailoutbox, secretariat)) == 1
    assert Notification.objects.filter(email_status="sent").count() == 2


def test_links_in_emails_use_the_site_url(proposer, head, celery_eager, mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://decree73.quangninh.gov.vn"
    proposal = submit_and_commit(proposer, django_capture_on_commit_callbacks)

    [message] = mails_to(mailoutbox, head)
    assert f"https://decree73.quangninh.gov.vn/de-xuat/{proposal.pk}/" in message.body
    assert "https://decree73.quangninh.gov.vn/thong-bao/cach-nhan-thu/" in message.body


def test_no_email_for_a_person_without_an_address_and_the_notification_stays(
    proposer, head, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    head.email = ""
    head.save()
    submit_and_commit(proposer, django_capture_on_commit_callbacks)

    assert mails_to(mailoutbox, head) == [] and mailoutbox == []
    assert Notification.objects.get(recipient=head).email_status == "skipped"


def test_a_digest_reader_gets_no_immediate_mail_and_then_one_digest_of_the_unread(
    proposer, head, secretariat, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preference_set(by=head, delivery=NotificationPreference.Delivery.DIGEST)
    first = submit_and_commit(proposer, django_capture_on_commit_callbacks)
    second = submit_and_commit(proposer, django_capture_on_commit_callbacks, title="Số hóa hồ sơ cán bộ công chức")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[head], message="Đã đọc trong ứng dụng.", url="/thong-bao/")
    Notification.objects.filter(message="Đã đọc trong ứng dụng.").update(read_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC))
    assert mails_to(mailoutbox, head) == []
    assert len(mails_to(mailoutbox, secretariat)) == 2  # immediate, as by default

    assert send_digests.apply().get() == 1  # one person waits for a digest

    [digest] = mails_to(mailoutbox, head)
    assert digest.subject == "[Đổi mới, sáng tạo] Tổng hợp ngày 02/03/2026: 2 thông báo"
    for body in (digest.body, html_of(digest)):
        assert first.code in body and second.code in body and "Đã đọc trong ứng dụng." not in body
        assert PREFERENCES in body
        assert PLAN["bottleneck"] not in body
    assert set(Notification.objects.filter(recipient=head).values_list("email_status", flat=True)) == {"sent", "skipped"}


def test_an_empty_digest_is_not_sent_and_a_digest_run_twice_is_sent_once(
    proposer, head, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preference_set(by=head, delivery=NotificationPreference.Delivery.DIGEST)
    today = datetime.date(2026, 3, 2)
    assert digest_send(user_id=head.pk, day=today) == 0  # nothing waits: no mail

    submit_and_commit(proposer, django_capture_on_commit_callbacks)
    assert digest_send(user_id=head.pk, day=today) == 1
    assert digest_send(user_id=head.pk, day=today) == 0
    assert send_digests.apply().get() == 0
    assert len(mails_to(mailoutbox, head)) == 1


def test_reminders_of_a_digest_reader_wait_for_the_digest(submitted, head, secretariat, mailoutbox, time_machine):
    notification_preference_set(by=head, delivery=NotificationPreference.Delivery.DIGEST)

    scan_on(time_machine, TWO_DAYS_BEFORE)

    # Delivered (the in-app notification exists) but e-mailed with the digest, not at once.
    assert Reminder.objects.get(recipient=head).state == "sent"
    assert mails_to(mailoutbox, head) == [] and len(mails_to(mailoutbox, secretariat)) == 1
    digest_send(user_id=head.pk, day=TWO_DAYS_BEFORE)
    [digest] = mails_to(mailoutbox, head)
    assert "Nhắc việc: “Họp tập thể lãnh đạo xem xét đề xuất”" in digest.body


def test_an_escalation_email_names_the_step_the_proposal_and_links_to_it(
    submitted, superior_head, mailoutbox, time_machine
):
    scan_on(time_machine, OVERDUE)

    [message] = mails_to(mailoutbox, superior_head)
    assert message.subject.startswith(f"[Đổi mới, sáng tạo] {submitted.code}: Quá hạn: “Họp tập thể lãnh đạo")
    assert f"http://127.0.0.1:8000/de-xuat/{submitted.pk}/" in message.body
    assert PREFERENCES in html_of(message)


def test_mails_that_a_lost_task_did_not_send_go_with_the_sweep_once(
    proposer, head, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    from unittest import mock

    from core.tasks import email_notification

    # The broker was down at commit time: enqueueing failed, the change itself stands.
    with mock.patch.object(email_notification, "delay", side_effect=ConnectionError("broker down")):
        submit_and_commit(proposer, django_capture_on_commit_callbacks)
    assert Notification.objects.get(recipient=head).email_status == "pending"

    assert email_pending_notifications.apply().get() == 0  # too recent: its task may still be on its way
    time_machine.move_to(morning(datetime.date(2026, 3, 3)), tick=False)
    assert email_pending_notifications.apply().get() == 1
    assert email_pending_notifications.apply().get() == 0
    assert len(mails_to(mailoutbox, head)) == 1


def test_the_unread_count_of_the_notification_centre_counts_reminders(submitted, head, time_machine):
    scan_on(time_machine, TWO_DAYS_BEFORE)
    scan_on(time_machine, datetime.date(2026, 3, 11))

    html = as_(head).get(reverse("core:notifications")).content.decode()
    assert re.search(r'text-bg-warning">2<span class="visually-hidden"> chưa đọc', html)
    assert "Nhắc việc: hôm nay (11/03/2026)" in html


@pytest.mark.parametrize("delivery", ["immediate", "digest"])
def test_every_mail_links_to_the_preferences_page(delivery, proposer, head, celery_eager, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    notification_preference_set(by=head, delivery=delivery)
    submit_and_commit(proposer, django_capture_on_commit_callbacks)
    digest_send(user_id=head.pk, day=datetime.date(2026, 3, 2))

    [message] = mails_to(mailoutbox, head)
    assert PREFERENCES in message.body and f'href="{PREFERENCES}"' in html_of(message)
    assert as_(head).get(PREFERENCES.removeprefix("http://127.0.0.1:8000")).status_code == 200
