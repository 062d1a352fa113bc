"""The rules of a proposal's life on the proposer's side (spec README §3, §4, §6, §7; decree73.md §1.3,
§1.6, §3.2 T1 and T7, §4.1, §8): drafting, the submission checklist, freezing, routing, deadlines,
attachments, revision, the audit trail and who sees what.
"""

import datetime
import hashlib
import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.http import Http404

from accounts.models import Position
from approvals.models import Vote
from approvals.services import decision_reject, meeting_adjourn, proposal_return
from core.audit import verify_chain
from core.models import AuditEvent, Notification
from core.uploads import check_upload
from proposals.admin import LegalProfileForm
from proposals.inbox import inbox_for
from proposals.models import NO_ELIGIBLE_CATEGORY, Attachment, LegalProfile, PlanContent, PlanVersion, Proposal
from proposals.selectors import (
    DueBadges,
    DueState,
    current_profile,
    due_state,
    positions_eligible_to_propose,
    proposal_for_user,
)
from proposals.services import (
    attachment_add,
    attachment_remove,
    missing_parts,
    proposal_create_draft,
    proposal_revise,
    proposal_submit,
    proposal_update_draft,
    required_for_submission,
)
from proposals.transitions import (
    AWAITING_DECISION,
    AWAITING_PROPOSER,
    EDITABLE_STATUSES,
    REVIEW_DEADLINE_RUNNING,
    Action,
    allowed_actions,
    can,
)

from .factories import PositionFactory, UserFactory
from .lifecycle import (
    REASONS,
    at_friday_before_tet,
    complete_plan,
    draft_proposal,
    drive_to,
    meeting_with_votes,
    new_profile_version,
    position_of,
    submitted_proposal,
)

D = datetime.date
# Art. 7(2) contents (decree73.md §4.1) and the Art. 5(1) checklist (§1.6); "impact" is "if any".
REQUIRED_PARTS = {
    "title", "field", "necessity", "bottleneck", "content_solutions", "scope",
    "implementers_targets", "start_date", "end_date", "milestones", "resources", "feasibility",
    "expected_results", "indicators",
    "cond_a_bottleneck", "cond_b_common_good", "cond_c_urgent_no_harm", "cond_d_reform",
}


@pytest.fixture
def friday(db, time_machine):
    return at_friday_before_tet(time_machine)


def _reload(proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


# --- Drafting -----------------------------------------------------------------------------------------


def test_a_draft_needs_only_a_title(friday, proposer):
    proposal = proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "Ý tưởng ban đầu"})

    proposal = _reload(proposal)
    assert (proposal.status, proposal.current_version, proposal.title) == (Proposal.Status.DRAFT, 0, "Ý tưởng ban đầu")
    assert (proposal.unit, proposal.proposer_position) == (position_of(proposer).unit, position_of(proposer))
    assert not proposal.versions.exists()


def test_a_draft_without_a_title_is_refused(friday, proposer):
    with pytest.raises(ValidationError) as error:
        proposal_create_draft(by=proposer, position=position_of(proposer), data={"necessity": "Chưa đặt tên"})
    assert "title" in error.value.message_dict
    assert not Proposal.objects.exists()


def test_a_cadre_drafts_only_in_a_position_they_hold_today(friday, proposer, head):
    with pytest.raises(PermissionDenied):
        proposal_create_draft(by=proposer, position=position_of(head), data={"title": "Mượn chức vụ"})
    ended = PositionFactory(person=proposer, unit=position_of(proposer).unit, start_date=D(2020, 1, 1), end_date=D(2023, 12, 31))
    with pytest.raises(PermissionDenied):
        proposal_create_draft(by=proposer, position=ended, data={"title": "Chức vụ cũ"})


# --- The submission checklist (Art. 7(2), Art. 5(1)) --------------------------------------------------


def test_submit_refuses_a_title_only_plan_naming_every_missing_part(friday, proposer, head):
    proposal = proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "Chỉ có tên"})

    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=proposal, by=proposer)

    assert set(error.value.message_dict) == REQUIRED_PARTS - {"title"}
    assert "impact" not in error.value.message_dict
    proposal = _reload(proposal)
    assert (proposal.status, proposal.current_version) == (Proposal.Status.DRAFT, 0)
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize("part", sorted(REQUIRED_PARTS - {"title", "start_date", "end_date"} - set(PlanContent.ART5_FIELDS)))
def test_submit_names_each_missing_text_part(friday, proposer, head, part):
    # A blank answer (spaces only) is as missing as no answer; "field" is a choice, so empty.
    proposal = draft_proposal(proposer=proposer, **{part: "" if part == "field" else "   "})

    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=proposal, by=proposer)

    assert set(error.value.message_dict) == {part}


@pytest.mark.parametrize("part", ["start_date", "end_date", *PlanContent.ART5_FIELDS])
def test_submit_names_a_missing_period_or_an_undeclared_art5_condition(friday, proposer, head, part):
    empty = None if part.endswith("_date") else False
    proposal = draft_proposal(proposer=proposer, **{part: empty})

    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=proposal, by=proposer)

    assert set(error.value.message_dict) == {part}


def test_the_impact_assessment_is_optional(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer, impact="")
    assert proposal.status == Proposal.Status.SUBMITTED


def test_when_the_profile_asks_for_any_art5_condition_one_is_enough_and_none_names_all_four(friday, proposer, head):
    new_profile_version(art5_all_required=False)
    only_d = dict.fromkeys(PlanContent.ART5_FIELDS, False) | {"cond_d_reform": True}
    assert submitted_proposal(proposer=proposer, **only_d).status == Proposal.Status.SUBMITTED

    none = draft_proposal(proposer=proposer, **dict.fromkeys(PlanContent.ART5_FIELDS, False))
    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=none, by=proposer)
    assert set(error.value.message_dict) == set(PlanContent.ART5_FIELDS)


def test_an_end_date_before_the_start_date_is_refused_on_the_end_date(friday, proposer):
    # Named on the field (Proposal.clean), not the generic message of the `proposal_plan_dates` constraint.
    end_before_start = {"end_date": ["Thời gian kết thúc phải sau thời gian bắt đầu."]}
    with pytest.raises(ValidationError) as error:
        draft_proposal(proposer=proposer, start_date=D(2026, 6, 1), end_date=D(2026, 5, 31))
    assert error.value.message_dict == end_before_start

    proposal = draft_proposal(proposer=proposer)
    with pytest.raises(ValidationError) as error:
        proposal_update_draft(proposal=proposal, by=proposer, data={"end_date": D(2026, 3, 31)})
    assert error.value.message_dict == end_before_start
    assert _reload(proposal).end_date == D(2026, 12, 31)


def test_a_plan_may_end_on_the_day_it_starts(friday, proposer):
    proposal = draft_proposal(proposer=proposer, start_date=D(2026, 6, 1), end_date=D(2026, 6, 1))
    assert _reload(proposal).end_date == D(2026, 6, 1)


def test_the_parts_required_for_submission_are_what_an_empty_plan_lacks(friday):
    profile = current_profile()
    assert required_for_submission(profile) == set(missing_parts(Proposal(), profile)) == REQUIRED_PARTS


def test_when_any_art5_condition_is_enough_none_is_required_on_its_own(friday):
    profile = new_profile_version(art5_all_required=False)
    assert required_for_submission(profile) == REQUIRED_PARTS - set(PlanContent.ART5_FIELDS)


def test_a_position_outside_the_art2_categories_cannot_start_a_draft(friday, department):
    clerk = UserFactory(username="vanthu")
    position = PositionFactory(person=clerk, unit=department, category=Position.Category.OTHER, title="Văn thư")

    with pytest.raises(ValidationError) as error:
        proposal_create_draft(by=clerk, position=position, data={"title": "Không thuộc Điều 2"})

    assert error.value.code == "not_eligible"
    assert error.value.messages == [
        "Chức vụ “Văn thư” không thuộc đối tượng được đề xuất theo Điều 2 Nghị định 73/2023/NĐ-CP."
    ]
    assert not Proposal.objects.exists()


def test_a_draft_cannot_be_submitted_once_the_rules_no_longer_admit_its_category(friday, proposer, head):
    proposal = draft_proposal(proposer=proposer)  # a state leader (the persona's category)
    new_profile_version(eligible_categories=[Position.Category.PUBLIC_SERVICE_MANAGER])

    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=proposal, by=proposer)

    assert error.value.code == "not_eligible"
    assert _reload(proposal).status == Proposal.Status.DRAFT


def test_the_positions_eligible_to_propose_are_those_of_the_profile_categories(friday, department, proposer):
    PositionFactory(person=proposer, unit=department, category=Position.Category.OTHER, title="Thư ký hội đồng")
    profile = current_profile()

    eligible = positions_eligible_to_propose(user=proposer, profile=profile, on_date=friday)

    assert list(eligible) == [Position.objects.get(person=proposer, category=Position.Category.STATE_LEADER)]
    narrower = new_profile_version(eligible_categories=[Position.Category.ENTERPRISE])
    assert list(positions_eligible_to_propose(user=proposer, profile=narrower, on_date=friday)) == []


def test_only_the_proposer_edits_and_submits(friday, proposer, deputy, head):
    proposal = draft_proposal(proposer=proposer, co_authors=[deputy])
    assert list(proposal.co_authors.all()) == [deputy]

    for someone in (deputy, head):  # a co-author, the head
        with pytest.raises(PermissionDenied):
            proposal_update_draft(proposal=proposal, by=someone, data={"title": "Sửa hộ"})
        with pytest.raises(PermissionDenied):
            proposal_submit(proposal=proposal, by=someone)

    proposal = _reload(proposal)
    assert (proposal.status, proposal.title) == (Proposal.Status.DRAFT, complete_plan()["title"])


# --- Freezing, routing, dates, profile -----------------------------------------------------------------


def test_submission_freezes_version_1_with_the_plan_as_it_was(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)

    version = PlanVersion.objects.get(proposal=proposal)
    assert (version.number, version.submitted_by, proposal.current_version) == (1, proposer, 1)
    assert version.content_dict() == _reload(proposal).content_dict() == complete_plan()
    assert proposal.code == f"DX2026-{proposal.pk:06d}"


def test_a_submitted_plan_cannot_be_edited(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)

    with pytest.raises(ValidationError) as error:
        proposal_update_draft(proposal=proposal, by=proposer, data={"title": "Sửa sau khi nộp"})

    assert error.value.code == "frozen"
    assert _reload(proposal).title == complete_plan()["title"]


@pytest.mark.postgres
def test_on_postgresql_the_database_refuses_to_change_or_delete_a_frozen_version(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)
    versions = PlanVersion.objects.filter(proposal=proposal)

    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        versions.update(title="Sửa thẳng trong cơ sở dữ liệu")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        versions.delete()
    assert versions.get().title == complete_plan()["title"]


def test_route_a_goes_to_the_head_of_the_employing_unit(friday, proposer, head, secretariat, department, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = submitted_proposal(proposer=proposer)

    assert (proposal.route, proposal.decision_unit) == (Proposal.Route.A, department)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {head.pk, secretariat.pk}


def test_route_b_a_head_proposes_to_the_superior_unit_under_its_own_deadline(friday, head, superior_head, province, department, django_capture_on_commit_callbacks):
    new_profile_version(review_deadline_wd=7, superior_review_deadline_wd=3)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = submitted_proposal(proposer=head)

    assert (proposal.route, proposal.unit, proposal.decision_unit) == (Proposal.Route.B, department, province)
    # Three working days after Fri 13 Feb 2026, across Tết (14–22 Feb): 23, 24, 25 February.
    assert proposal.review_due == D(2026, 2, 25)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [superior_head.pk]


def test_route_b_when_the_head_co_authors_a_staff_members_plan(friday, head, superior_head, proposer, province, department):
    proposal = submitted_proposal(proposer=proposer, co_authors=[head])

    assert (proposal.route, proposal.decision_unit) == (Proposal.Route.B, province)


def test_route_b_goes_to_the_successor_when_the_parent_unit_has_ended(
    friday, commune_under_ended_district, province, superior_head, django_capture_on_commit_callbacks
):
    _district, commune = commune_under_ended_district
    chairman = UserFactory(username="chutichxa")
    PositionFactory(person=chairman, unit=commune, role=Position.Role.HEAD, title="Chủ tịch UBND xã")

    with django_capture_on_commit_callbacks(execute=True):
        proposal = submitted_proposal(proposer=chairman)

    assert (proposal.route, proposal.unit, proposal.decision_unit) == (Proposal.Route.B, commune, province)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [superior_head.pk]


def test_receipt_is_today_and_the_review_is_due_seven_working_days_later_across_tet(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)

    assert proposal.received_on == D(2026, 2, 13)
    # 23, 24, 25, 26, 27 February, 2 and 3 March: the nine days of Tết do not count.
    assert proposal.review_due == D(2026, 3, 3)


def test_a_proposal_keeps_the_profile_version_it_was_submitted_under(friday, proposer, head):
    first = submitted_proposal(proposer=proposer)
    v1 = first.profile
    v2 = new_profile_version(review_deadline_wd=10)

    later = submitted_proposal(proposer=proposer)

    first = _reload(first)
    assert (first.profile, first.review_due) == (v1, D(2026, 3, 3))
    assert (current_profile(), later.profile, later.review_due) == (v2, v2, D(2026, 3, 6))


def test_version_1_of_the_legal_profile_is_in_the_database_from_the_start(friday):
    profile = current_profile()
    assert (profile.pk is not None, profile.code, profile.version) == (True, "ND73_2023", 1)
    assert profile.eligible_categories == ["state_leader", "public_service_manager", "enterprise"]


def test_no_profile_is_made_up_where_none_is_in_force(friday, proposer, head):
    # Version 1 (from the data migration) is in force from 29/09/2023; nothing invents one before that day.
    with pytest.raises(LegalProfile.DoesNotExist):
        current_profile(on_date=D(2023, 9, 28))
    assert current_profile(on_date=D(2023, 9, 29)).version == 1

    proposal = submitted_proposal(proposer=proposer)
    assert proposal.profile == LegalProfile.objects.get()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", ["first", "after the first one flushed the database"])
def test_a_transaction_test_submits_under_version_1_even_after_a_flush(run, time_machine, proposer, head):
    # A flush takes the data migration's rows with it; tests/conftest.py puts version 1 back.
    at_friday_before_tet(time_machine)
    proposal = submitted_proposal(proposer=proposer)
    assert (proposal.profile.code, proposal.profile.version) == ("ND73_2023", 1)


def test_a_profile_version_names_at_least_one_eligible_category(friday):
    with pytest.raises(ValidationError) as error:
        LegalProfile(code="ND73_2023", version=2, eligible_categories=[]).clean()
    assert error.value.message_dict == {"eligible_categories": [NO_ELIGIBLE_CATEGORY]}



def test_the_profile_admin_form_requires_an_eligible_category(friday):
    v1 = current_profile()
    form = LegalProfileForm(data={**LegalProfileForm(instance=v1).initial, "eligible_categories": []}, instance=v1)

    assert form.fields["eligible_categories"].required
    assert not form.is_valid()
    assert form.errors == {"eligible_categories": [NO_ELIGIBLE_CATEGORY]}


@pytest.mark.postgres
def test_on_postgresql_the_database_refuses_to_change_or_delete_a_profile_version(friday):
    versions = LegalProfile.objects.filter(code="ND73_2023", version=1)

    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        versions.update(approval_threshold_percent=60)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        versions.delete()
    assert versions.get().approval_threshold_percent == 50
    # A change is the next version, which is an insert.
    assert new_profile_version(approval_threshold_percent=60).version == 2


@pytest.mark.postgres
def test_on_postgresql_the_database_refuses_a_proposal_born_past_the_draft(friday, proposer, head, department):
    position = position_of(proposer)
    routed = {
        "proposer": proposer, "proposer_position": position, "unit": department, "decision_unit": department,
        "profile": current_profile(), "received_on": friday, "review_due": D(2026, 3, 3), "title": "Lối tắt",
    }

    with pytest.raises(DatabaseError, match="Cannot insert"), transaction.atomic():
        Proposal.objects.create(status=Proposal.Status.APPROVED, **routed)
    with pytest.raises(DatabaseError, match="Cannot insert"), transaction.atomic():
        Proposal.objects.bulk_create([Proposal(status=Proposal.Status.SUBMITTED, **routed)])
    assert not Proposal.objects.exists()
    assert Proposal.objects.create(**routed).status == Proposal.Status.DRAFT


def test_a_proposer_whose_unit_has_no_head_cannot_submit(friday, proposer):
    proposal = draft_proposal(proposer=proposer)
    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=proposal, by=proposer)
    assert error.value.code == "no_decider"
    assert _reload(proposal).status == Proposal.Status.DRAFT


# --- Attachments -------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def _zip(entries: dict[str, str], stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, entries[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, text in entries.items():
            if name != stored_first:
                archive.writestr(name, text)
    return buffer.getvalue()


def _docx() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<w:document/>"})


def _xlsx() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "xl/workbook.xml": "<workbook/>"})


def _odt() -> bytes:
    return _zip(
        {"mimetype": "application/vnd.oasis.opendocument.text", "META-INF/manifest.xml": "<manifest/>", "content.xml": "<office/>"},
        stored_first="mimetype",
    )


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_pdf_is_stored_under_a_generated_name_with_its_size_and_digest(friday, proposer, media):
    proposal = draft_proposal(proposer=proposer)

    attachment = attachment_add(proposal=proposal, by=proposer, uploaded_file=_upload("../../Kế hoạch.pdf", PDF))

    attachment.refresh_from_db()
    assert (attachment.content_type, attachment.size, attachment.sha256) == (
        "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest()
    )
    assert attachment.file.name == f"attachments/{proposal.pk}/{attachment.storage_token}"
    assert len(attachment.storage_token) == 32
    stored = media / attachment.file.name
    assert stored.read_bytes() == PDF
    assert [path for path in media.rglob("*") if path.is_file()] == [stored]


def test_an_executable_renamed_pdf_is_refused(friday, proposer, media):
    proposal = draft_proposal(proposer=proposer)
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

    with pytest.raises(ValidationError) as error:
        attachment_add(proposal=proposal, by=proposer, uploaded_file=_upload("ke-hoach.pdf", exe))

    assert error.value.code == "bad_type"
    assert not Attachment.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_a_file_over_the_size_limit_is_refused(friday, proposer, media, settings):
    settings.ATTACHMENT_MAX_BYTES = len(PDF)
    proposal = draft_proposal(proposer=proposer)

    with pytest.raises(ValidationError) as error:
        attachment_add(proposal=proposal, by=proposer, uploaded_file=_upload("lon.pdf", PDF + b"\n"))
    assert error.value.code == "too_big"

    # Exactly at the limit is accepted.
    assert attachment_add(proposal=proposal, by=proposer, uploaded_file=_upload("vua.pdf", PDF)).size == len(PDF)


@pytest.mark.parametrize(
    ("build", "name", "content_type"),
    [
        (_docx, "ban-thuyet-minh.pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (_xlsx, "du-toan.docx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (_odt, "de-an", "application/vnd.oasis.opendocument.text"),
        (_png, "so-do.jpg", "image/png"),
    ],
    ids=["docx", "xlsx", "odt", "png"],
)
def test_office_documents_and_images_are_recognised_by_content_not_by_name(friday, proposer, media, build, name, content_type):
    proposal = draft_proposal(proposer=proposer)
    attachment = attachment_add(proposal=proposal, by=proposer, uploaded_file=_upload(name, build()))
    assert (attachment.content_type, attachment.original_name) == (content_type, name)


def _zip_with_every_entry(flag_bits: int = 0, method: int | None = None) -> bytes:
    """An ODT whose entries claim encryption or an unknown compression method (crafted upload)."""
    data = bytearray(_odt())
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        start = data.find(signature)
        while start >= 0:
            data[start + flag_at] |= flag_bits
            if method is not None:
                data[start + method_at:start + method_at + 2] = method.to_bytes(2, "little")
            start = data.find(signature, start + 4)
    return bytes(data)


@pytest.mark.parametrize(
    "content",
    [_zip({"notes.txt": "không phải văn bản"}), _zip_with_every_entry(flag_bits=1), _zip_with_every_entry(method=99)],
    ids=["plain-zip", "encrypted-entries", "unknown-compression"],
)
def test_other_or_crafted_zip_files_are_refused_not_crashed_on(friday, proposer, media, content):
    proposal = draft_proposal(proposer=proposer)
    with pytest.raises(ValidationError) as error:
        attachment_add(proposal=proposal, by=proposer, uploaded_file=_upload("tai-lieu.docx", content))
    assert error.value.code == "bad_type"


def test_a_zip_bomb_is_judged_without_inflating_it():
    # 64 MB of padding after the ODT mimetype squeezes into a few dozen kilobytes.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("mimetype", "w") as entry:
        entry.write(b"application/vnd.oasis.opendocument.text")
        for _ in range(64):
            entry.write(b" " * 1024 * 1024)
    upload = _upload("bom.odt", buffer.getvalue())

    tracemalloc.start()
    try:
        check_upload(upload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 4 * 1024 * 1024


def test_only_the_proposer_attaches_files(friday, proposer, deputy, media):
    proposal = draft_proposal(proposer=proposer, co_authors=[deputy])
    with pytest.raises(PermissionDenied):
        attachment_add(proposal=proposal, by=deputy, uploaded_file=_upload("a.pdf", PDF))


def test_submitted_attachments_are_evidence_and_cannot_be_removed(friday, proposer, head, media):
    proposal = draft_proposal(proposer=proposer)
    kept = attachment_add(proposal=proposal, by=proposer, uploaded_file=_upload("giu.pdf", PDF))
    dropped = attachment_add(proposal=proposal, by=proposer, uploaded_file=_upload("bo.pdf", PDF))
    attachment_remove(attachment=dropped, by=proposer)  # a draft's file can go
    proposal_submit(proposal=proposal, by=proposer)

    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert (kept.version, kept.removed_at) == (1, None)
    assert (dropped.version, dropped.removed_at is not None) == (None, True)
    with pytest.raises(ValidationError):
        attachment_remove(attachment=kept, by=proposer)
    with pytest.raises(ValidationError):
        attachment_add(proposal=proposal, by=proposer, uploaded_file=_upload("muon.pdf", PDF))

    # Reopened for revision, the plan is a draft again, but version 1's file still stays.
    proposal_return(proposal=proposal, by=head, reasons=REASONS)
    proposal_revise(proposal=proposal, by=proposer)
    with pytest.raises(ValidationError):
        attachment_remove(attachment=kept, by=proposer)
    kept.refresh_from_db()
    assert kept.removed_at is None


# --- Revision and resubmission (T7) -------------------------------------------------------------------


def test_revision_after_a_return_resubmits_as_version_2_and_keeps_version_1(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)
    proposal_return(proposal=proposal, by=head, reasons=REASONS)

    proposal_revise(proposal=proposal, by=proposer)
    assert _reload(proposal).status == Proposal.Status.DRAFT
    proposal_update_draft(proposal=proposal, by=proposer, data={"resources": "Kinh phí 800 triệu đồng, 8 công chức."})
    proposal_submit(proposal=proposal, by=proposer)

    proposal = _reload(proposal)
    assert (proposal.status, proposal.current_version) == (Proposal.Status.SUBMITTED, 2)
    versions = list(proposal.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].resources == complete_plan()["resources"]
    assert versions[1].resources == "Kinh phí 800 triệu đồng, 8 công chức." == proposal.resources


def test_revision_after_a_rejection_reopens_the_plan_for_a_new_version(friday, proposer, head, deputy):
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.AGAINST, deputy: Vote.Choice.AGAINST}, close=True)
    decision_reject(proposal=proposal, by=head, reasons=REASONS)

    proposal_revise(proposal=proposal, by=proposer)
    proposal_submit(proposal=proposal, by=proposer)

    proposal = _reload(proposal)
    assert (proposal.status, proposal.current_version, proposal.versions.count()) == (Proposal.Status.SUBMITTED, 2, 2)


def test_only_the_proposer_revises_and_only_after_a_return_or_rejection(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)
    with pytest.raises(ValidationError):
        proposal_revise(proposal=proposal, by=proposer)  # still waiting for the decision
    proposal_return(proposal=proposal, by=head, reasons=REASONS)
    with pytest.raises(PermissionDenied):
        proposal_revise(proposal=proposal, by=head)
    assert _reload(proposal).status == Proposal.Status.RETURNED


def test_submitting_twice_is_refused(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)
    with pytest.raises(ValidationError):
        proposal_submit(proposal=proposal, by=proposer)
    assert PlanVersion.objects.filter(proposal=proposal).count() == 1


# --- The evidence log ---------------------------------------------------------------------------------


def test_every_step_writes_an_audit_event_with_its_states_and_the_chain_verifies(friday, proposer, head, media):
    proposal = draft_proposal(proposer=proposer)
    proposal_update_draft(proposal=proposal, by=proposer, data={"scope": "Thí điểm tại thành phố Hạ Long."})
    attachment_add(proposal=proposal, by=proposer, uploaded_file=_upload("ke-hoach.pdf", PDF))
    proposal_submit(proposal=proposal, by=proposer)
    proposal_return(proposal=proposal, by=head, reasons=REASONS)
    proposal_revise(proposal=proposal, by=proposer)
    proposal_submit(proposal=proposal, by=proposer)

    events = list(AuditEvent.objects.for_object(proposal).order_by("seq"))
    assert [(e.action, e.actor, e.from_state, e.to_state) for e in events] == [
        ("create", proposer, "", "draft"),
        ("edit", proposer, "", ""),
        ("attach", proposer, "", ""),
        ("submit", proposer, "draft", "submitted"),
        ("return", head, "submitted", "returned"),
        ("revise", proposer, "returned", "draft"),
        ("submit", proposer, "draft", "submitted"),
    ]
    assert [e.payload.get("version") for e in events if e.action == "submit"] == [1, 2]
    assert events[3].payload["review_due"] == "2026-03-03"
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_a_refused_step_leaves_no_event(friday, proposer, head):
    proposal = proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "Chưa đủ"})
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        proposal_submit(proposal=proposal, by=proposer)
    assert AuditEvent.objects.count() == before


# --- Who sees what (README §6) ------------------------------------------------------------------------


@pytest.fixture
def scoped(friday, province, department, other_unit, proposer, head, deputy, secretariat, inspector, superior_head, outsider):
    draft = draft_proposal(proposer=proposer, title="Dự thảo chưa nộp")
    route_a = submitted_proposal(proposer=proposer, title="Trình Giám đốc Sở")
    route_b = submitted_proposal(proposer=head, title="Giám đốc Sở trình Chủ tịch tỉnh")
    return {"draft": draft, "route_a": route_a, "route_b": route_b}


def _visible(user, scoped) -> set[str]:
    names = {proposal.pk: name for name, proposal in scoped.items()}
    return {names[pk] for pk in Proposal.objects.visible_to(user).values_list("pk", flat=True)}


def test_the_proposer_sees_their_own_drafts_and_submissions(scoped, proposer):
    assert _visible(proposer, scoped) == {"draft", "route_a"}


def test_a_co_author_sees_the_draft_they_write_with(scoped, proposer, deputy2):
    proposal_update_draft(proposal=scoped["draft"], by=proposer, data={}, co_authors=[deputy2])
    assert "draft" in _visible(deputy2, scoped)


def test_head_deputy_and_secretariat_of_the_unit_see_submitted_proposals_not_drafts(scoped, head, deputy, secretariat):
    assert _visible(deputy, scoped) == {"route_a", "route_b"}
    assert _visible(secretariat, scoped) == {"route_a", "route_b"}
    assert _visible(head, scoped) == {"route_a", "route_b"}  # route_b is the head's own


def test_the_superior_head_sees_what_was_sent_up_to_them_only(scoped, superior_head):
    assert _visible(superior_head, scoped) == {"route_b"}


def test_the_provincial_inspector_sees_submissions_in_the_subtree(scoped, inspector):
    assert _visible(inspector, scoped) == {"route_a", "route_b"}


def test_an_outsider_sees_nothing_and_an_anonymous_visitor_gets_an_empty_queryset(scoped, outsider):
    assert _visible(outsider, scoped) == set()
    assert not Proposal.objects.visible_to(AnonymousUser()).exists()


def test_a_proposal_outside_the_scope_is_the_same_404_as_one_that_does_not_exist(scoped, proposer, outsider):
    route_a = scoped["route_a"]
    assert proposal_for_user(user=proposer, pk=route_a.pk) == route_a
    for user, pk in ((outsider, route_a.pk), (proposer, scoped["route_b"].pk), (proposer, 0)):
        with pytest.raises(Http404):
            proposal_for_user(user=user, pk=pk)


def test_a_former_deputy_no_longer_sees_the_unit_proposals(scoped, department):
    former = UserFactory(username="phogiamdoc-cu")
    PositionFactory(person=former, unit=department, role=Position.Role.DEPUTY, start_date=D(2020, 1, 1), end_date=D(2026, 2, 12))
    assert _visible(former, scoped) == set()


# --- Due badges (README §4) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2026, 2, 26), DueState.ON_TIME),  # due Tue 3 Mar is 3 working days away
        (D(2026, 2, 27), DueState.DUE_SOON),  # 2 working days away (the profile's due_soon_wd)
        (D(2026, 3, 3), DueState.DUE_SOON),  # the due date itself is still on time, but soon
        (D(2026, 3, 4), DueState.OVERDUE),
    ],
)
def test_due_badges_around_the_review_due_date(friday, proposer, head, today, state):
    proposal = submitted_proposal(proposer=proposer)
    assert proposal.review_due == D(2026, 3, 3)

    badges = DueBadges(today=today)

    assert badges.state(due=proposal.review_due, soon_wd=proposal.profile.due_soon_wd) == state
    assert badges.state(due=None, soon_wd=2) is None


def test_due_badges_default_to_today_in_hanoi(friday):
    # Fri 13 Feb 2026: due Mon 23 Feb is 1 working day away across Tết, so it is due soon.
    assert DueBadges().state(due=D(2026, 2, 23), soon_wd=2) == DueState.DUE_SOON
    assert DueBadges().state(due=D(2026, 2, 26), soon_wd=2) == DueState.ON_TIME


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (Proposal.Status.SUBMITTED, DueState.OVERDUE),
        # Art. 8(1): the deadline is for holding the meeting. Once the collective has met, the proposal is
        # not late while the vote is closed and the decision prepared.
        (Proposal.Status.IN_REVIEW, None),
        (Proposal.Status.COLLECTIVE_PASSED, None),
        (Proposal.Status.COLLECTIVE_FAILED, None),
        (Proposal.Status.RETURNED, None),
    ],
)
def test_the_review_deadline_runs_only_until_the_collective_meets(friday, proposer, head, deputy, status, state):
    proposal = drive_to(status, proposer=proposer, head=head, deputy=deputy)
    assert proposal.review_due == D(2026, 3, 3)

    assert due_state(DueBadges(today=D(2026, 3, 4)), proposal) == state


def test_an_adjourned_meeting_puts_the_review_deadline_back_on(friday, proposer, head, deputy):
    proposal = drive_to(Proposal.Status.IN_REVIEW, proposer=proposer, head=head, deputy=deputy)
    meeting_adjourn(meeting=proposal.meetings.get(), by=head, reason="Thiếu số thành viên dự họp.")

    assert due_state(DueBadges(today=D(2026, 3, 4)), _reload(proposal)) == DueState.OVERDUE


# --- The transition table decides what is allowed where ----------------------------------------------------


def test_the_table_answers_which_actions_a_status_allows():
    S, A = Proposal.Status, Action
    assert allowed_actions(S.DRAFT) == {A.SUBMIT}
    assert allowed_actions(S.SUBMITTED) == {A.RETURN, A.OPEN_MEETING}
    assert allowed_actions(S.COLLECTIVE_FAILED) == {A.RETURN, A.OVERRIDE, A.REJECT}
    assert allowed_actions(S.APPROVED) == set()
    assert can(S.RETURNED, A.REVISE) and can(S.REJECTED, A.REVISE) and not can(S.SUBMITTED, A.REVISE)
    assert EDITABLE_STATUSES == {S.DRAFT}
    assert AWAITING_PROPOSER == {S.DRAFT, S.RETURNED, S.REJECTED}
    assert AWAITING_DECISION == {S.SUBMITTED, S.IN_REVIEW, S.COLLECTIVE_PASSED, S.COLLECTIVE_FAILED}
    assert REVIEW_DEADLINE_RUNNING == {S.SUBMITTED}


@pytest.mark.parametrize(
    ("status", "override_allowed", "expected"),
    [
        (Proposal.Status.IN_REVIEW, True, "Kết thúc biểu quyết tại cuộc họp"),
        (Proposal.Status.COLLECTIVE_PASSED, True, "Ban hành quyết định cho triển khai thực hiện"),
        (Proposal.Status.COLLECTIVE_FAILED, True,
         "Người đứng đầu quyết định cho triển khai hoặc không chấp thuận (nêu rõ lý do)"),
        (Proposal.Status.COLLECTIVE_FAILED, False, "Không chấp thuận (nêu rõ lý do) hoặc trả lại để bổ sung, làm rõ"),
    ],
)
def test_the_inbox_names_the_next_step_the_table_allows(friday, proposer, head, deputy, status, override_allowed, expected):
    if not override_allowed:
        new_profile_version(override_allowed=False)
    drive_to(status, proposer=proposer, head=head, deputy=deputy)

    [item] = inbox_for(user=head, today=friday)["to_decide"]

    assert str(item.expected) == expected
