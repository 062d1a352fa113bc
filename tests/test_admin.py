"""Admin pages for units, people, positions and the calendar: they load, and bad input is refused in Vietnamese."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Position
from core.models import CalendarDay

ADMIN_PAGES = [
    "admin:accounts_orgunit_changelist", "admin:accounts_orgunit_add",
    "admin:accounts_user_changelist", "admin:accounts_user_add",
    "admin:accounts_position_changelist", "admin:accounts_position_add",
    "admin:core_calendarday_changelist", "admin:core_calendarday_add",
    "admin:core_auditevent_changelist",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_page_loads_for_an_admin(client, admin_user, head, name):
    client.force_login(admin_user)
    assert client.get(reverse(name)).status_code == 200


def test_a_cadre_without_staff_rights_cannot_open_the_admin(client, head):
    client.force_login(head)
    response = client.get(reverse("admin:accounts_orgunit_changelist"))
    assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]


def _position_form(person, unit, **overrides):
    data = {
        "person": person.pk, "unit": unit.pk, "role": Position.Role.HEAD, "title": "Giám đốc",
        "category": Position.Category.STATE_LEADER, "start_date": "01/06/2025", "end_date": "",
    }
    return {**data, **overrides}


def test_a_second_sitting_head_is_refused_with_a_vietnamese_message(client, admin_user, head, department, proposer):
    client.force_login(admin_user)
    response = client.post(reverse("admin:accounts_position_add"), _position_form(proposer, department))
    assert response.status_code == 200
    assert "Đơn vị đã có người đứng đầu" in response.content.decode()
    assert Position.objects.filter(unit=department, role=Position.Role.HEAD).count() == 1


def test_an_end_date_before_the_start_is_refused_next_to_the_field(client, admin_user, department, proposer):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_position_add"),
        _position_form(proposer, department, role=Position.Role.DEPUTY, end_date="31/05/2025"),
    )
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()
    assert not Position.objects.filter(person=proposer, role=Position.Role.DEPUTY).exists()


def test_a_make_up_saturday_added_in_the_admin_is_marked_as_entered_by_hand(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "09/01/2027", "kind": CalendarDay.Kind.MAKEUP_WORKDAY, "name": "Làm bù cho ngày 05/02/2027",
         "legal_basis": "Thông báo của Bộ Nội vụ", "source": CalendarDay.Source.SEEDED},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=datetime.date(2027, 1, 9))
    assert day.source == CalendarDay.Source.MANUAL
