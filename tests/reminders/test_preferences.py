"""The e-mail preferences page (spec README §5: "each person chooses immediate e-mails or one daily digest"), linked
from the user menu and from every mail."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEvent, NotificationPreference
from tests.lifecycle import as_

URL = reverse("core:notification_preferences")


def checked(html: str) -> str:
    """The value of the radio button checked on the page."""
    [value] = re.findall(r'name="delivery" value="(\w+)"\s+id="id_delivery_\d" required checked', html)
    return value


def test_the_page_shows_the_current_choice_immediate_by_default(head):
    response = as_(head).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cách nhận thư thông báo" in html
    assert checked(html) == "immediate"
    assert head.email in html


def test_choosing_the_digest_is_saved_recorded_and_shown(head):
    client = as_(head)

    response = client.post(URL, {"delivery": "digest"})

    assert response.status_code == 302 and response["Location"] == URL
    assert NotificationPreference.objects.get(user=head).delivery == "digest"
    [event] = AuditEvent.objects.filter(action="notification_preference")
    assert (event.actor, event.payload) == (head, {"from": "", "to": "digest"})
    page = client.get(URL).content.decode()
    assert "Đã lưu cách nhận thư thông báo." in page
    assert checked(page) == "digest"
    client.post(URL, {"delivery": "digest"})  # the same choice again records nothing
    assert AuditEvent.objects.filter(action="notification_preference").count() == 1


def test_a_wrong_choice_is_refused_in_vietnamese_next_to_the_field(head):
    response = as_(head).post(URL, {"delivery": "weekly"})

    assert response.status_code == 200
    assert "Chọn một cách nhận thư thông báo." in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_and_other_methods_are_refused(client, head):
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))
    assert client.post(URL, {"delivery": "digest"})["Location"].startswith(reverse("accounts:login"))
    assert as_(head).put(URL).status_code == 405
    assert as_(head).delete(URL).status_code == 405


def test_each_person_sets_only_their_own_choice(head, outsider):
    # There is no other person's page to reach: the page is always the signed-in person's own.
    as_(outsider).post(URL, {"delivery": "digest"})
    assert list(NotificationPreference.objects.values_list("user", "delivery")) == [(outsider.pk, "digest")]
    assert checked(as_(head).get(URL).content.decode()) == "immediate"


def test_the_user_menu_links_to_the_page(head):
    html = as_(head).get(reverse("core:home")).content.decode()
    assert f'<a class="dropdown-item" href="{URL}">Cách nhận thư thông báo</a>' in html


@pytest.mark.parametrize("saved", [False, True])
def test_the_page_reads_a_fixed_number_of_queries(head, saved, django_assert_num_queries):
    if saved:
        NotificationPreference.objects.create(user=head, delivery="digest")
    client = as_(head)
    client.get(URL)  # warm the session
    # 1 session, 2 user, 3 the preference, 4 the badges (unread notifications, tasks pending), 5 the positions held
    # today (navigation; the incidents stage's handler paths too, to build the inbox sections the badge counts).
    with django_assert_num_queries(5):
        client.get(URL)
