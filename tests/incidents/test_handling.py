"""Handling an incident (after-approval.md INC-2): steps, one outcome of six, received → handling → closed,
through the services and audited; a denunciation handed on instead (INC-3).

`incident` (tests/incidents/conftest.py): the proposer reports the deputy; the province inspector handles it.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import Notification
from incidents import services
from incidents.models import Incident, IncidentStep
from tests.lifecycle import as_, audit_events, fresh

from .helpers import NOW, REASON, TODAY, closed, handled, page, report, url

pytestmark = pytest.mark.frozen_at(NOW)
D = TODAY.strftime("%d/%m/%Y")


def test_the_outcomes_are_exactly_the_six_of_inc_2():
    """INC-2 [seeds: Thông tri 25-TT/HU, Quảng Ninh 2545-CV/TU, Hải Dương speech]."""
    assert dict(Incident.Outcome.choices) == {
        "unfounded": "Không có cơ sở",
        "reminder": "Nhắc nhở, phê bình",
        "discipline": "Kiến nghị xử lý kỷ luật theo quy định",
        "party_inspection": "Chuyển Ủy ban kiểm tra xem xét (đối với đảng viên)",
        "reassignment": "Bố trí công tác khác, thay thế, điều chuyển",
        "criminal": "Chuyển cơ quan tiến hành tố tụng",
    }


# --- received → handling → closed ------------------------------------------------------------------------------------


def test_a_handler_takes_up_records_steps_and_closes_with_one_outcome(incident, inspector, proposer,
                                                                       django_capture_on_commit_callbacks):
    client = as_(inspector)
    assert client.post(url("take_up", incident.pk)).status_code == 302
    assert fresh(incident).status == Incident.Status.HANDLING and fresh(incident).taken_up_by == inspector
    response = client.post(url("step", incident.pk), {"step-happened_on": D, "step-note": "Yêu cầu giải trình bằng văn bản."})
    assert response.status_code == 302 and response["Location"] == url("detail", incident.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("close", incident.pk), {
            "close-outcome": "discipline", "close-reason": REASON, "close-outcome_on": D,
        })
    assert response.status_code == 302
    done = fresh(incident)
    assert (done.status, done.outcome, done.outcome_reason, done.outcome_on, done.closed_by) == (
        Incident.Status.CLOSED, "discipline", REASON, TODAY, inspector)
    assert [(e.action, e.from_state, e.to_state) for e in audit_events() if e.action.startswith("incident_")] == [
        ("incident_report", "", "received"),
        ("incident_take_up", "received", "handling"),
        ("incident_step", "", ""),
        ("incident_close", "handling", "closed"),
    ]
    assert audit_events("incident_close")[0].payload == {"outcome": "discipline", "outcome_on": TODAY.isoformat()}
    # The reporter hears that it is done.
    assert Notification.objects.filter(recipient=proposer, params__number=incident.number).exists()


def test_the_first_step_takes_the_report_up(incident, dept_inspector):
    services.incident_step_record(incident=incident, by=dept_inspector, happened_on=TODAY, note="Xác minh ban đầu.")
    assert fresh(incident).status == Incident.Status.HANDLING
    assert [e.action for e in audit_events()][-2:] == ["incident_take_up", "incident_step"]


def test_closing_needs_the_report_taken_up_first(incident, inspector):
    with pytest.raises(ValidationError, match="tiếp nhận"):
        services.incident_close(incident=incident, by=inspector, outcome="unfounded", reason=REASON, outcome_on=TODAY)


def test_a_closed_incident_takes_no_second_outcome_and_no_more_steps(incident, inspector, dept_inspector):
    closed(incident, inspector)
    with pytest.raises(ValidationError, match="đã được kết thúc"):
        services.incident_close(incident=incident, by=dept_inspector, outcome="criminal", reason=REASON, outcome_on=TODAY)
    with pytest.raises(ValidationError):
        services.incident_step_record(incident=incident, by=inspector, happened_on=TODAY, note="Thêm")
    with pytest.raises(ValidationError):
        services.incident_take_up(incident=incident, by=inspector)
    assert fresh(incident).outcome == "reminder"
    assert len(audit_events("incident_close")) == 1


@pytest.mark.parametrize(("fields", "field"), [
    ({"outcome": "warning"}, "outcome"),
    ({"reason": "Ngắn"}, "reason"),
    ({"outcome_on": TODAY + datetime.timedelta(days=1)}, "outcome_on"),
    ({"outcome_on": TODAY - datetime.timedelta(days=30)}, "outcome_on"),
])
def test_the_outcome_needs_a_valid_value_a_reason_and_a_date(incident, inspector, fields, field):
    handled(incident, inspector)
    data = {"outcome": "unfounded", "reason": REASON, "outcome_on": TODAY, **fields}
    with pytest.raises(ValidationError) as refused:
        services.incident_close(incident=incident, by=inspector, **data)
    assert field in refused.value.message_dict
    assert fresh(incident).status == Incident.Status.HANDLING


def test_form_errors_are_shown_next_to_their_field(incident, inspector):
    handled(incident, inspector)
    response = as_(inspector).post(url("close", incident.pk), {"close-outcome": "unfounded", "close-reason": "Ngắn",
                                                                 "close-outcome_on": D})
    assert response.status_code == 200
    assert response.context["close_form"].errors["reason"] == ["Cần nêu căn cứ, lý do (ít nhất 10 ký tự)."]
    assert "Cần nêu căn cứ, lý do" in response.content.decode()
    future = (TODAY + datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    response = as_(inspector).post(url("step", incident.pk), {"step-happened_on": future, "step-note": "Xác minh"})
    assert response.context["step_form"].errors["happened_on"] == ["Ngày không được ở tương lai."]
    assert not IncidentStep.objects.exists()


def test_only_a_handler_may_act(incident, proposer, deputy, head):
    for person in (proposer, deputy, head):
        with pytest.raises(PermissionDenied):
            services.incident_take_up(incident=incident, by=person)
    assert fresh(incident).status == Incident.Status.RECEIVED


# --- Views: who may call them ---------------------------------------------------------------------------------------------

ACTIONS = ["take_up", "step", "close", "forward"]


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_send_anonymous_visitors_to_login(client, incident, name):
    response = client.post(url(name, incident.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_refuse_get(incident, inspector, name):
    assert as_(inspector).get(url(name, incident.pk)).status_code == 405


@pytest.mark.parametrize("name", ACTIONS)
def test_the_reporter_sees_the_incident_but_may_not_handle_it(incident, proposer, name):
    assert as_(proposer).post(url(name, incident.pk)).status_code == 403


@pytest.mark.parametrize("name", ACTIONS)
def test_outsiders_and_the_person_reported_get_404(incident, outsider, deputy, head, name):
    for person in (outsider, deputy, head):
        assert as_(person).post(url(name, incident.pk)).status_code == 404


def test_the_handler_page_offers_what_the_status_allows(incident, inspector, proposer):
    body = page(as_(inspector), "detail", incident.pk)
    assert url("take_up", incident.pk) in body and url("step", incident.pk) in body and url("close", incident.pk) not in body
    handled(incident, inspector)
    body = page(as_(inspector), "detail", incident.pk)
    assert url("take_up", incident.pk) not in body and url("close", incident.pk) in body
    reporter_page = page(as_(proposer), "detail", incident.pk)
    assert url("step", incident.pk) not in reporter_page and url("close", incident.pk) not in reporter_page


def test_taking_up_twice_says_why(incident, inspector):
    client = as_(inspector)
    client.post(url("take_up", incident.pk))
    response = client.post(url("take_up", incident.pk), follow=True)
    assert "đã được tiếp nhận xử lý" in response.content.decode()
    assert len(audit_events("incident_take_up")) == 1


# --- INC-3: a denunciation is handed on, not handled ----------------------------------------------------------------------


def test_a_routed_denunciation_is_handed_on_to_the_competent_body(proposer, department, deputy, inspector):
    incident = report(by=proposer, unit=department, reported_people=[deputy], is_denunciation=True, kind="abuse")
    for refused in (
        lambda: services.incident_take_up(incident=incident, by=inspector),
        lambda: services.incident_step_record(incident=incident, by=inspector, happened_on=TODAY, note="Xác minh"),
        lambda: services.incident_close(incident=incident, by=inspector, outcome="unfounded", reason=REASON, outcome_on=TODAY),
    ):
        with pytest.raises(ValidationError):
            refused()
    response = as_(inspector).post(url("forward", incident.pk), {"forward-forwarded_to": "Thanh tra tỉnh Quảng Ninh",
                                                                  "forward-forwarded_on": D})
    assert response.status_code == 302
    done = fresh(incident)
    assert (done.status, done.forwarded_to, done.forwarded_on) == (Incident.Status.ROUTED, "Thanh tra tỉnh Quảng Ninh", TODAY)
    assert audit_events("incident_forward")[0].payload == {"forwarded_to": "Thanh tra tỉnh Quảng Ninh",
                                                           "forwarded_on": TODAY.isoformat()}
    with pytest.raises(ValidationError):
        services.incident_forward(incident=incident, by=inspector, forwarded_to="Khác", forwarded_on=TODAY)
    assert "Thanh tra tỉnh Quảng Ninh" in page(as_(proposer), "detail", incident.pk)


def test_an_ordinary_report_is_not_forwarded_as_a_denunciation(incident, inspector):
    with pytest.raises(ValidationError):
        services.incident_forward(incident=incident, by=inspector, forwarded_to="Thanh tra tỉnh", forwarded_on=TODAY)


# --- The database keeps the rules too ------------------------------------------------------------------------------------


def test_the_database_refuses_a_closed_incident_without_an_outcome(incident, inspector):
    from django.db import IntegrityError, transaction

    handled(incident, inspector)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.CLOSED)


def test_the_database_refuses_a_denunciation_handled_as_an_ordinary_report(incident):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(is_denunciation=True)


@pytest.mark.postgres
def test_postgresql_refuses_a_status_change_outside_the_table(incident, inspector):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="Invalid transition"), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.CLOSED, outcome="unfounded",
                                                       outcome_reason=REASON, outcome_on=TODAY, closed_at=NOW)
    closed(incident, inspector)
    with pytest.raises(DatabaseError, match="Invalid transition"), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.HANDLING, outcome="", outcome_on=None,
                                                       outcome_reason="", closed_at=None)
