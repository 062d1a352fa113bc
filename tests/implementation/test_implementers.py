"""IMP-2, Art. 6(4) [C]: the head assigns cadres, other individuals and organisations (with a contact person), one
of them the lead (chủ trì); a cadre acknowledges or refuses the assignment themselves, the secretariat records the
answer of an implementer outside the system; a refusal needs a reason, is recorded, and may become an incident.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.models import Notification
from implementation import services
from implementation.models import Assignment
from tests.implementation import helpers as h
from tests.lifecycle import as_, audit_events

pytestmark = pytest.mark.frozen_at(h.NOW)

REASON = "Đang được cử đi đào tạo dài hạn đến hết năm 2026."


def test_the_head_assigns_a_cadre_who_is_asked_to_answer(approved, head, deputy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = h.assign(approved, head, deputy, lead=True, task="Chủ trì xây dựng quy trình")

    assert (assignment.kind, assignment.person, assignment.is_lead, assignment.answer) == ("cadre", deputy, True, "pending")
    [event] = audit_events("implementer_assign")
    assert event.actor == head and event.role == "head" and event.payload["lead"] is True
    assert Notification.objects.filter(recipient=deputy, message__contains="phân công thực hiện").exists()


@pytest.mark.parametrize("person", ["secretariat", "deputy", "proposer", "outsider"])
def test_only_the_head_of_the_deciding_unit_assigns(approved, deputy2, request, person):
    with pytest.raises(PermissionDenied):
        h.assign(approved, request.getfixturevalue(person), deputy2)
    assert not Assignment.objects.exists()


def test_a_cadre_is_chosen_among_the_people_of_the_deciding_unit_and_below(approved, head, outsider):
    with pytest.raises(ValidationError) as refused:
        h.assign(approved, head, outsider)
    assert "đơn vị trực thuộc" in refused.value.message_dict["person"][0]


def test_one_assignment_per_cadre_per_proposal(approved, head, deputy):
    h.assign(approved, head, deputy)
    with pytest.raises(ValidationError) as refused:
        h.assign(approved, head, deputy)
    assert refused.value.message_dict["person"] == ["Cán bộ này đã được phân công thực hiện đề xuất."]
    # The database keeps the rule whatever code writes (constraint assignment_one_per_cadre).
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(proposal=approved, kind="cadre", person=deputy, assigned_by=head)


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"contact_person": ""}, "contact_person"), ({"phone": "", "email": ""}, "phone"), ({"name": " "}, "name")],
)
def test_an_organisation_needs_a_contact_person_and_a_phone_or_email(approved, head, fields, field):
    with pytest.raises(ValidationError) as refused:
        h.assign(approved, head, **fields)
    assert field in refused.value.message_dict


def test_an_individual_needs_a_name_and_a_way_to_reach_them(approved, head):
    with pytest.raises(ValidationError) as refused:
        services.implementer_assign(proposal=approved, by=head, kind="person", name="Trần Văn Chuyên Gia")
    assert "phone" in refused.value.message_dict
    individual = services.implementer_assign(proposal=approved, by=head, kind="person", name="Trần Văn Chuyên Gia",
                                             email="chuyengia@example.vn", contact_person="ignored")
    assert (individual.display_name, individual.contact_person, individual.person) == ("Trần Văn Chuyên Gia", "", None)


def test_one_lead_at_a_time_and_a_new_one_after_a_refusal(approved, head, deputy, deputy2):
    first = h.assign(approved, head, deputy, lead=True)
    with pytest.raises(ValidationError) as refused:
        h.assign(approved, head, deputy2, lead=True)
    assert deputy.get_full_name() in refused.value.message_dict["is_lead"][0]

    services.assignment_answer(assignment=first, by=deputy, accept=False, reason=REASON)
    assert h.assign(approved, head, deputy2, lead=True).is_lead


def test_a_cadre_acknowledges_their_own_assignment(approved, head, deputy):
    assignment = services.assignment_answer(assignment=h.assign(approved, head, deputy), by=deputy, accept=True)

    assert assignment.answer == "accepted" and assignment.answered_at and assignment.answer_recorded_by == deputy
    [event] = audit_events("assignment_accept")
    assert event.actor == deputy and event.role == "implementer"


@pytest.mark.parametrize("person", ["head", "secretariat", "deputy2"])
def test_nobody_answers_for_a_cadre(approved, head, deputy, request, person):
    assignment = h.assign(approved, head, deputy)
    with pytest.raises(PermissionDenied):
        services.assignment_answer(assignment=assignment, by=request.getfixturevalue(person), accept=True)
    with pytest.raises(ValidationError):
        services.assignment_record_answer(assignment=assignment, by=head, accept=True)
    assert Assignment.objects.get(pk=assignment.pk).answer == "pending"


def test_a_refusal_needs_a_reason_is_recorded_and_the_head_hears_of_it(approved, head, deputy, secretariat,
                                                                      django_capture_on_commit_callbacks):
    assignment = h.assign(approved, head, deputy)
    with pytest.raises(ValidationError) as refused:
        services.assignment_answer(assignment=assignment, by=deputy, accept=False, reason="  ")
    assert refused.value.message_dict == {"reason": ["Cần nêu lý do từ chối nhận nhiệm vụ."]}

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_answer(assignment=assignment, by=deputy, accept=False, reason=REASON)

    assert Assignment.objects.get(pk=assignment.pk).refusal_reason == REASON
    [event] = audit_events("assignment_refuse")
    assert event.payload["reason"] == REASON and event.actor == deputy
    assert {n.recipient for n in Notification.objects.filter(message__contains="từ chối nhiệm vụ")} == {head, secretariat}


def test_a_refusal_offers_to_report_it_as_an_incident(approved, head, deputy):
    services.assignment_answer(assignment=h.assign(approved, head, deputy), by=deputy, accept=False, reason=REASON)
    html = h.panel_html(approved, head)
    assert "Ghi nhận thành phản ánh (Điều 6 khoản 4)" in html
    assert f'href="/phan-anh/gui/?de_xuat={approved.pk}&amp;loai=refusal"' in html
    assert REASON in html


def test_an_answer_is_given_once(approved, head, deputy):
    assignment = h.assign(approved, head, deputy)
    services.assignment_answer(assignment=assignment, by=deputy, accept=True)
    with pytest.raises(ValidationError, match="đã được trả lời"):
        services.assignment_answer(assignment=assignment, by=deputy, accept=False, reason=REASON)


def test_the_secretariat_records_an_organisations_answer(approved, head, secretariat, deputy):
    organisation = h.assign(approved, head, lead=True)
    with pytest.raises(PermissionDenied):
        services.assignment_record_answer(assignment=organisation, by=deputy, accept=True)

    services.assignment_record_answer(assignment=organisation, by=secretariat, accept=False, reason=REASON)

    organisation.refresh_from_db()
    assert (organisation.answer, organisation.answer_recorded_by) == ("refused", secretariat)
    [event] = audit_events("assignment_refuse")
    assert event.role == "secretariat"


def test_the_assigned_cadre_answers_on_the_proposal_page(approved, head, proposer, deputy):
    assignment = h.assign(approved, head, proposer, lead=True)
    assert set(h.offered(approved, proposer)) == {"assignment_answer"}
    assert "assignment_answer" not in h.offered(approved, deputy)

    target = h.url("assignment_answer", approved.pk, assignment.pk)
    response = as_(proposer).post(target, {"answer-answer": "refuse", "answer-reason": ""})
    assert response.status_code == 200
    assert "Cần nêu lý do từ chối nhận nhiệm vụ." in response.content.decode()

    response = as_(proposer).post(target, {"answer-answer": "accept"})
    assert response.status_code == 302 and response["Location"] == h.detail(approved) + "#trien-khai"
    assert Assignment.objects.get(pk=assignment.pk).answer == "accepted"
    assert as_(deputy).post(target, {"answer-answer": "accept"}).status_code == 403


def test_the_head_assigns_on_the_proposal_page_with_errors_next_to_fields(approved, head, deputy):
    form = h.offered(approved, head)["implementer_assign"]
    assert deputy in form.fields["person"].queryset
    target = h.url("implementer_assign", approved.pk)

    response = as_(head).post(target, {"assign-kind": "organisation", "assign-name": "Công ty A"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tổ chức thực hiện phải có người liên hệ." in html and "Cần ghi điện thoại hoặc thư điện tử" in html

    response = as_(head).post(target, {"assign-kind": "cadre", "assign-person": deputy.pk, "assign-is_lead": "on"})
    assert response.status_code == 302
    assert Assignment.objects.get().person == deputy


def test_the_secretariat_records_an_outside_answer_on_the_proposal_page(approved, head, secretariat):
    organisation = h.assign(approved, head)
    form = h.offered(approved, secretariat)["assignment_record_answer"]
    assert list(form.fields["assignment"].queryset) == [organisation]

    response = as_(secretariat).post(h.url("assignment_record_answer", approved.pk),
                                     {"outside_answer-assignment": organisation.pk, "outside_answer-answer": "accept"})
    assert response.status_code == 302
    assert Assignment.objects.get(pk=organisation.pk).answer == "accepted"
    assert "assignment_record_answer" not in h.offered(approved, secretariat)


def test_lead_implementer_is_the_lead_cadre_who_has_not_refused(approved, head, deputy, deputy2, secretariat):
    from implementation.selectors import lead_implementer

    assert lead_implementer(approved) is None
    first = h.assign(approved, head, deputy, lead=True)
    assert lead_implementer(approved) == deputy  # assigned, not yet answered
    services.assignment_answer(assignment=first, by=deputy, accept=False, reason=REASON)
    assert lead_implementer(approved) is None
    h.accept(h.assign(approved, head, lead=True), by=secretariat)
    assert lead_implementer(approved) is None  # an organisation leads: no cadre to name


def test_implementer_scope_q_selects_the_proposals_a_person_is_assigned_to(approved, head, deputy, outsider):
    from implementation.selectors import implementer_scope_q
    from proposals.models import Proposal

    h.assign(approved, head, deputy)
    assert list(Proposal.objects.filter(implementer_scope_q(deputy))) == [approved]
    assert not Proposal.objects.filter(implementer_scope_q(outsider)).exists()
