"""The deciding unit's side in the browser: panel, actions, documents, legal-profile admin, notifications.

Personas (tests/conftest.py): the head (giám đốc) and two deputies of the Sở Nội vụ, its secretariat, a
proposer on its staff, an outsider in the Sở Tài chính, an admin. The clock is frozen on Thursday
05/02/2026 09:00 in Hà Nội, so documents are dated "ngày 05 tháng 02 năm 2026" (leading zeros).
"""

import contextlib
import datetime
import hashlib
import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pgtrigger
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Position
from approvals import documents, services
from approvals.forms import RejectForm, ReturnForm
from approvals.models import Consultation, Decision, Meeting, Vote
from approvals.selectors import attendee_candidates
from core.context_processors import unread_notifications
from core.documents import DocumentRenderError, ascii_name, long_date, render_pdf
from core.documents.render import _fonts_only_fetcher_class, font_dir
from core.models import AuditEvent, Notification
from core.uploads import check_upload
from proposals.models import LegalProfile, Proposal
from proposals.services import proposal_create_draft, proposal_submit

from .factories import PositionFactory, UserFactory
from .lifecycle import deciding_panel, new_profile_version, pdf_text

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 2, 5, 9, 0, tzinfo=TZ)
TODAY = "05/02/2026"
PLAN = {
    "title": "Số hóa quy trình tiếp nhận hồ sơ bổ nhiệm cán bộ",
    "field": "digital",
    "necessity": "Rút ngắn thời gian xử lý hồ sơ bổ nhiệm, giảm giấy tờ.",
    "bottleneck": "Quy định hiện hành chưa cho phép nộp hồ sơ bổ nhiệm điện tử.",
    "legal_references": "Nghị định 30/2020/NĐ-CP.",
    "content_solutions": "Xây dựng phần mềm tiếp nhận hồ sơ; ký số; lưu trữ điện tử.",
    "scope": "Sở Nội vụ tỉnh Quảng Ninh.",
    "implementers_targets": "Phòng Tổ chức cán bộ; Trung tâm Công nghệ thông tin.",
    "start_date": datetime.date(2026, 3, 1),
    "end_date": datetime.date(2026, 12, 31),
    "milestones": "Quý II/2026: hoàn thành phần mềm.",
    "resources": "Kinh phí 500.000.000 đồng; 5 cán bộ kỹ thuật.",
    "feasibility": "Hạ tầng sẵn có.",
    "impact": "",
    "expected_results": "Giảm thời gian giải quyết từ 20 xuống 7 ngày.",
    "indicators": "Tỷ lệ hồ sơ điện tử đạt 80%.",
    "cond_a_bottleneck": True,
    "cond_b_common_good": True,
    "cond_c_urgent_no_harm": True,
    "cond_d_reform": True,
}
JUSTIFICATION = "Đề xuất cần thiết cho chuyển đổi số và khả thi: kinh phí đã bố trí trong dự toán năm 2026."
REASONS = "Chưa làm rõ nguồn kinh phí duy trì và phương án bảo đảm an toàn dữ liệu."
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def setup(settings, tmp_path, time_machine):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leaders(head, deputy, deputy2, secretariat):
    return head, deputy, deputy2


def submit(proposer, **overrides) -> Proposal:
    draft = proposal_create_draft(
        by=proposer, position=Position.objects.get(person=proposer), data={**PLAN, **overrides}
    )
    return proposal_submit(proposal=draft, by=proposer)


@pytest.fixture
def submitted(proposer, leaders) -> Proposal:
    return submit(proposer)


def consult(proposal, by, *, document=None) -> Consultation:
    return services.consultation_record(
        proposal=proposal, by=by, committee="Đảng ủy Sở Nội vụ", opinion_date=NOW.date(),
        opinion="Nhất trí chủ trương; đề nghị bảo đảm an toàn thông tin.", document=document,
    )


def meeting(proposal, by, attendees, votes=(), *, close=False) -> Meeting:
    """Consult, open the meeting and cast `votes` ((person, choice, reason), ...) through the services."""
    if not proposal.consultations.exists():
        consult(proposal, by)
    opened = services.meeting_open(
        proposal=proposal, by=by, held_on=NOW.date(), starts_at=datetime.time(8, 30), attendees=attendees,
        location="Phòng họp số 1", secretary_name="Trần Thị Thư",
    )
    for person, choice, reason in votes:
        services.vote_cast(meeting=opened, by=person, choice=choice, reason=reason)
    return services.meeting_close(meeting=opened, by=by) if close else opened


def passed(proposal, head, deputy, deputy2) -> Meeting:
    return meeting(proposal, head, [head, deputy, deputy2],
                   [(head, "for", ""), (deputy, "for", ""), (deputy2, "against", REASONS)], close=True)


def failed(proposal, head, deputy, deputy2) -> Meeting:
    return meeting(proposal, head, [head, deputy, deputy2],
                   [(head, "for", ""), (deputy, "against", REASONS), (deputy2, "against", "Chưa khả thi về nhân lực.")],
                   close=True)


def as_(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def url(name, *args) -> str:
    return reverse(f"approvals:{name}", args=args)


def detail(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def panel_html(proposal, user) -> str:
    proposal = Proposal.objects.get(pk=proposal.pk)
    section = deciding_panel(proposal=proposal, user=user)["section"]
    return render_to_string("proposals/partials/stage_section.html", {"proposal": proposal, "section": section})


# --- The panel on the proposal page ------------------------------------------------------------------


def test_panel_asks_for_the_party_opinion_before_offering_the_meeting(submitted, head):
    panel = deciding_panel(proposal=submitted, user=head)
    assert set(panel["actions"]) == {"consultation_record", "proposal_return"}
    assert "ý kiến cấp ủy" in panel["notes"][0]


def test_panel_offers_the_meeting_with_the_computed_voters_ticked_and_never_the_proposer(submitted, secretariat, proposer, head, deputy, deputy2):
    consult(submitted, secretariat)
    form = deciding_panel(proposal=submitted, user=secretariat)["actions"]["meeting_open"]
    assert set(form.initial["attendees"]) == {head.pk, deputy.pk, deputy2.pk}
    assert form.initial["held_on"] == NOW.date()
    assert set(form.fields["attendees"].queryset) == {head, deputy, deputy2}
    html = panel_html(submitted, secretariat)
    assert "Phó Giám đốc" in html and proposer.get_full_name() not in html.split("Tổ chức họp tập thể lãnh đạo")[1].split("</form>")[0]


def test_panel_while_open_shows_who_voted_but_not_the_choices(submitted, head, deputy, deputy2):
    meeting(submitted, head, [head, deputy, deputy2], [(deputy, "against", "Lý do còn giữ kín cho đến khi kết thúc")])
    html = panel_html(submitted, deputy2)
    voted_line = html.split("Đã biểu quyết")[1].split("</p>")[0]
    assert deputy.get_full_name() in voted_line and "(1/3)" in voted_line
    assert "Lý do còn giữ kín" not in html
    assert "Ý kiến của từng thành viên chỉ được công bố khi kết thúc biểu quyết." in html
    assert deciding_panel(proposal=submitted, user=deputy2)["meeting_records"][0].ballots == []


def test_panel_offers_the_vote_only_to_a_present_eligible_member_who_has_not_voted(submitted, head, deputy, deputy2, proposer, secretariat):
    meeting(submitted, head, [head, deputy], [(deputy, "for", "")])
    submitted.refresh_from_db()  # in review: the offered actions follow the status (transitions.can)
    assert "vote_cast" in deciding_panel(proposal=submitted, user=head)["actions"]
    for person in (deputy, deputy2, proposer, secretariat):  # voted, absent, proposer, not a voter
        assert "vote_cast" not in deciding_panel(proposal=submitted, user=person)["actions"]
    assert set(deciding_panel(proposal=submitted, user=secretariat)["actions"]) == {"meeting_close", "meeting_adjourn"}
    assert "meeting_close" not in deciding_panel(proposal=submitted, user=deputy)["actions"]


def test_panel_after_closing_shows_votes_reasons_rule_and_minutes(submitted, head, deputy, deputy2):
    closed = passed(submitted, head, deputy, deputy2)
    html = panel_html(submitted, deputy)
    assert "Tập thể lãnh đạo thông qua" in html
    assert REASONS in html
    assert "Thông qua khi số phiếu tán thành vượt quá 50% số thành viên có quyền biểu quyết có mặt" in html
    assert "2/3 (66,7%)" in html
    assert f"Biên bản số {closed.minutes_number}" in html
    assert url("minutes_pdf", submitted.pk, closed.pk) in html
    assert "08:30, 05/02/2026" in html and "Trần Thị Thư" in html
    assert Meeting.objects.get(pk=closed.pk).minutes_sha256 in html


def test_panel_prefills_the_approval_text_for_the_head_only(submitted, head, deputy, deputy2, proposer):
    passed(submitted, head, deputy, deputy2)
    submitted.refresh_from_db()
    actions = deciding_panel(proposal=submitted, user=head)["actions"]
    assert set(actions) == {"decision_approve"}
    assert proposer.get_full_name() in actions["decision_approve"].initial["text"]
    assert "05 ngày làm việc" in actions["decision_approve"].initial["text"]
    assert deciding_panel(proposal=submitted, user=deputy)["actions"] == {}


def test_panel_after_a_failed_vote_offers_override_reject_and_return_to_the_head(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    submitted.refresh_from_db()
    assert set(deciding_panel(proposal=submitted, user=head)["actions"]) == {"decision_override", "decision_reject", "proposal_return"}


def test_panel_without_override_allowed_explains_why(proposer, leaders):
    head, deputy, deputy2 = leaders
    new_profile_version(override_allowed=False)
    proposal = submit(proposer)
    failed(proposal, head, deputy, deputy2)
    proposal.refresh_from_db()
    panel = deciding_panel(proposal=proposal, user=head)
    assert "decision_override" not in panel["actions"]
    assert any("không cho phép" in note for note in panel["notes"])


def test_panel_marks_an_override_decision_clearly(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    decision = services.decision_override(proposal=submitted, by=head, justification=JUSTIFICATION)
    html = panel_html(submitted, head)
    assert "Người đứng đầu quyết định khi tập thể không thông qua" in html
    assert JUSTIFICATION in html
    assert url("decision_pdf", submitted.pk, decision.pk) in html


def test_panel_escapes_typed_text(submitted, head, deputy, deputy2):
    meeting(submitted, head, [head, deputy, deputy2], [(deputy, "against", "<script>alert(1)</script>")], close=True)
    html = panel_html(submitted, head)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_panel_reads_a_fixed_number_of_queries_however_many_votes(submitted, head, deputy, deputy2, django_assert_num_queries):
    passed(submitted, head, deputy, deputy2)
    services.decision_approve(proposal=submitted, by=head, text="Giao phòng Tổ chức cán bộ chủ trì.")
    proposal = Proposal.objects.get(pk=submitted.pk)
    # 1 consultations (+ recorder), 2 meetings (+ chair), 3 their votes (+ voters), 4 eligible voters,
    # 5 attendees, 6 decisions (+ signer), 7 the legal profile. The user's positions in the deciding unit are
    # read only when an action's state offers it: none is offered on an approved proposal.
    with django_assert_num_queries(7):
        deciding_panel(proposal=proposal, user=deputy)


def test_proposal_page_includes_the_panel(submitted, head):
    response = as_(head).get(detail(submitted))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="xet-duyet"' in html
    assert url("consultation_record", submitted.pk) in html


def _confirmed_actions(html: str) -> set[str]:
    """The action URLs whose form asks before sending (data-confirm, static/js/confirm.js)."""
    return set(re.findall(r'<form[^>]*action="([^"]+)"[^>]*data-confirm="[^"]+"', html))


def test_irreversible_actions_ask_for_confirmation_and_the_others_do_not(submitted, head, deputy, deputy2, secretariat):
    html = panel_html(submitted, head)
    assert _confirmed_actions(html) == {url("proposal_return", submitted.pk)}  # not the party opinion

    opened = meeting(submitted, head, [head, deputy])
    confirmed = _confirmed_actions(panel_html(submitted, head))
    assert confirmed == {url(name, submitted.pk, opened.pk) for name in ("vote_cast", "meeting_close", "meeting_adjourn")}

    services.meeting_adjourn(meeting=opened, by=head, reason="Thiếu ý kiến thẩm định.")
    failed(submitted, head, deputy, deputy2)
    confirmed = _confirmed_actions(panel_html(submitted, head))
    assert confirmed == {url(name, submitted.pk) for name in ("decision_override", "decision_reject", "proposal_return")}
    assert "data-confirm=\"Ban hành văn bản không chấp thuận đề xuất?" in panel_html(submitted, head)


def test_an_action_shown_again_after_an_input_error_still_asks_before_sending(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    html = as_(head).post(url("decision_reject", submitted.pk), {"reject-reasons": "Không."}).content.decode()
    assert _confirmed_actions(html) == {url("decision_reject", submitted.pk)}
    html = as_(head).post(url("consultation_record", submitted.pk), {}).content.decode()
    assert "data-confirm" not in html.split('id="main"')[1]


def test_the_proposal_page_says_what_the_user_has_to_do_near_the_top(submitted, head, deputy, deputy2, proposer):
    page = as_(head).get(detail(submitted)).content.decode()
    box = page.split('aria-labelledby="viec-cua-ban-heading"')[1].split("</aside>")[0]
    assert "Việc của bạn" in box and "Ghi nhận ý kiến của cấp ủy" in box and 'href="#xet-duyet"' in box
    assert page.index("viec-cua-ban-heading") < page.index('id="thong-tin-heading"')

    opened = meeting(submitted, head, [head, deputy, deputy2])
    page = as_(deputy).get(detail(submitted)).content.decode()
    assert "Biểu quyết tại cuộc họp tập thể lãnh đạo" in page and f'href="#cuoc-hop-{opened.pk}"' in page

    # Nothing to do in the panel (the proposer, a deputy once voted): no box.
    services.vote_cast(meeting=opened, by=deputy, choice="for", reason="")
    for person in (proposer, deputy):
        assert "viec-cua-ban-heading" not in as_(person).get(detail(submitted)).content.decode()


# --- The party committee's scan, kept as evidence -----------------------------------------------------------


def test_a_recorded_scan_keeps_its_hash_and_type_and_the_audit_event_its_hash(submitted, secretariat, settings):
    consultation = consult(submitted, secretariat, document=SimpleUploadedFile("Ý kiến.pdf", PDF_BYTES))

    consultation.refresh_from_db()
    assert (consultation.document_sha256, consultation.document_content_type) == (sha256(PDF_BYTES), "application/pdf")
    assert (Path(settings.MEDIA_ROOT) / consultation.document.name).read_bytes() == PDF_BYTES
    assert audit_payload(submitted, "consultation")["document_sha256"] == sha256(PDF_BYTES)


@pytest.mark.parametrize(("fields", "document", "error_field"), [
    ({}, SimpleUploadedFile("y-kien.pdf", b"MZ not a scan"), "document"),
    ({"committee": "Đảng ủy " * 40}, SimpleUploadedFile("y-kien.pdf", PDF_BYTES), "committee"),  # longer than 255
], ids=["bad-file", "bad-record"])
def test_a_refused_consultation_writes_no_file(submitted, secretariat, settings, fields, document, error_field):
    with pytest.raises(ValidationError) as error:
        services.consultation_record(
            proposal=submitted, by=secretariat, opinion_date=NOW.date(), opinion="Nhất trí.", document=document,
            **{"committee": "Đảng ủy Sở Nội vụ", **fields},
        )
    assert error_field in error.value.message_dict
    assert not Consultation.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_refused_scan_is_reported_next_to_its_field_by_the_service_alone(submitted, secretariat, monkeypatch):
    checks = []
    monkeypatch.setattr(services, "check_upload", lambda uploaded: checks.append(uploaded) or check_upload(uploaded))
    response = as_(secretariat).post(url("consultation_record", submitted.pk), {
        "consultation-committee": "Đảng ủy Sở Nội vụ", "consultation-opinion_date": TODAY,
        "consultation-opinion": "Nhất trí.", "consultation-document": SimpleUploadedFile("y-kien.pdf", b"MZ not a scan"),
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error_1_id_consultation-document"' in html and "Loại tệp không được chấp nhận" in html
    assert len(checks) == 1  # read and hashed once, by the service; the form does not check it again
    assert not Consultation.objects.exists()


def test_the_scan_is_downloaded_as_the_type_recorded_not_sniffed_again(submitted, secretariat, head, monkeypatch):
    consultation = consult(submitted, secretariat, document=SimpleUploadedFile("y-kien.png", PNG_BYTES))

    monkeypatch.setattr("approvals.views.sniff", lambda handle: pytest.fail("the stored type was sniffed again"))
    response = as_(head).get(url("consultation_document", submitted.pk, consultation.pk))

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_a_scan_recorded_before_its_type_was_kept_is_served_as_sniffed(submitted, secretariat, head):
    consultation = consult(submitted, secretariat, document=SimpleUploadedFile("y-kien.pdf", PDF_BYTES))
    Consultation.objects.filter(pk=consultation.pk).update(document_content_type="", document_sha256="")
    response = as_(head).get(url("consultation_document", submitted.pk, consultation.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


# --- Forms ---------------------------------------------------------------------------------------------------


def test_the_reject_and_return_forms_differ_only_in_their_prefix_and_label():
    reject, give_back = RejectForm({"reject-reasons": REASONS}), ReturnForm({"return-reasons": REASONS})
    assert reject.is_valid() and give_back.is_valid()
    assert reject.cleaned_data == give_back.cleaned_data == {"reasons": REASONS}
    assert (reject.fields["reasons"].label, give_back.fields["reasons"].label) == (
        "Lý do không chấp thuận", "Nội dung cần bổ sung, làm rõ"
    )
    assert type(reject) is type(give_back)


# --- Someone holding two posts --------------------------------------------------------------------------------


def test_a_person_holding_head_and_deputy_posts_is_titled_and_counted_as_head(submitted, head, deputy, deputy2, department):
    PositionFactory(person=head, unit=department, role=Position.Role.DEPUTY, title="Phó Giám đốc",
                    start_date=datetime.date(2023, 1, 1))

    _candidates, titles = attendee_candidates(proposal=submitted)
    assert titles[head.pk] == "Giám đốc"
    closed = passed(submitted, head, deputy, deputy2)
    assert closed.eligible_voters.count() == 3

    text = pdf_text(as_(head).get(url("minutes_pdf", submitted.pk, closed.pk)).content)
    assert f"Chủ trì: {head.get_full_name()}, Giám đốc." in text
    assert f"{head.get_full_name()}, Phó Giám đốc" not in text


# --- Who may call each view ----------------------------------------------------------------------------


@pytest.fixture
def world(submitted, head, deputy, deputy2, secretariat):
    """A proposal approved through every step, so that every URL of the app has real objects behind it."""
    consultation = consult(submitted, secretariat, document=SimpleUploadedFile("y-kien.pdf", PDF_BYTES))
    closed = passed(submitted, head, deputy, deputy2)
    decision = services.decision_approve(proposal=submitted, by=head, text="Giao phòng Tổ chức cán bộ chủ trì.")
    return {"proposal": submitted, "meeting": closed, "decision": decision, "consultation": consultation}


POST_VIEWS = [
    ("consultation_record", ("proposal",)),
    ("meeting_open", ("proposal",)),
    ("vote_cast", ("proposal", "meeting")),
    ("meeting_close", ("proposal", "meeting")),
    ("meeting_adjourn", ("proposal", "meeting")),
    ("decision_approve", ("proposal",)),
    ("decision_override", ("proposal",)),
    ("decision_reject", ("proposal",)),
    ("proposal_return", ("proposal",)),
]
GET_VIEWS = [
    ("minutes_pdf", ("proposal", "meeting")),
    ("decision_pdf", ("proposal", "decision")),
    ("consultation_document", ("proposal", "consultation")),
]


def view_url(world, name, keys) -> str:
    return url(name, *(world[key].pk for key in keys))


@pytest.mark.parametrize(("name", "keys"), POST_VIEWS + GET_VIEWS)
def test_anonymous_is_sent_to_login(client, world, name, keys):
    target = view_url(world, name, keys)
    response = client.post(target) if (name, keys) in POST_VIEWS else client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "keys"), POST_VIEWS)
def test_actions_refuse_get(world, head, name, keys):
    assert as_(head).get(view_url(world, name, keys)).status_code == 405


@pytest.mark.parametrize(("name", "keys"), GET_VIEWS)
def test_downloads_refuse_post(world, head, name, keys):
    assert as_(head).post(view_url(world, name, keys)).status_code == 405


@pytest.mark.parametrize(("name", "keys"), POST_VIEWS + GET_VIEWS)
def test_outsider_gets_404(world, outsider, name, keys):
    target = view_url(world, name, keys)
    client = as_(outsider)
    response = client.post(target, {"approve-text": "x"}) if (name, keys) in POST_VIEWS else client.get(target)
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "keys"), GET_VIEWS)
def test_a_record_of_another_proposal_is_404(world, proposer, head, name, keys):
    other = submit(proposer, title="Một đề xuất khác")
    key = keys[1]
    assert as_(head).get(url(name, other.pk, world[key].pk)).status_code == 404


def test_inspector_of_the_province_may_read_the_documents(world, inspector):
    assert as_(inspector).get(view_url(world, "decision_pdf", ("proposal", "decision"))).status_code == 200


def test_deputy_cannot_approve(submitted, head, deputy, deputy2):
    passed(submitted, head, deputy, deputy2)
    response = as_(deputy).post(url("decision_approve", submitted.pk), {"approve-text": "Giao phòng Tổ chức cán bộ chủ trì."})
    assert response.status_code == 403
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.COLLECTIVE_PASSED


@pytest.mark.parametrize(("name", "data"), [
    ("decision_override", {"override-justification": JUSTIFICATION}),
    ("decision_reject", {"reject-reasons": REASONS}),
    ("proposal_return", {"return-reasons": REASONS}),
])
def test_deputy_and_secretariat_cannot_decide_after_a_failed_vote(submitted, head, deputy, deputy2, secretariat, name, data):
    failed(submitted, head, deputy, deputy2)
    for person in (deputy, secretariat):
        assert as_(person).post(url(name, submitted.pk), data).status_code == 403
    assert not Decision.objects.exists()


def test_deputy_cannot_record_the_consultation_or_open_the_meeting(submitted, head, deputy, deputy2):
    response = as_(deputy).post(url("consultation_record", submitted.pk), {
        "consultation-committee": "Đảng ủy Sở Nội vụ", "consultation-opinion_date": TODAY, "consultation-opinion": "Nhất trí.",
    })
    assert response.status_code == 403
    consult(submitted, head)
    response = as_(deputy).post(url("meeting_open", submitted.pk), {
        "meeting-held_on": TODAY, "meeting-attendees": [head.pk, deputy.pk],
    })
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_proposer_cannot_vote(submitted, head, deputy, proposer):
    opened = meeting(submitted, head, [head, deputy])
    response = as_(proposer).post(url("vote_cast", submitted.pk, opened.pk), {"vote-choice": "for"})
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_deputy_cannot_close_the_vote(submitted, head, deputy):
    opened = meeting(submitted, head, [head, deputy])
    assert as_(deputy).post(url("meeting_close", submitted.pk, opened.pk)).status_code == 403
    assert Meeting.objects.get().state == Meeting.State.OPEN


WRONG_ROLE = [  # (view, keys, who): someone of the unit without the position the action needs
    ("consultation_record", ("proposal",), "deputy"),
    ("meeting_open", ("proposal",), "deputy"),
    ("vote_cast", ("proposal", "meeting"), "secretariat"),
    ("meeting_close", ("proposal", "meeting"), "deputy"),
    ("meeting_adjourn", ("proposal", "meeting"), "deputy"),
    ("decision_approve", ("proposal",), "deputy"),
    ("decision_override", ("proposal",), "deputy"),
    ("decision_reject", ("proposal",), "secretariat"),
    ("proposal_return", ("proposal",), "secretariat"),
]


@pytest.mark.parametrize(("name", "keys", "who"), WRONG_ROLE, ids=[name for name, _k, _w in WRONG_ROLE])
def test_wrong_role_gets_403_even_with_an_empty_form(submitted, head, deputy, request, name, keys, who):
    opened = meeting(submitted, head, [head, deputy])
    objects = {"proposal": submitted, "meeting": opened}
    response = as_(request.getfixturevalue(who)).post(url(name, *(objects[key].pk for key in keys)), {})
    assert response.status_code == 403


def test_deputy_sending_short_reasons_gets_403_not_a_form_error(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    for name, data in (("decision_reject", {"reject-reasons": "Không."}), ("proposal_return", {"return-reasons": "Ít."})):
        assert as_(deputy).post(url(name, submitted.pk), data).status_code == 403
    assert not Decision.objects.exists()


# --- The flows, through the views ------------------------------------------------------------------------


def test_full_flow_consultation_meeting_three_votes_close_approve_and_documents(submitted, head, deputy, deputy2, secretariat, proposer):
    office, chief = as_(secretariat), as_(head)
    page = chief.get(detail(submitted)).content.decode()
    assert "Ghi nhận ý kiến cấp ủy" in page

    response = office.post(url("consultation_record", submitted.pk), {
        "consultation-committee": "Đảng ủy Sở Nội vụ", "consultation-opinion_date": TODAY,
        "consultation-opinion": "Nhất trí chủ trương.", "consultation-document": SimpleUploadedFile("Ý kiến cấp ủy.pdf", PDF_BYTES),
    })
    assert response.status_code == 302 and response["Location"] == detail(submitted) + "#xet-duyet"
    consultation = Consultation.objects.get()
    download = chief.get(url("consultation_document", submitted.pk, consultation.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"

    response = office.post(url("meeting_open", submitted.pk), {
        "meeting-held_on": TODAY, "meeting-starts_at": "08:30", "meeting-location": "Phòng họp số 1",
        "meeting-secretary_name": "Trần Thị Thư",
        "meeting-attendees": [head.pk, deputy.pk, deputy2.pk],
    })
    assert response.status_code == 302
    opened = Meeting.objects.get()
    assert set(opened.eligible_voters.all()) == {head, deputy, deputy2}

    for person, choice, reason in ((head, "for", ""), (deputy, "for", ""), (deputy2, "against", REASONS)):
        response = as_(person).post(url("vote_cast", submitted.pk, opened.pk), {"vote-choice": choice, "vote-reason": reason})
        assert response.status_code == 302
    assert as_(deputy).post(url("vote_cast", submitted.pk, opened.pk), {"vote-choice": "against", "vote-reason": "Đổi ý"}).status_code == 200
    assert Vote.objects.count() == 3

    response = office.post(url("meeting_close", submitted.pk, opened.pk), follow=True)
    assert "tập thể lãnh đạo thông qua đề xuất (Biên bản số 1/BB-SNV)" in response.content.decode()
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.COLLECTIVE_PASSED

    text = deciding_panel(proposal=Proposal.objects.get(pk=submitted.pk), user=head)["actions"]["decision_approve"].initial["text"]
    response = chief.post(url("decision_approve", submitted.pk), {"approve-text": text}, follow=True)
    assert "Đã ban hành quyết định cho triển khai thực hiện số 1/QĐ-SNV." in response.content.decode()
    proposal = Proposal.objects.get(pk=submitted.pk)
    assert (proposal.status, proposal.approved_version) == (Proposal.Status.APPROVED, 1)
    decision = Decision.objects.get()

    minutes = as_(proposer).get(url("minutes_pdf", submitted.pk, opened.pk))
    assert minutes.status_code == 200 and minutes.content.startswith(b"%PDF")
    assert minutes["Content-Disposition"] == (
        "attachment; filename=\"BB-1-BB-SNV.pdf\"; filename*=UTF-8''" + quote("Biên bản họp 1-BB-SNV.pdf")
    )
    minutes_text = pdf_text(minutes.content)
    for expected in ("BIÊN BẢN", "Số: 1/BB-SNV", "Hạ Long, ngày 05 tháng 02 năm 2026", "Phòng họp số 1",
                     "Trần Thị Thư", "Tỷ lệ tán thành: 2/3", REASONS, deputy2.get_full_name(), "THƯ KÝ", "CHỦ TRÌ"):
        assert expected in minutes_text, expected

    response = as_(proposer).get(url("decision_pdf", submitted.pk, decision.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="QD-1-QD-SNV.pdf"; filename*=UTF-8\'\'Quy%E1%BA%BFt')
    decision_text = pdf_text(response.content)
    for expected in ("Số: 1/QĐ-SNV", "QUYẾT ĐỊNH", "Về việc cho triển khai thực hiện đề xuất đổi mới, sáng tạo",
                     "Căn cứ Nghị định số 73/2023/NĐ-CP ngày 29/9/2023 của Chính phủ",
                     "Căn cứ Biên bản họp tập thể lãnh đạo số 1/BB-SNV", "Điều 1.", "Điều 2.", "Điều 3.",
                     "từ ngày 01/03/2026 đến ngày 31/12/2026", "Phòng Tổ chức cán bộ", "Nơi nhận:", head.get_full_name()):
        assert expected in decision_text, expected


def test_vote_against_without_reason_is_refused_next_to_the_reason(submitted, head, deputy):
    opened = meeting(submitted, head, [head, deputy])
    response = as_(deputy).post(url("vote_cast", submitted.pk, opened.pk), {"vote-choice": "against"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error_1_id_vote-reason"' in html and "Cần nêu lý do khi không tán thành." in html
    assert not Vote.objects.exists()


def test_failed_vote_then_override_with_justification(submitted, head, deputy, deputy2, django_capture_on_commit_callbacks):
    opened = meeting(submitted, head, [head, deputy, deputy2],
                     [(head, "for", ""), (deputy, "against", REASONS), (deputy2, "abstain", "")])
    chief = as_(head)
    assert chief.post(url("meeting_close", submitted.pk, opened.pk)).status_code == 302
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.COLLECTIVE_FAILED

    response = chief.post(url("decision_override", submitted.pk), {"override-justification": ""})
    assert response.status_code == 200
    assert 'id="error_1_id_override-justification"' in response.content.decode()
    response = chief.post(url("decision_override", submitted.pk), {"override-justification": "Cần thiết."})
    html = response.content.decode()
    assert 'id="error_1_id_override-justification"' in html and "ít nhất 20 ký tự" in html
    assert not Decision.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = chief.post(url("decision_override", submitted.pk), {"override-justification": JUSTIFICATION})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.kind == Decision.Kind.OVERRIDE
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.APPROVED
    assert any(decision.number in n.text() for n in Notification.objects.filter(recipient=submitted.proposer))
    text = pdf_text(chief.get(url("decision_pdf", submitted.pk, decision.pk)).content)
    assert JUSTIFICATION in text
    assert "Người đứng đầu quyết định khi tập thể không thông qua" in text
    assert "tán thành 1/3" in text
    assert "chịu trách nhiệm trước Ủy ban nhân dân tỉnh Quảng Ninh và trước pháp luật" in text


def test_the_override_decision_gives_the_completion_report_deadline_of_the_proposals_profile(proposer, leaders):
    head, deputy, deputy2 = leaders
    new_profile_version(completion_report_deadline_wd=10)
    proposal = submit(proposer)
    failed(proposal, head, deputy, deputy2)

    decision = services.decision_override(proposal=proposal, by=head, justification=JUSTIFICATION)

    text = pdf_text(as_(head).get(url("decision_pdf", proposal.pk, decision.pk)).content)
    assert "trong thời hạn 10 ngày làm việc kể từ ngày hoàn thành" in text and "05 ngày làm việc" not in text


def test_reject_with_written_reasons(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    response = as_(head).post(url("decision_reject", submitted.pk), {"reject-reasons": REASONS})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.kind, decision.number) == (Decision.Kind.REJECTION, "1/SNV")
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.REJECTED
    response = as_(head).get(url("decision_pdf", submitted.pk, decision.pk))
    assert response["Content-Disposition"].startswith('attachment; filename="CV-1-SNV.pdf"')
    text = pdf_text(response.content)
    for expected in ("Số: 1/SNV", "V/v trả lời đề xuất đổi mới, sáng tạo", "Kính gửi:", "không chấp thuận đề xuất", REASONS):
        assert expected in text, expected


def test_reject_with_short_reasons_is_refused_next_to_the_field(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    response = as_(head).post(url("decision_reject", submitted.pk), {"reject-reasons": "Không."})
    assert response.status_code == 200
    assert 'id="error_1_id_reject-reasons"' in response.content.decode()
    assert not Decision.objects.exists()


def test_return_for_clarification_before_the_meeting(submitted, head):
    response = as_(head).post(url("proposal_return", submitted.pk), {"return-reasons": REASONS})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.RETURNED
    decision = Decision.objects.get()
    assert decision.kind == Decision.Kind.RETURN
    text = pdf_text(as_(head).get(url("decision_pdf", submitted.pk, decision.pk)).content)
    assert "V/v trả lại đề xuất để bổ sung, làm rõ" in text and REASONS in text


def test_adjourn_needs_a_reason_and_reopens_the_proposal(submitted, head, deputy, secretariat):
    opened = meeting(submitted, head, [head, deputy], [(deputy, "for", "")])
    office = as_(secretariat)
    response = office.post(url("meeting_adjourn", submitted.pk, opened.pk), {"adjourn-reason": ""})
    assert response.status_code == 200 and 'id="error_1_id_adjourn-reason"' in response.content.decode()
    response = office.post(url("meeting_adjourn", submitted.pk, opened.pk), {"adjourn-reason": "Thiếu ý kiến thẩm định."})
    assert response.status_code == 302
    assert Meeting.objects.get().state == Meeting.State.ADJOURNED
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.SUBMITTED
    html = panel_html(submitted, head)
    assert "Cuộc họp đã hoãn" in html and "Lý do hoãn:</strong> Thiếu ý kiến thẩm định." in html


def test_meeting_before_the_plan_was_received_is_refused_next_to_the_date(submitted, head, deputy):
    consult(submitted, head)
    response = as_(head).post(url("meeting_open", submitted.pk), {
        "meeting-held_on": "04/02/2026", "meeting-starts_at": "08:30", "meeting-secretary_name": "Trần Thị Thư",
        "meeting-attendees": [head.pk],
    })
    assert response.status_code == 200
    assert 'id="error_1_id_meeting-held_on"' in response.content.decode()


def test_tie_follows_the_head_and_is_shown(submitted, head, deputy, deputy2):
    closed = meeting(submitted, head, [head, deputy], [(head, "for", ""), (deputy, "against", REASONS)], close=True)
    assert (closed.passed, closed.tie_break_applied) == (True, True)
    assert "Áp dụng quy tắc khi ngang nhau" in panel_html(submitted, deputy2)
    text = pdf_text(as_(head).get(url("minutes_pdf", submitted.pk, closed.pk)).content)
    assert "(theo bên có ý kiến của người đứng đầu): có" in text


def test_a_proposing_deputy_is_excluded_and_the_minutes_say_why(head, deputy, deputy2, secretariat):
    proposal = submit(deputy)
    closed = meeting(proposal, secretariat, [head, deputy2], [(head, "for", ""), (deputy2, "for", "")], close=True)
    assert set(closed.eligible_voters.all()) == {head, deputy2}
    html = panel_html(proposal, head)
    assert f"{deputy.get_full_name()} (người đề xuất)" in html
    text = pdf_text(as_(head).get(url("minutes_pdf", proposal.pk, closed.pk)).content)
    assert f"{deputy.get_full_name()} (người đề xuất)" in text
    assert "không biểu quyết đối với đề xuất của chính mình" in text


def test_a_heads_own_proposal_is_decided_by_the_superior_unit(head, deputy, superior_head):
    proposal = submit(head)
    assert proposal.route == Proposal.Route.B
    assert set(deciding_panel(proposal=proposal, user=superior_head)["actions"]) == {"consultation_record", "proposal_return"}
    assert deciding_panel(proposal=proposal, user=head)["actions"] == {}
    response = as_(head).post(url("proposal_return", proposal.pk), {"return-reasons": REASONS})
    assert response.status_code == 403
    response = as_(superior_head).post(url("proposal_return", proposal.pk), {"return-reasons": REASONS})
    assert response.status_code == 302
    assert Decision.objects.get().number == "1/UBND"


def test_documents_load_nothing_but_the_vendored_fonts():
    fetcher = _fonts_only_fetcher_class()(font_dir())
    assert fetcher.fetch((font_dir() / "Tinos-Regular.ttf").as_uri()).read()[:4] == b"\x00\x01\x00\x00"
    for refused in ("https://example.com/font.ttf", "file:///etc/passwd", (font_dir() / "OFL.txt").as_uri(),
                    (font_dir() / ".." / ".." / ".." / "manage.py").as_uri()):
        with pytest.raises(ValueError, match="only load the vendored fonts"):
            fetcher.fetch(refused)


def test_documents_date_and_file_names():
    assert long_date(datetime.date(2026, 4, 5)) == "ngày 05 tháng 4 năm 2026"
    assert long_date(datetime.date(2026, 2, 15)) == "ngày 15 tháng 02 năm 2026"
    assert long_date(datetime.date(2026, 12, 1)) == "ngày 01 tháng 12 năm 2026"
    assert ascii_name("12/QĐ-UBND") == "12-QD-UBND"


# --- Documents kept as issued (spec README §6) -------------------------------------------------------------


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def stored_files(root) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


def audit_payload(proposal, action) -> dict:
    return AuditEvent.objects.for_object(proposal).get(action=action).payload


def test_an_issued_decision_is_stored_once_and_served_as_stored(world, head, proposer, settings, monkeypatch):
    decision = Decision.objects.get(pk=world["decision"].pk)
    stored = Path(settings.MEDIA_ROOT) / decision.pdf.name
    # A generated name under the private media root: neither the number nor the proposal shows in it.
    assert re.fullmatch(r"decisions/2026/[0-9a-f]{32}\.pdf", decision.pdf.name)
    assert stored.read_bytes().startswith(b"%PDF")
    assert decision.pdf_sha256 == sha256(stored.read_bytes()) == audit_payload(world["proposal"], "approve")["pdf_sha256"]

    # Templates (or the renderer) changing later must not change the document: it is never rendered again.
    def render_again(*args, **kwargs):
        raise AssertionError("an issued document was rendered again")

    monkeypatch.setattr(documents, "render_pdf", render_again)
    first = as_(proposer).get(url("decision_pdf", world["proposal"].pk, decision.pk))
    second = as_(head).get(url("decision_pdf", world["proposal"].pk, decision.pk))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == stored.read_bytes()
    assert sha256(first.content) == decision.pdf_sha256


def test_closed_minutes_are_stored_once_and_served_as_stored(world, head, settings, monkeypatch):
    closed = Meeting.objects.get(pk=world["meeting"].pk)
    assert re.fullmatch(r"minutes/2026/[0-9a-f]{32}\.pdf", closed.minutes_pdf.name)
    payload = audit_payload(world["proposal"], "close_passed")
    assert closed.minutes_sha256 == payload["minutes_sha256"]

    monkeypatch.setattr(documents, "render_pdf", lambda *args, **kwargs: b"%PDF-1.7 a later template")
    response = as_(head).get(url("minutes_pdf", world["proposal"].pk, closed.pk))

    assert sha256(response.content) == closed.minutes_sha256 == payload["minutes_sha256"]
    assert "Trần Thị Thư" in pdf_text(response.content)


REGENERATED = "BẢN TÁI TẠO — không phải bản gốc đã lưu"


def pdf_pages(content: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def test_a_missing_stored_file_is_served_as_a_marked_copy_and_the_audit_says_who_received_it(world, head, caplog):
    decision = Decision.objects.get(pk=world["decision"].pk)
    recorded = decision.pdf_sha256
    decision.pdf.storage.delete(decision.pdf.name)

    with caplog.at_level(logging.WARNING, logger="core.documents"):
        response = as_(head).get(url("decision_pdf", world["proposal"].pk, decision.pk))

    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert len(pages) > 1 and "Số: 1/QĐ-SNV" in pages[0]
    assert all(REGENERATED in page for page in pages), pages  # on every page, not only the first
    assert response["Content-Disposition"].startswith('attachment; filename="ban-tai-tao-QD-1-QD-SNV.pdf"; ')
    assert "filename*=UTF-8''ban-tai-tao-" in response["Content-Disposition"]
    assert any("is missing" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    event = AuditEvent.objects.for_object(decision).get(action="pdf_regenerated")
    assert (event.actor, event.unit, event.payload["number"], event.payload["recorded_sha256"]) == (
        head, decision.unit, "1/QĐ-SNV", recorded
    )
    assert event.payload["served_sha256"] == sha256(response.content) != recorded
    decision.refresh_from_db()
    assert decision.pdf_sha256 == recorded  # the evidence is the original's hash, never the copy's
    assert not decision.pdf.storage.exists(decision.pdf.name)


def test_minutes_closed_before_documents_were_kept_are_served_as_a_marked_copy(world, head, caplog):
    closed = world["meeting"]
    Meeting.objects.filter(pk=closed.pk).update(minutes_pdf="", minutes_sha256="")  # as the migration leaves them

    with caplog.at_level(logging.WARNING, logger="core.documents"):
        response = as_(head).get(url("minutes_pdf", world["proposal"].pk, closed.pk))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Số: 1/BB-SNV" in text and REGENERATED in text
    assert response["Content-Disposition"].startswith('attachment; filename="ban-tai-tao-BB-1-BB-SNV.pdf"')
    assert any("has no stored PDF" in r.getMessage() for r in caplog.records)
    assert AuditEvent.objects.for_object(closed).filter(action="pdf_regenerated", actor=head).count() == 1


def test_a_document_served_as_stored_carries_no_regeneration_mark_and_writes_no_event(world, head):
    response = as_(head).get(url("minutes_pdf", world["proposal"].pk, world["meeting"].pk))
    assert REGENERATED not in pdf_text(response.content)
    assert 'filename="BB-' in response["Content-Disposition"]
    assert not AuditEvent.objects.filter(action="pdf_regenerated").exists()


@pytest.mark.parametrize("kind", ["minutes", "decision"])
def test_a_stored_file_that_no_longer_matches_its_hash_is_not_served(world, head, caplog, kind):
    record = Meeting.objects.get(pk=world["meeting"].pk) if kind == "minutes" else Decision.objects.get(pk=world["decision"].pk)
    file = record.minutes_pdf if kind == "minutes" else record.pdf
    with file.storage.open(file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 altered")

    with caplog.at_level(logging.ERROR, logger="core.documents"):
        response = as_(head).get(url(f"{kind}_pdf", world["proposal"].pk, record.pk))

    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert b"altered" not in response.content
    assert "Văn bản tạm thời không cung cấp được" in html and "không khớp với mã kiểm tra SHA-256" in html
    assert any("does not match" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    assert not AuditEvent.objects.filter(action="pdf_regenerated").exists()


def test_a_refused_decision_writes_no_file(submitted, head, deputy, deputy2, settings):
    failed(submitted, head, deputy, deputy2)
    before = stored_files(settings.MEDIA_ROOT)
    assert as_(deputy).post(url("decision_reject", submitted.pk), {"reject-reasons": REASONS}).status_code == 403
    assert as_(head).post(url("decision_approve", submitted.pk), {"approve-text": "Giao thực hiện."}).status_code == 200
    assert as_(head).post(url("decision_reject", submitted.pk), {"reject-reasons": "Không."}).status_code == 200
    assert stored_files(settings.MEDIA_ROOT) == before
    assert not Decision.objects.exists()


def test_when_the_document_cannot_be_rendered_nothing_is_issued(submitted, head, deputy, deputy2, settings, monkeypatch):
    failed(submitted, head, deputy, deputy2)
    before = stored_files(settings.MEDIA_ROOT)

    def no_pango(*args, **kwargs):
        raise DocumentRenderError("Pango is not installed")

    monkeypatch.setattr(documents, "render_pdf", no_pango)
    response = as_(head).post(url("decision_reject", submitted.pk), {"reject-reasons": REASONS})

    assert response.status_code == 503
    assert "chưa tạo được văn bản PDF" in response.content.decode()
    assert not Decision.objects.exists()
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.COLLECTIVE_FAILED
    assert stored_files(settings.MEDIA_ROOT) == before
    monkeypatch.undo()
    # The number the failed attempt took was given back with the rollback.
    assert services.decision_reject(proposal=submitted, by=head, reasons=REASONS).number == "1/SNV"


@contextlib.contextmanager
def _bypassing_the_frozen_profile_trigger():
    if connection.vendor == "postgresql":
        with pgtrigger.ignore("proposals.LegalProfile:legalprofile_frozen"):
            yield
    else:
        yield


def test_the_minutes_state_the_rule_the_meeting_recorded_not_the_profile_of_today(submitted, head, deputy, deputy2):
    closed = passed(submitted, head, deputy, deputy2)
    # Never done by the application (a profile version is not edited in place; on PostgreSQL a trigger refuses
    # it), but the record must not depend on it: what someone with direct database access could do.
    with _bypassing_the_frozen_profile_trigger():
        LegalProfile.objects.filter(pk=submitted.profile_id).update(
            approval_threshold_percent=75, tie_rule=LegalProfile.TieRule.FAIL, denominator=LegalProfile.Denominator.ELIGIBLE
        )
    text = pdf_text(documents.minutes_pdf(closed))
    assert "vượt quá 50% số thành viên có quyền biểu quyết có mặt" in text
    assert "(theo bên có ý kiến của người đứng đầu): không" in text
    assert "bắt đầu lúc 08 giờ 30 phút, ngày 05/02/2026" in text
    assert "vượt quá 50%" in panel_html(submitted, head)


def test_weasyprint_missing_is_a_clear_render_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # what `import weasyprint` meets without Pango
    with pytest.raises(DocumentRenderError, match="Pango"):
        render_pdf("documents/minutes.html", {})


def test_the_app_loads_without_weasyprint():
    """Django starts, checks and loads every URL and view on a machine without Pango; only rendering fails."""
    script = (
        "import sys\n"
        "sys.modules['weasyprint'] = None\n"
        "import django\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('check')\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "from core import documents\n"
        "try:\n"
        "    documents.render_pdf('documents/minutes.html', {})\n"
        "except documents.DocumentRenderError as error:\n"
        "    print('REFUSED:', error)\n"
    )
    result = subprocess.run(  # noqa: S603 (a fixed script, run by the current interpreter)
        [sys.executable, "-c", script], cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "REFUSED: PDF documents cannot be rendered" in result.stdout


# --- Legal profile admin ---------------------------------------------------------------------------------


def profile_form_data(profile: LegalProfile, **changes) -> dict:
    data = {
        "name": profile.name, "effective_from": profile.effective_from.strftime("%d/%m/%Y"),
        "review_deadline_wd": profile.review_deadline_wd, "superior_review_deadline_wd": profile.superior_review_deadline_wd,
        "due_soon_wd": profile.due_soon_wd, "approval_threshold_percent": profile.approval_threshold_percent,
        "completion_report_deadline_wd": profile.completion_report_deadline_wd,
        "denominator": profile.denominator, "quorum_percent": profile.quorum_percent, "tie_rule": profile.tie_rule,
        "eligible_categories": list(profile.eligible_categories),
    }
    for flag in ("override_allowed", "consultation_required", "art5_all_required"):
        if getattr(profile, flag):
            data[flag] = "on"
    data.update(changes)
    return data


def admin_change(profile) -> str:
    return reverse("admin:proposals_legalprofile_change", args=[profile.pk])


def test_admin_saving_a_profile_creates_version_2_and_earlier_proposals_keep_version_1(submitted, admin_user, proposer):
    v1 = submitted.profile
    client = as_(admin_user)
    assert client.get(admin_change(v1)).status_code == 200
    response = client.post(admin_change(v1), profile_form_data(v1, approval_threshold_percent=60))
    v2 = LegalProfile.objects.get(code=v1.code, version=2)
    assert response.status_code == 302 and response["Location"] == admin_change(v2)
    assert (v2.approval_threshold_percent, v2.created_by, v2.denominator) == (60, admin_user, v1.denominator)
    v1.refresh_from_db()
    assert v1.approval_threshold_percent == 50
    assert LegalProfile.objects.count() == 2
    assert AuditEvent.objects.filter(action="legal_profile_new_version", object_id=str(v2.pk)).exists()
    assert Proposal.objects.get(pk=submitted.pk).profile == v1
    assert submit(proposer, title="Đề xuất nộp sau khi đổi quy định").profile == v2


def test_admin_older_versions_are_read_only_and_nothing_is_deleted(submitted, admin_user):
    v1 = submitted.profile
    client = as_(admin_user)
    client.post(admin_change(v1), profile_form_data(v1, quorum_percent=50))
    assert LegalProfile.objects.filter(version=2).exists()
    page = client.get(admin_change(v1))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(admin_change(v1), profile_form_data(v1, quorum_percent=60)).status_code == 403
    assert client.get(reverse("admin:proposals_legalprofile_delete", args=[v1.pk])).status_code == 403
    assert client.get(reverse("admin:proposals_legalprofile_add")).status_code == 403
    assert LegalProfile.objects.count() == 2


def test_admin_saving_without_a_change_creates_nothing(submitted, admin_user):
    v1 = submitted.profile
    response = as_(admin_user).post(admin_change(v1), profile_form_data(v1))
    assert response.status_code == 200
    assert "Không có thay đổi nào" in response.content.decode()
    assert LegalProfile.objects.count() == 1


def test_admin_shows_proposals_and_decisions_read_only(world, admin_user):
    client = as_(admin_user)
    for model in ("proposals/proposal", "proposals/planversion", "proposals/attachment", "approvals/consultation",
                  "approvals/meeting", "approvals/vote", "approvals/decision"):
        app, name = model.split("/")
        assert client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200, model
        assert client.get(reverse(f"admin:{app}_{name}_add")).status_code == 403, model
    decision = world["decision"]
    assert client.get(reverse("admin:approvals_decision_change", args=[decision.pk])).status_code == 200
    assert client.post(reverse("admin:approvals_decision_change", args=[decision.pk]), {"text": "x"}).status_code == 403
    assert client.get(reverse("admin:approvals_decision_delete", args=[decision.pk])).status_code == 403


def test_admin_lists_no_vote_of_an_open_meeting_and_refuses_filters_on_the_secret_fields(submitted, head, deputy, deputy2, admin_user):
    opened = meeting(submitted, head, [head, deputy, deputy2], [(deputy, "against", "Lý do còn giữ kín")])
    client = as_(admin_user)
    changelist = reverse("admin:approvals_vote_changelist")

    html = client.get(changelist).content.decode()
    assert "Lý do còn giữ kín" not in html and "Không tán thành" not in html and deputy.get_full_name() not in html
    # Filtering by the hidden fields would tell who voted how by which rows remain.
    for query in ({"choice": "against"}, {"choice__exact": "for"}, {"reason__gt": ""}, {"reason__icontains": "kín"}):
        assert client.get(changelist, query).status_code == 400, query
    vote = Vote.objects.get()
    response = client.get(reverse("admin:approvals_vote_change", args=[vote.pk]))
    assert response.status_code == 302 and "Lý do còn giữ kín" not in response.content.decode()

    services.vote_cast(meeting=opened, by=head, choice="for")
    services.meeting_close(meeting=opened, by=head)
    html = client.get(changelist).content.decode()
    assert "Không tán thành" in html and deputy.get_full_name() in html
    assert "Lý do còn giữ kín" in client.get(reverse("admin:approvals_vote_change", args=[vote.pk])).content.decode()


APPROVALS_MODELS = ("consultation", "meeting", "vote", "decision")


def test_admin_of_the_deciding_units_records_is_for_superusers_only(world, admin_user):
    """Staff granted "view" on these models would read every proposal's decisions, outside the scope rule."""
    staff = UserFactory(username="nhanvienquantri", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="approvals"))
    records = {"consultation": world["consultation"], "meeting": world["meeting"], "vote": Vote.objects.first(),
               "decision": world["decision"]}
    client, superuser = as_(staff), as_(admin_user)

    for name in APPROVALS_MODELS:
        for target in (reverse(f"admin:approvals_{name}_changelist"),
                       reverse(f"admin:approvals_{name}_change", args=[records[name].pk])):
            assert client.get(target).status_code == 403, target
            assert superuser.get(target).status_code == 200, target
    assert reverse("admin:app_list", args=["approvals"]) not in client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:app_list", args=["approvals"]) in superuser.get(reverse("admin:index")).content.decode()


def test_admin_shows_the_hash_of_a_consultation_scan(world, admin_user):
    consultation = Consultation.objects.get(pk=world["consultation"].pk)
    html = as_(admin_user).get(reverse("admin:approvals_consultation_change", args=[consultation.pk])).content.decode()
    assert consultation.document_sha256 == sha256(PDF_BYTES) and consultation.document_sha256 in html


# --- Notifications ---------------------------------------------------------------------------------------


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
    # 1 session, 2 user, 3 count for the paginator, 4 the page of notifications, 5 the unread badge,
    # 6 the positions held today (navigation by role).
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


def test_unread_badge_is_counted_only_when_shown(rf, head):
    Notification.objects.create(recipient=head, message="Một thông báo.")
    request = rf.get("/")
    request.user = head
    with CaptureQueriesContext(connection) as queries:
        context = unread_notifications(request)
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert str(context["notifications_unread"]) == "1"
    assert len(queries) == 1
