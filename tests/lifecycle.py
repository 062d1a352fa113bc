"""Plain helpers shared by the tests: a complete plan, a submitted proposal, a meeting with votes, a client
logged in as a persona, the text of a PDF (the fixtures are in tests/conftest.py).

Everything goes through the services, never through the ORM, so that a proposal in a given status got
there the way a real one would (on PostgreSQL the FSM trigger would refuse any shortcut anyway).
"""

import contextlib
import datetime
import functools
import hashlib
import io
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from accounts.models import Position
from approvals.models import Meeting, Vote
from approvals.services import (
    consultation_record,
    decision_approve,
    decision_refer,
    decision_reject,
    meeting_close,
    meeting_open,
    proposal_return,
    vote_cast,
)
from core.actions import Situation
from core.models import AuditEvent
from core.stages import stages
from core.workdays import seed_year
from proposals.actions import stage_sections
from proposals.models import FieldOfWork, LegalProfile, PlanDocument, Proposal
from proposals.services import proposal_create_draft, proposal_revise, proposal_submit
from proposals.tasks import issue_plan
from proposals.transitions import Status

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# The last working day before Tết 2026 (holidays 14–22 February): deadlines must jump the whole break.
FRIDAY_BEFORE_TET = datetime.datetime(2026, 2, 13, 9, 0, tzinfo=HANOI)
REASONS = "Chưa làm rõ nguồn kinh phí và cơ chế phối hợp giữa các sở, ngành liên quan."
# D-8: a return before any meeting names the plan's contents found incomplete (those REASONS speak of).
INCOMPLETE = ["resources", "implementers_targets"]
APPROVAL_TEXT = "Cho triển khai thực hiện đề xuất theo kế hoạch đã được tập thể lãnh đạo thông qua."
JUSTIFICATION = "Đề xuất cần thiết để tháo gỡ ách tắc thủ tục đất đai và khả thi với nguồn lực hiện có của Sở."
# The minutes need a start time and a secretary (decree73.md §4.3; documents.md): meeting_open requires them.
STARTS_AT = datetime.time(8, 30)
SECRETARY = "Trần Thị Thư"
# Uploads: a small PDF, and an executable renamed to .pdf (the content decides, never the name).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def at_friday_before_tet(time_machine) -> datetime.date:
    """Freeze the clock on Fri 13 Feb 2026 09:00 in Hà Nội, with the 2026 holidays in the calendar."""
    seed_year(2026)
    time_machine.move_to(FRIDAY_BEFORE_TET, tick=False)
    return FRIDAY_BEFORE_TET.date()


def new_profile_version(**rules) -> LegalProfile:
    """The next version of the legal profile (version 1 if none yet), in force at once for new submissions."""
    latest = LegalProfile.objects.order_by("-version").first()
    return LegalProfile.objects.create(
        version=latest.version + 1 if latest else 1, **rules
    )


def complete_plan(**overrides) -> dict:
    """Every Art. 7(2) content and the four Art. 5(1) conditions, except the optional impact assessment; the Art. 1
    question answered (not a pilot legal normative document) and the Art. 4(2) competence declared."""
    data = {
        "title": "Liên thông điện tử thủ tục đăng ký đất đai lần đầu",
        "field": FieldOfWork.ADMIN_REFORM,
        "necessity": "Hồ sơ đăng ký đất đai lần đầu đang phải nộp giấy tại ba cơ quan, kéo dài 30 ngày.",
        "bottleneck": "Chưa có quy định về tiếp nhận hồ sơ điện tử liên thông giữa văn phòng đăng ký và cơ quan thuế.",
        "legal_references": "Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP về đăng ký đất đai.",
        "content_solutions": "Một cổng tiếp nhận điện tử, chuyển hồ sơ tự động cho cơ quan thuế.",
        "scope": "Toàn tỉnh, thủ tục đăng ký đất đai lần đầu của hộ gia đình, cá nhân.",
        "implementers_targets": "Sở Nội vụ chủ trì; văn phòng đăng ký đất đai, cơ quan thuế; người dân.",
        "start_date": datetime.date(2026, 4, 1),
        "end_date": datetime.date(2026, 12, 31),
        "milestones": "Quý II: xây dựng quy trình; quý III: thí điểm; quý IV: tổng kết.",
        "resources": "Kinh phí chi thường xuyên 500 triệu đồng; 5 công chức.",
        "feasibility": "Hạ tầng cổng dịch vụ công của tỉnh đã sẵn sàng.",
        "impact": "",
        "expected_results": "Rút thời gian giải quyết từ 30 xuống 10 ngày.",
        "indicators": "Tỷ lệ hồ sơ nộp trực tuyến ≥ 80 %; thời gian giải quyết trung bình ≤ 10 ngày.",
        "cond_a_bottleneck": True,
        "cond_b_common_good": True,
        "cond_c_urgent_no_harm": True,
        "cond_d_reform": True,
        "pilot_legal_document": False,
        "competence_declared": True,
        "wide_scope": False,
    }
    data.update(overrides)
    return data


def position_of(person) -> Position:
    return Position.objects.get(person=person)


def draft_proposal(*, proposer, position: Position | None = None, co_authors=(), **plan) -> Proposal:
    return proposal_create_draft(
        by=proposer, position=position or position_of(proposer), data=complete_plan(**plan), co_authors=co_authors
    )


def plans_issued() -> None:
    """What the documents queue does once a submission has committed (proposals.tasks.issue_plan, issue 10): a
    test's transaction never commits, so a test that reads a plan's stored PDF has it issued here."""
    for document_id in PlanDocument.objects.filter(pdf="").values_list("pk", flat=True):
        issue_plan(document_id)


def submitted_proposal(*, proposer, position: Position | None = None, co_authors=(), **plan) -> Proposal:
    """A complete plan, drafted (with `co_authors`) and submitted today by `proposer` (version 1)."""
    proposal = draft_proposal(proposer=proposer, position=position, co_authors=co_authors, **plan)
    return proposal_submit(proposal=proposal, by=proposer)


def open_meeting(*, proposal: Proposal, by, held_on: datetime.date, attendees, **fields) -> Meeting:
    """`meeting_open` with the record's required fields filled in (start time, secretary) unless given."""
    return meeting_open(
        proposal=proposal, by=by, held_on=held_on, attendees=attendees,
        **{"starts_at": STARTS_AT, "secretary_name": SECRETARY, **fields},
    )


def meeting_with_votes(
    *, proposal: Proposal, by, votes: dict, present=None, held_on: datetime.date | None = None, close: bool = False
) -> Meeting:
    """Consult the party committee when the profile asks for it, open the meeting, cast `votes` (person → choice).

    `present` defaults to the people in `votes`; `by` (head or secretariat of the deciding unit) records it all. The
    meeting is held today unless `held_on` says otherwise: the votes are cast now, and only count on the meeting's
    date or within the profile's vote window (D-7).
    """
    proposal.refresh_from_db()
    held_on = held_on or timezone.localdate()
    if proposal.profile.consultation_required and not proposal.consultations.filter(version=proposal.current_version).exists():
        consultation_record(
            proposal=proposal, by=by, committee="Đảng ủy Sở Nội vụ", opinion_date=proposal.received_on,
            opinion="Thống nhất chủ trương.",
        )
    meeting = open_meeting(proposal=proposal, by=by, held_on=held_on, attendees=list(present if present is not None else votes))
    for voter, choice in votes.items():
        vote_cast(meeting=meeting, by=voter, choice=choice, reason=REASONS if choice == Vote.Choice.AGAINST else "")
    if close:
        meeting = meeting_close(meeting=meeting, by=by)
    return meeting


REFERRED_TO = "Ủy ban nhân dân tỉnh Quảng Ninh"


def drive_to(status: str, *, proposer, head, deputy) -> Proposal:
    """A route-A proposal of `proposer` brought to `status` by the services (head and deputy vote).

    DRAFT here is a plan that was submitted, returned and reopened: the deciding unit is known, so every
    refusal in that state is about the state, not about who may act.
    """
    proposal = submitted_proposal(proposer=proposer)
    if status == Status.SUBMITTED:
        return fresh(proposal)
    if status in (Status.RETURNED, Status.DRAFT):
        proposal_return(proposal=proposal, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)
        if status == Status.DRAFT:
            proposal_revise(proposal=proposal, by=proposer)
        return fresh(proposal)
    if status == Status.IN_REVIEW:
        meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.FOR})
        return fresh(proposal)
    if status == Status.REFERRED:  # Art. 4(2) (D-5): beyond the unit's authority, reported before the meeting
        decision_refer(proposal=proposal, by=head, addressee=REFERRED_TO, reasons=REASONS)
        return fresh(proposal)
    passed = status in (Status.COLLECTIVE_PASSED, Status.APPROVED)
    choice = Vote.Choice.FOR if passed else Vote.Choice.AGAINST
    meeting_with_votes(proposal=proposal, by=head, votes={head: choice, deputy: choice}, close=True)
    if status == Status.APPROVED:
        decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT)
    elif status == Status.REJECTED:
        decision_reject(proposal=proposal, by=head, reasons=REASONS)
    proposal = fresh(proposal)
    assert proposal.status == status
    return proposal


@contextlib.contextmanager
def triggers_switched_off():
    """What a database superuser can do, and the app's role cannot (issue 11 §7): fire no trigger for a while, to
    tamper with the audit log as an attacker with full access would. The audit triggers ignore `pgtrigger.ignore`."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def fresh(obj):
    """`obj` read again from the database (a new instance: nothing cached on the old one)."""
    return type(obj).objects.get(pk=obj.pk)


def as_(person) -> Client:
    """A new client (its own cookies) logged in as `person`."""
    client = Client()
    client.force_login(person)
    return client


def uploaded_file(name: str, content: bytes) -> SimpleUploadedFile:
    """An upload as the browser sends it, of a type it does not know: the content decides, never the name."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def audit_events(action: str | None = None) -> list[AuditEvent]:
    """The audit log in order, or only its events of `action`."""
    events = AuditEvent.objects.order_by("seq")
    return list(events.filter(action=action) if action else events)


def pdf_lines(content: bytes) -> list[str]:
    """The PDF's text lines, spaces folded: justified lines come out of the extractor with widened gaps."""
    assert content != blank_pdf(), "a blank stand-in page: mark the test or its module `real_pdf` (tests/conftest.py)"
    return [
        " ".join(line.split()) for page in PdfReader(io.BytesIO(content)).pages for line in page.extract_text().splitlines()
    ]


@functools.cache
def blank_pdf() -> bytes:
    """A blank A4 page as a PDF: what the tests' stand-ins for WeasyPrint store instead of a laid-out document."""
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


def pdf_text(content: bytes) -> str:
    """All the PDF's text on one line, for `in` checks that must not depend on where lines break."""
    return " ".join(pdf_lines(content))


def deciding_panel(*, proposal: Proposal, user) -> dict:
    """The deciding unit's section of the proposal page as `user` sees it (proposals.actions.stage_sections):
    the panel's context, plus `actions` (the offered forms by action name) and `notes`."""
    [section] = stage_sections(Situation(proposal=proposal, user=user), only=[stages.get("approvals")])
    return {**section.context, "section": section, "actions": {o.action.name: o.form for o in section.offers},
            "notes": section.notes}


def tamper_stored(field, extra: bytes = b"%% altered") -> None:
    """Append `extra` to a stored file through the storage API (as someone with access to the store would), so the
    same test runs on a directory and on S3."""
    with field.storage.open(field.name, "rb") as handle:
        content = handle.read()
    with field.storage.open(field.name, "wb") as handle:
        handle.write(content + extra)
