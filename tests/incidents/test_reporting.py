"""Reporting an Art. 6 act (after-approval.md INC-1, INC-3; IMP-2 and IMP-6 link here).

Personas: tests/incidents/conftest.py. The clock: tests/incidents/helpers.py.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Position
from core.models import AuditEvent, Notification
from incidents.models import Incident, IncidentEvidence
from tests.factories import PositionFactory
from tests.lifecycle import EXE_BYTES, PDF_BYTES, as_, audit_events, draft_proposal, sha256

from .helpers import DESCRIPTION, NOW, page, report, url

pytestmark = pytest.mark.frozen_at(NOW)


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/octet-stream")


# --- INC-1: the four kinds of Art. 6, exactly ---------------------------------------------------------------------


def test_the_kinds_are_exactly_the_four_clauses_of_article_6():
    """INC-1, Art. 6(1)–(4) [C]."""
    assert Incident.Kind.values == ["abuse", "obstruction", "evasion", "non_compliance"]
    labels = [str(label) for label in Incident.Kind.labels]
    for clause, label in enumerate(labels, 1):
        assert label.endswith(f"(khoản {clause} Điều 6)")
    assert "tham nhũng, tiêu cực, trục lợi" in labels[0]
    assert "xúc phạm danh dự, nhân phẩm của cán bộ và cơ quan, tổ chức, cá nhân liên quan" in labels[1]
    assert "Né tránh, đùn đẩy trách nhiệm" in labels[2]
    assert "Từ chối nhiệm vụ được giao" in labels[3] and "tiếp tục, tạm dừng, dừng" in labels[3]


def test_the_form_offers_the_four_kinds_and_nothing_else(proposer):
    body = page(as_(proposer), "report")
    assert body.count('name="kind"') == 4
    for value in Incident.Kind.values:
        assert f'value="{value}"' in body


# --- Links from other stages: ?de_xuat=&loai= ------------------------------------------------------------------------


@pytest.mark.parametrize(("loai", "conduct"), [("refusal", "refusal"), ("non_compliance", "")])
def test_a_link_from_another_stage_preselects_clause_4_and_the_proposal(submitted, proposer, loai, conduct):
    """IMP-2 (a refused assignment) and IMP-6 (non-compliance) open a report of Art. 6(4) about the proposal."""
    response = as_(proposer).get(url("report"), {"de_xuat": submitted.pk, "loai": loai})
    form = response.context["form"]
    assert form.initial["kind"] == Incident.Kind.NON_COMPLIANCE
    assert form.initial["conduct"] == conduct
    assert form.initial["proposal_code"] == submitted.code
    assert submitted.title in response.content.decode()


def test_a_link_to_a_proposal_the_reporter_may_not_see_prefills_nothing(submitted, outsider):
    response = as_(outsider).get(url("report"), {"de_xuat": submitted.pk, "loai": "bogus"})
    assert response.status_code == 200
    assert set(response.context["form"].initial) == {"token"}
    assert submitted.title not in response.content.decode()


# --- About a proposal, or about a unit ---------------------------------------------------------------------------------


def test_a_report_about_a_proposal_goes_to_its_unit_and_is_audited(submitted, proposer, deputy, inspector, department):
    response = as_(proposer).post(url("report"), {
        "kind": "obstruction", "proposal_code": submitted.code, "reported_people": [deputy.pk],
        "description": DESCRIPTION,
    })
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", incident.pk)
    assert (incident.unit, incident.proposal, incident.reporter, incident.status) == (
        department, submitted, proposer, Incident.Status.RECEIVED)
    assert list(incident.reported_people.all()) == [deputy]
    [event] = audit_events("incident_report")
    assert (event.object_id, event.actor, event.to_state) == (str(incident.pk), proposer, "received")
    assert event.payload["proposal"] == submitted.pk and event.payload["reported"] == [deputy.pk]
    # Confidentiality (INC-3): nothing is written on the proposal's own timeline, which its people read.
    assert not AuditEvent.objects.for_object(submitted).filter(action__startswith="incident").exists()


def test_handlers_are_notified_but_never_the_person_reported(submitted, proposer, deputy, inspector, dept_inspector,
                                                            django_capture_on_commit_callbacks):
    deputy_inspects = Position.objects.get(person=deputy)
    PositionFactory(person=deputy, unit=deputy_inspects.unit.parent, role=Position.Role.INSPECTOR)
    with django_capture_on_commit_callbacks(execute=True):
        report(by=proposer, proposal=submitted, reported_people=[deputy])
    assert set(Notification.objects.values_list("recipient", flat=True)) == {inspector.pk, dept_inspector.pk}


def test_a_proposal_the_reporter_may_not_see_is_refused_like_one_that_does_not_exist(submitted, outsider, deputy):
    response = as_(outsider).post(url("report"), {
        "kind": "obstruction", "proposal_code": submitted.code, "reported_text": "Ông A", "description": DESCRIPTION,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["proposal_code"] == ["Không tìm thấy đề xuất có mã này trong phạm vi bạn được xem."]
    with pytest.raises(ValidationError) as refused:
        report(by=outsider, proposal=submitted, reported_text="Ông A")
    assert "proposal_code" in refused.value.message_dict
    assert not Incident.objects.exists()


def test_a_report_about_no_proposal_names_a_unit(outsider, other_unit, inspector):
    response = as_(outsider).post(url("report"), {
        "kind": "evasion", "unit": other_unit.pk, "reported_text": "Trưởng phòng Ngân sách", "description": DESCRIPTION,
    })
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.unit, incident.proposal) == (other_unit, None)


def test_without_a_proposal_the_unit_is_required(outsider):
    response = as_(outsider).post(url("report"), {"kind": "evasion", "reported_text": "Ông A", "description": DESCRIPTION})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_the_person_reported_is_a_cadre_of_the_units_subtree_or_named_in_words(proposer, department, other_unit, deputy, outsider):
    """INC-1: a cadre picked from the unit's subtree, or free text."""
    with pytest.raises(ValidationError) as refused:
        report(by=proposer, unit=other_unit, reported_people=[deputy])
    assert "reported_people" in refused.value.message_dict
    with pytest.raises(ValidationError) as nobody:
        report(by=proposer, unit=department)
    assert "reported_text" in nobody.value.message_dict
    assert report(by=proposer, unit=department.parent, reported_people=[deputy]).unit == department.parent
    assert report(by=outsider, unit=department, reported_text="Một cán bộ bộ phận một cửa").reported_text


def test_conduct_is_kept_for_clause_4_only(proposer, department, deputy):
    assert report(by=proposer, unit=department, reported_people=[deputy], conduct="refusal").conduct == ""
    fourth = report(by=proposer, unit=department, reported_people=[deputy], kind="non_compliance", conduct="direction")
    assert fourth.conduct == Incident.Conduct.DIRECTION


def test_errors_are_shown_in_vietnamese_next_to_their_field(proposer):
    response = as_(proposer).post(url("report"), {"kind": "nothing", "description": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"kind", "description"}
    body = response.content.decode()
    assert "Trường này là bắt buộc." in body


# --- Evidence -------------------------------------------------------------------------------------------------------------


def test_evidence_is_checked_by_content_and_stored_under_a_random_name(proposer, department, deputy, private_media):
    incident = report(by=proposer, unit=department, reported_people=[deputy], evidence=[pdf("Biên bản làm việc.pdf")])
    [stored] = incident.evidence.all()
    assert stored.original_name == "Biên bản làm việc.pdf" and stored.sha256 == sha256(PDF_BYTES)
    assert stored.content_type == "application/pdf"
    assert stored.file.path.startswith(str(private_media)) and "Biên bản" not in stored.file.name
    assert audit_events("incident_report")[0].payload["evidence_sha256"] == [sha256(PDF_BYTES)]


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_stored(proposer, department, deputy):
    response = as_(proposer).post(url("report"), {
        "kind": "obstruction", "unit": department.pk, "reported_people": [deputy.pk], "description": DESCRIPTION,
        "evidence": [SimpleUploadedFile("anh.pdf", EXE_BYTES)],
    })
    assert response.status_code == 200
    assert "Loại tệp không được chấp nhận" in response.context["form"].errors["evidence"][0]
    assert not Incident.objects.exists() and not IncidentEvidence.objects.exists()


def test_at_most_five_files(proposer, department, deputy):
    with pytest.raises(ValidationError) as refused:
        report(by=proposer, unit=department, reported_people=[deputy], evidence=[pdf() for _ in range(6)])
    assert "evidence" in refused.value.message_dict


# --- INC-3: formal denunciation ----------------------------------------------------------------------------------------------


def test_a_denunciation_is_routed_to_the_law_on_denunciation_not_handled_here(proposer, department, deputy, inspector):
    """INC-3: the Law on Denunciation 2018 procedure applies; the report is recorded as routed there."""
    client = as_(proposer)
    response = client.post(url("report"), {
        "kind": "abuse", "unit": department.pk, "reported_people": [deputy.pk], "description": DESCRIPTION,
        "is_denunciation": "on",
    }, follow=True)
    incident = Incident.objects.get()
    assert incident.status == Incident.Status.ROUTED and incident.is_denunciation
    body = response.content.decode()
    assert "Luật Tố cáo số 25/2018/QH14" in body and "giữ bí mật họ tên" in body
    assert "chuyển giải quyết theo Luật Tố cáo" in body
    assert audit_events("incident_report")[0].to_state == "routed"
    # Still visible to the handlers, with no handling form: only the hand-over to the competent body.
    handler_page = page(as_(inspector), "detail", incident.pk)
    assert url("forward", incident.pk) in handler_page
    assert url("close", incident.pk) not in handler_page and url("take_up", incident.pk) not in handler_page


def test_the_form_explains_the_denunciation_procedure_before_sending(proposer):
    body = page(as_(proposer), "report")
    assert "Luật Tố cáo số 25/2018/QH14" in body and "Đây là đơn tố cáo" in body


def test_a_report_about_an_authors_own_draft_can_name_the_unit(proposer, deputy, department):
    draft = draft_proposal(proposer=proposer)
    response = as_(proposer).get(url("report"), {"de_xuat": draft.pk})
    assert "proposal_code" not in response.context["form"].initial  # a draft has no code yet: the unit is picked
    assert report(by=proposer, unit=department, reported_people=[deputy]).unit == department


# --- Who may report -------------------------------------------------------------------------------------------------------------


def test_anyone_signed_in_may_report_and_anonymous_visitors_go_to_login(client, outsider):
    assert as_(outsider).get(url("report")).status_code == 200
    response = client.get(url("report"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.post(url("report"), {"kind": "abuse"}).status_code == 302
    assert not Incident.objects.exists()


def test_the_report_page_refuses_other_methods(proposer):
    assert as_(proposer).put(url("report")).status_code == 405


def test_the_same_form_sent_twice_records_one_report(proposer, department, deputy):
    """A double click: the form's token makes the second sending land on the first report."""
    client = as_(proposer)
    token = client.get(url("report")).context["form"].initial["token"]
    data = {"kind": "obstruction", "unit": department.pk, "reported_people": [deputy.pk], "description": DESCRIPTION,
            "token": str(token)}
    first = client.post(url("report"), data)
    second = client.post(url("report"), data)
    incident = Incident.objects.get()
    assert first["Location"] == second["Location"] == url("detail", incident.pk)
    assert len(audit_events("incident_report")) == 1
