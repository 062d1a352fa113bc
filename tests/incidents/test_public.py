"""The public form (no login): anonymous or named, bounded, a honeypot, a limit per address (429 in Vietnamese),
CSRF kept; the receipt code and the status-only lookup (after-approval.md INC-1, INC-3)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import AuditEvent
from incidents import services
from incidents.models import Incident
from tests.lifecycle import PDF_BYTES, as_

from .helpers import DESCRIPTION, NOW, REASON, TODAY, public_report, url

pytestmark = pytest.mark.frozen_at(NOW)


def form_data(unit, **overrides) -> dict:
    return {"kind": "obstruction", "unit": unit.pk, "reported_text": "Cán bộ bộ phận một cửa Sở Nội vụ",
            "description": DESCRIPTION, **overrides}


def receipt_of(response) -> str:
    return re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", response.content.decode()).group(0)


def test_the_form_needs_no_login(client, db):
    response = client.get(url("public_report"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Điều 6 Nghị định số 73/2023/NĐ-CP" in body and "Luật Tố cáo số 25/2018/QH14" in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'class="d-none" aria-hidden="true"' in body  # the honeypot is hidden from people


def test_an_anonymous_report_is_recorded_and_its_receipt_shown_once(client, department, inspector):
    response = client.post(url("public_report"), form_data(department,
                                                           evidence=[SimpleUploadedFile("anh.pdf", PDF_BYTES)]))
    assert response.status_code == 302 and response["Location"] == url("public_receipt")
    incident = Incident.objects.get()
    assert (incident.channel, incident.reporter, incident.reporter_name, incident.unit) == ("public", None, "", department)
    assert incident.evidence.count() == 1
    event = AuditEvent.objects.get(action="incident_report")
    assert event.actor is None and event.payload["channel"] == "public"
    receipt = client.get(url("public_receipt"))
    code = receipt_of(receipt)
    # Only the code's hash is kept; the page shows it once.
    assert incident.receipt_digest == services.receipt_digest(code) and code not in str(incident.__dict__)
    assert client.get(url("public_receipt")).status_code == 302
    # Handlers see it, marked anonymous.
    assert "Ẩn danh" in as_(inspector).get(url("detail", incident.pk)).content.decode()


def test_a_named_report_keeps_the_name_and_contact_for_the_handlers(client, department, inspector):
    client.post(url("public_report"), form_data(department, reporter_name="Nguyễn Văn Dân",
                                                reporter_contact="0912 345 678"))
    incident = Incident.objects.get()
    assert (incident.reporter_name, incident.reporter_contact) == ("Nguyễn Văn Dân", "0912 345 678")
    assert "Nguyễn Văn Dân" in as_(inspector).get(url("detail", incident.pk)).content.decode()


def test_the_lookup_shows_the_status_only(client, department, inspector):
    incident, code = public_report(unit=department)
    services.incident_step_record(incident=incident, by=inspector, happened_on=TODAY, note="Ghi chú nội bộ của thanh tra")
    response = client.post(url("public_lookup"), {"code": code.lower().replace("-", " ")})
    body = response.content.decode()
    assert response.status_code == 200 and "Đang xem xét, xử lý" in body
    for secret in ("Ghi chú nội bộ", inspector.get_full_name(), DESCRIPTION, "Cán bộ một cửa", department.name):
        assert secret not in body
    services.incident_close(incident=incident, by=inspector, outcome="unfounded", reason=REASON, outcome_on=TODAY)
    body = client.post(url("public_lookup"), {"code": code}).content.decode()
    assert "Đã xử lý xong" in body and REASON not in body and "Không có cơ sở" not in body


def test_an_unknown_code_finds_nothing(client, department):
    public_report(unit=department)
    response = client.post(url("public_lookup"), {"code": "AAAA-BBBB-CCCC"})
    assert response.context["form"].errors["code"] == ["Không tìm thấy phản ánh có mã tiếp nhận này."]


def test_the_honeypot_stores_nothing(client, department):
    response = client.post(url("public_report"), form_data(department, website="http://spam.example"))
    assert response.status_code == 200
    assert "Không gửi được phản ánh" in response.content.decode()
    assert not Incident.objects.exists()


def test_five_reports_an_hour_per_address_then_429_in_vietnamese(department, time_machine):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert client.post(url("public_report"), form_data(department)).status_code == 302
    refused = client.post(url("public_report"), form_data(department))
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "Bạn đã gửi quá nhiều yêu cầu" in refused.content.decode()
    assert Incident.objects.count() == 5
    # Another address is not affected; the next hour the count starts again.
    assert Client(REMOTE_ADDR="203.0.113.8").post(url("public_report"), form_data(department)).status_code == 302
    time_machine.move_to(NOW.replace(hour=10, minute=1), tick=False)
    assert client.post(url("public_report"), form_data(department)).status_code == 302


def test_the_lookup_is_limited_too(department):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(30):
        assert client.post(url("public_lookup"), {"code": "AAAA-BBBB-CCCC"}).status_code == 200
    assert client.post(url("public_lookup"), {"code": "AAAA-BBBB-CCCC"}).status_code == 429


def test_csrf_is_kept(department):
    client = Client(enforce_csrf_checks=True)
    assert client.post(url("public_report"), form_data(department)).status_code == 403
    assert not Incident.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("description", "x" * 5001), ("reporter_name", "x" * 151), ("reporter_contact", "x" * 201),
    ("reported_text", "x" * 501), ("reported_text", ""), ("kind", "other"),
])
def test_input_sizes_are_bounded(client, department, field, value):
    response = client.post(url("public_report"), form_data(department, **{field: value}))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Incident.objects.exists()


def test_at_most_five_files_and_ten_megabytes_each(client, department):
    many = [SimpleUploadedFile(f"{n}.pdf", PDF_BYTES) for n in range(6)]
    response = client.post(url("public_report"), form_data(department, evidence=many))
    assert "evidence" in response.context["form"].errors
    big = SimpleUploadedFile("lon.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024))
    response = client.post(url("public_report"), form_data(department, evidence=[big]))
    assert "Tệp quá lớn" in response.context["form"].errors["evidence"][0]
    assert not Incident.objects.exists()


def test_a_public_denunciation_is_routed_and_the_receipt_explains_it(client, department):
    client.post(url("public_report"), form_data(department, is_denunciation="on", reporter_name="Trần Văn Tố",
                                                reporter_contact="Hạ Long"))
    assert Incident.objects.get().status == Incident.Status.ROUTED
    body = client.get(url("public_receipt")).content.decode()
    assert "Luật Tố cáo số 25/2018/QH14" in body


def test_a_signed_in_person_using_the_public_form_reports_without_their_account(proposer, department):
    as_(proposer).post(url("public_report"), form_data(department))
    assert Incident.objects.get().reporter is None


def test_public_pages_refuse_other_methods(client):
    assert client.put(url("public_report")).status_code == 405
    assert client.post(url("public_receipt")).status_code == 405
    assert client.delete(url("public_lookup")).status_code == 405


def test_the_public_form_sent_twice_records_one_report_and_shows_the_receipt(client, department):
    token = client.get(url("public_report")).context["form"].initial["token"]
    client.post(url("public_report"), form_data(department, token=str(token)))
    second = client.post(url("public_report"), form_data(department, token=str(token)))
    assert second["Location"] == url("public_receipt")
    assert Incident.objects.count() == 1
    assert receipt_of(client.get(url("public_receipt")))
