"""The review of November 2026 on the proposer's side (review-register-decide.md): the Art. 1 question (D-2), the
Art. 4(2) declaration (D-5), the complete Art. 5(1) wording (D-6), returns named and counted (D-8), the plan as a
document (D-9), profiles that say why (D-10), the parts a profile may require (D-11), the Art. 8(2) flag (D-15),
routing by cadre-management authority (D-16) and the corrected terms (finding 11).

Personas come from tests/conftest.py: `proposer` (Trưởng phòng on the staff of Sở Nội vụ), `head` (Giám đốc),
`deputy`, `deputy2`, `secretariat` of that department under the province's People's Committee (`superior_head`,
Chủ tịch), `outsider` (Sở Tài chính), `admin_user`. The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội
(tests/proposals/helpers.py).
"""

import datetime
import json
import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import OrgUnit, Position
from approvals.models import Decision, Vote
from approvals.services import proposal_return
from core.documents import DocumentRenderError, authority_line, issuer_name
from core.models import AuditEvent
from proposals import documents, services
from proposals.models import LegalProfile, PlanContent, PlanDocument, PlanVersion, Proposal
from proposals.profiles import SETTINGS_FIELDS, legal_profile_new_version
from proposals.tasks import issue_plan
from proposals.transitions import Status
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.lifecycle import (
    INCOMPLETE,
    REASONS,
    as_,
    complete_plan,
    draft_proposal,
    fresh,
    meeting_with_votes,
    new_profile_version,
    pdf_text,
    plans_issued,
    sha256,
    submitted_proposal,
)
from tests.proposals.helpers import NOW, form_data, url

pytestmark = pytest.mark.frozen_at(NOW)  # `plan_pdf` / `real_pdf` on the tests that read the plan or a letter

ART5_C = ("(c) Xuất phát từ yêu cầu cấp thiết của thực tiễn; không gây phương hại đến quốc phòng, an ninh, trật tự, "
          "an toàn xã hội và không cản trở sự phát triển của địa phương, cơ quan, đơn vị khác")
ART5_B = ("(b) Vì lợi ích chung, mang lại giá trị, hiệu quả thiết thực, tạo sự chuyển biến, đóng góp tích cực vào sự "
          "phát triển chung của đất nước, địa phương, cơ quan, đơn vị")
PILOT_QUESTION = "Kết quả của đề xuất có phải là ban hành văn bản quy phạm pháp luật theo hình thức thí điểm không?"
COMPETENCE = ("Đề xuất thuộc thẩm quyền quyết định của cơ quan, đơn vị; không trái quy định của Đảng, pháp luật, văn "
              "bản của cơ quan nhà nước cấp trên và điều ước quốc tế mà Việt Nam là thành viên")


def submit_errors(proposal, by) -> dict:
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, by=by)
    return error.value.message_dict


# --- D-2, Art. 1: the plan asks whether its result is a pilot legal normative document ------------------------


def test_the_plan_form_asks_the_art1_question_with_yes_and_no(proposer, draft):
    """Art. 1 [C] (D-2): the question is on the plan, unanswered until the proposer picks "Có" or "Không"."""
    form = as_(proposer).get(url("edit", draft.pk)).context["form"]
    field = form["pilot_legal_document"]
    assert field.label == PILOT_QUESTION
    assert [str(label) for _value, label in field.field.widget.choices] == ["Có", "Không"]
    assert 'type="radio"' in str(field)


def test_submission_needs_an_answer_to_the_art1_question(proposer, head):
    """Art. 1 [C] (D-2): not answering is as missing as any required part; nothing is submitted."""
    proposal = draft_proposal(proposer=proposer, pilot_legal_document=None)

    errors = submit_errors(proposal, proposer)

    assert set(errors) == {"pilot_legal_document"}
    assert "Điều 1" in errors["pilot_legal_document"][0]
    assert (fresh(proposal).status, PlanVersion.objects.count()) == (Status.DRAFT, 0)


def test_a_pilot_legal_normative_document_is_refused_with_the_procedure_that_applies(proposer, head):
    """Art. 1 [C] (D-2): issuing a legal normative document on a pilot basis follows the Law on Promulgation of Legal
    Documents (64/2025/QH15) and the Government's Working Regulation, not Decree 73: submission is refused, saying so."""
    proposal = draft_proposal(proposer=proposer, pilot_legal_document=True)

    [message] = submit_errors(proposal, proposer)["pilot_legal_document"]

    assert "Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15" in message
    assert "Quy chế làm việc của Chính phủ" in message and "Điều 1" in message
    assert (fresh(proposal).status, PlanVersion.objects.count(), PlanDocument.objects.count()) == (Status.DRAFT, 0, 0)


def test_the_page_explains_the_refusal_next_to_the_question_and_keeps_the_answer(proposer, head, draft):
    """Art. 1 [C] (D-2): from the edit page, "Có" is saved as typed and the reason is shown next to the question."""
    response = as_(proposer).post(url("submit", draft.pk), form_data(complete_plan(pilot_legal_document=True)))

    assert response.status_code == 200
    assert "64/2025/QH15" in response.context["form"].errors["pilot_legal_document"][0]
    draft.refresh_from_db()
    assert (draft.status, draft.pilot_legal_document) == (Status.DRAFT, True)


def test_the_answer_no_from_the_page_submits(proposer, head):
    """Art. 1 [C] (D-2): "Không" is an answer; the detail page's submit button reads the saved draft the same way."""
    draft = draft_proposal(proposer=proposer, pilot_legal_document=None)
    as_(proposer).post(url("edit", draft.pk), form_data(complete_plan()))
    assert fresh(draft).pilot_legal_document is False

    assert as_(proposer).post(url("submit", draft.pk)).status_code == 302
    assert fresh(draft).status == Status.SUBMITTED


# --- D-5, Art. 4(2): the proposer declares competence and conformity ---------------------------------------------


def test_submission_needs_the_competence_declaration(proposer, head, draft):
    """Art. 4(2) [C] (D-5): protection presupposes a decision within the unit's competence, not contrary to Party rules
    and higher law: the proposer declares it (the Art. 4(2) text) before submitting."""
    assert as_(proposer).get(url("edit", draft.pk)).context["form"]["competence_declared"].label == COMPETENCE
    services.proposal_update_draft(proposal=draft, by=proposer, data={"competence_declared": False})

    errors = submit_errors(draft, proposer)

    assert set(errors) == {"competence_declared"}
    assert "Điều 4 khoản 2" in errors["competence_declared"][0]
    services.proposal_update_draft(proposal=draft, by=proposer, data={"competence_declared": True})
    assert services.proposal_submit(proposal=draft, by=proposer).status == Status.SUBMITTED
    assert PlanVersion.objects.get(proposal=draft).competence_declared is True


# --- D-6, Art. 5(1): the complete wording of (b) and (c) ------------------------------------------------------------


def test_the_art5_checklist_declares_b_and_c_in_the_decrees_full_words(proposer, head, draft):
    """Art. 5(1)(b), (c) [C] (D-6): "trật tự, an toàn xã hội", "không cản trở sự phát triển của … khác" and the
    whole of (b), on the form the proposer ticks and on the page everyone reads."""
    edit = as_(proposer).get(url("edit", draft.pk)).content.decode()
    assert ART5_B in edit and ART5_C in edit

    services.proposal_submit(proposal=draft, by=proposer)
    detail = as_(head).get(url("detail", draft.pk)).content.decode()
    assert ART5_B in detail and ART5_C in detail


# --- D-8: a return names the incomplete contents and is counted -----------------------------------------------------


def test_a_return_before_any_meeting_must_name_the_incomplete_contents(proposer, head, submitted):
    """D-8, Art. 6(3) [C]: a return before the collective meets is about the plan's completeness (Art. 7(2)), so it
    names at least one content; anything not in the plan is refused; a refused return changes nothing."""
    for items in ([], ["not_a_field"], ["wide_scope"]):
        with pytest.raises(ValidationError) as error:
            proposal_return(proposal=submitted, by=head, reasons=REASONS, incomplete_items=items)
        assert set(error.value.message_dict) == {"incomplete_items"}, items

    proposal = fresh(submitted)
    assert (proposal.status, proposal.returns_count, Decision.objects.count()) == (Status.SUBMITTED, 0, 0)


def test_each_return_is_counted_and_keeps_its_items_in_the_plans_order(proposer, head, submitted):
    """D-8: the items are stored on the letter (in the plan's order) and every return adds one to the proposal's
    count, which its page shows."""
    letter = proposal_return(proposal=submitted, by=head, reasons=REASONS, incomplete_items=["resources", "scope"])
    assert letter.incomplete_items == ["scope", "resources"]
    assert fresh(submitted).returns_count == 1

    services.proposal_revise(proposal=submitted, by=proposer)
    services.proposal_submit(proposal=submitted, by=proposer)
    proposal_return(proposal=submitted, by=head, reasons=REASONS, incomplete_items=["feasibility"])

    assert fresh(submitted).returns_count == 2
    page = as_(proposer).get(url("detail", submitted.pk)).content.decode()
    assert "Số lần trả lại để bổ sung, làm rõ" in page
    assert '<dd class="col-sm-8">2</dd>' in page


def test_a_return_after_the_collective_failed_it_may_name_no_item(proposer, head, deputy, submitted):
    """D-8: after a meeting the collective has reviewed the plan; the items are then optional, the count still grows."""
    meeting_with_votes(proposal=submitted, by=head, votes={head: Vote.Choice.AGAINST, deputy: Vote.Choice.AGAINST},
                       close=True)

    letter = proposal_return(proposal=submitted, by=head, reasons=REASONS)

    assert letter.incomplete_items == []
    assert (fresh(submitted).status, fresh(submitted).returns_count) == (Status.RETURNED, 1)


def test_the_return_form_offers_the_plans_contents_and_the_page_refuses_none(proposer, head, submitted):
    """D-8: the head ticks the incomplete contents on the return form; none before a meeting is refused next to them."""
    client = as_(head)
    target = reverse("approvals:proposal_return", args=[submitted.pk])

    refused = client.post(target, {"return-reasons": REASONS})
    assert refused.status_code == 200
    assert "incomplete_items" in refused.context["offer"].form.errors

    done = client.post(target, {"return-reasons": REASONS, "return-incomplete_items": ["scope", "milestones"]})
    assert done.status_code == 302
    assert Decision.objects.get(kind=Decision.Kind.RETURN).incomplete_items == ["scope", "milestones"]


@pytest.mark.real_pdf
def test_the_return_letter_lists_the_incomplete_contents(proposer, head, submitted):
    """D-8: the letter the proposer receives names the contents to complete, with the reasons."""
    letter = proposal_return(proposal=submitted, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)

    text = pdf_text(as_(proposer).get(reverse("approvals:decision_pdf", args=[submitted.pk, letter.pk])).content)

    assert "Nguồn lực bảo đảm (kinh phí, nhân lực, cơ sở vật chất)" in text
    assert "Chủ thể thực hiện, đối tượng tác động" in text
    assert REASONS in text


# --- D-9: the plan as a document, one per submitted version ---------------------------------------------------


@pytest.mark.plan_pdf
def test_submission_issues_the_plan_as_a_decree_30_document_kept_with_its_hash(
    proposer, head, draft, private_media, celery_eager, django_capture_on_commit_callbacks
):
    """D-9, documents.md (Registration: the plan, signed by the proposer): rendered once for the submission, on the
    documents queue once it has committed (issue 10), stored with its SHA-256, the digest in the hash-chained
    "plan_issued" event. The header is the proposer's unit (its lines as core.documents.header prints them), the
    addressee the head the plan is sent to (Art. 7(3))."""
    with django_capture_on_commit_callbacks() as callbacks:
        submitted = services.proposal_submit(proposal=draft, by=proposer)
    document = PlanDocument.objects.get(version__proposal=submitted, version__number=1)
    assert (document.pdf.name, document.pdf_sha256) == ("", "")  # nothing rendered before the commit
    for callback in callbacks:
        callback()
    document.refresh_from_db()
    content = (private_media / document.pdf.name).read_bytes()
    assert content.startswith(b"%PDF") and document.pdf_sha256 == sha256(content)
    issued_event = AuditEvent.objects.for_object(document).get(action=documents.ISSUED_ACTION)
    assert issued_event.payload == {"proposal": submitted.pk, "version": 1, "plan_sha256": document.pdf_sha256}

    text = pdf_text(content)
    position = Position.objects.get(person=proposer)
    for expected in (
        "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "ngày 10 tháng 3 năm 2026", "KẾ HOẠCH", "Đề xuất đổi mới, sáng tạo", complete_plan()["title"],
        f"Kính gửi: Đồng chí {head.get_full_name()}, {authority_line('Giám đốc', issuer_name(submitted.unit))}.",
        "khoản 3 Điều 7 và khoản 1 Điều 8 Nghị định số 73/2023/NĐ-CP", "Căn cứ Nghị định số 73/2023/NĐ-CP",
        f"Mã hồ sơ {submitted.code}, phiên bản số 1",
        complete_plan()["necessity"], complete_plan()["content_solutions"], "01/04/2026", "31/12/2026",
        ART5_C, COMPETENCE, "Có (đã xác nhận)", "NGƯỜI ĐỀ XUẤT", position.title, proposer.get_full_name(),
    ):
        assert expected in text, expected
    # The Art. 1 answer is printed with its question's statement.
    assert "Kết quả của đề xuất là ban hành văn bản quy phạm pháp luật theo hình thức thí điểm: Không" in text
    # The proposer's own paper: no register number of the unit.
    assert "Số:" not in text


@pytest.mark.plan_pdf
def test_a_heads_own_plan_is_sent_to_the_superior_under_the_route_b_clauses(head, superior_head, province):
    """D-3, D-9, Art. 7(4): a head's plan goes to the head of the superior body; it cites the profile's route-B
    clauses ("khoản 4 Điều 7 và Điều 8"), not Art. 8(1)."""
    proposal = submitted_proposal(proposer=head)
    plans_issued()

    text = pdf_text(PlanDocument.objects.get(version__proposal=proposal).pdf.read())

    assert "khoản 4 Điều 7 và Điều 8 Nghị định số 73/2023/NĐ-CP" in text
    addressee = authority_line("Chủ tịch", issuer_name(province))
    assert f"Kính gửi: Đồng chí {superior_head.get_full_name()}, {addressee}." in text


@pytest.mark.plan_pdf
def test_version_1_stays_readable_with_its_own_pdf_after_a_revision(proposer, head, submitted):
    """D-9: each submitted version has its page and its PDF as issued; revising makes version 2, version 1 stays."""
    proposal_return(proposal=submitted, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)
    services.proposal_revise(proposal=submitted, by=proposer)
    services.proposal_update_draft(proposal=submitted, by=proposer, data={"title": "Tên đề xuất sau khi bổ sung"})
    services.proposal_submit(proposal=submitted, by=proposer)
    plans_issued()
    first, second = PlanDocument.objects.filter(version__proposal=submitted).order_by("version__number")
    client = as_(head)

    detail = client.get(url("detail", submitted.pk)).content.decode()
    assert url("version", submitted.pk, 1) in detail and url("version", submitted.pk, 2) in detail
    page = client.get(url("version", submitted.pk, 1))
    assert page.status_code == 200
    html = page.content.decode()
    assert complete_plan()["title"] in html and "Tên đề xuất sau khi bổ sung" not in html
    assert url("version_pdf", submitted.pk, 1) in html and first.pdf_sha256 in html

    old = client.get(url("version_pdf", submitted.pk, 1))
    new = client.get(url("version_pdf", submitted.pk, 2))
    assert sha256(old.content) == first.pdf_sha256 and sha256(new.content) == second.pdf_sha256
    assert first.pdf_sha256 != second.pdf_sha256
    assert complete_plan()["title"] in pdf_text(old.content)
    assert "Tên đề xuất sau khi bổ sung" in pdf_text(new.content)
    assert old["Content-Disposition"].startswith(f'attachment; filename="KH-{submitted.code}-v1.pdf"')


def test_a_version_page_and_its_pdf_follow_the_proposals_scope(proposer, head, outsider, submitted):
    """D-9, spec README §6: whoever may not see the proposal gets a 404, as for a version that does not exist."""
    for target in (url("version", submitted.pk, 1), url("version_pdf", submitted.pk, 1)):
        assert as_(outsider).get(target).status_code == 404
        assert as_(proposer).get(target).status_code == 200
    assert as_(head).get(url("version", submitted.pk, 2)).status_code == 404


@pytest.mark.plan_pdf
def test_the_plan_pdf_is_served_as_stored_or_marked_when_regenerated(proposer, head, submitted, monkeypatch, caplog):
    """D-9, spec README §6: never rendered again in the original's place; a missing file is a marked copy recorded
    in the audit log; a file that no longer matches its hash is not served (409)."""
    plans_issued()
    document = PlanDocument.objects.get(version__proposal=submitted)

    def render_again(*args, **kwargs):
        raise AssertionError("an issued plan was rendered again")

    with monkeypatch.context() as patch:
        patch.setattr(documents, "render_pdf", render_again)
        assert as_(head).get(url("version_pdf", submitted.pk, 1)).status_code == 200

    document.pdf.storage.delete(document.pdf.name)
    with caplog.at_level(logging.WARNING, logger="core.documents"):
        copy = as_(head).get(url("version_pdf", submitted.pk, 1))
    assert copy["Content-Disposition"].startswith('attachment; filename="ban-tai-tao-KH-')
    assert "BẢN TÁI TẠO" in pdf_text(copy.content)
    assert AuditEvent.objects.for_object(document).get(action="pdf_regenerated").actor == head

    with document.pdf.storage.open(document.pdf.name, "wb") as handle:
        handle.write(b"%PDF-1.4 altered")
    with caplog.at_level(logging.ERROR, logger="core.documents"):
        assert as_(head).get(url("version_pdf", submitted.pk, 1)).status_code == 409


def test_a_plan_that_cannot_be_rendered_yet_stays_submitted_and_is_issued_once_it_can(proposer, head, draft, monkeypatch):
    """D-9, issue 10: the submission no longer waits for the PDF, so a renderer that fails (WeasyPrint or the font
    missing) does not refuse it; the version page says its document is being issued, the download answers 503 with
    a clear page (no 500, no copy in the original's place), and the sweep issues it once rendering works."""
    def no_pango(*args, **kwargs):
        raise DocumentRenderError("Pango is not installed")

    response = as_(proposer).post(url("submit", draft.pk), form_data(complete_plan()))
    assert response.status_code == 302 and fresh(draft).status == Status.SUBMITTED
    document = PlanDocument.objects.get(version__proposal=draft, version__number=1)
    with monkeypatch.context() as patch:
        patch.setattr(documents, "render_pdf", no_pango)
        with pytest.raises(DocumentRenderError):
            issue_plan(document.pk)  # the queue's task fails: Celery logs it, the sweep tries again
        page = as_(head).get(url("version", draft.pk, 1)).content.decode()
        assert "Văn bản kế hoạch đang được lập" in page
        pending = as_(head).get(url("version_pdf", draft.pk, 1))
        assert pending.status_code == 503 and pending["Retry-After"] == "300"
        assert "Văn bản kế hoạch đang được lập" in pending.content.decode()
        assert documents.plan_issue_overdue(older_than=datetime.timedelta(0)) == 0
    document.refresh_from_db()
    assert (document.pdf.name, document.pdf_sha256) == ("", "")
    assert not AuditEvent.objects.for_object(document).exists()

    assert documents.plan_issue_overdue(older_than=datetime.timedelta(0)) == 1
    document.refresh_from_db()
    assert as_(head).get(url("version_pdf", draft.pk, 1)).content == document.pdf.open("rb").read()
    assert "đang được lập" not in as_(head).get(url("version", draft.pk, 1)).content.decode()


def test_issuing_a_plan_twice_keeps_the_first_file_its_hash_and_one_event(proposer, submitted, monkeypatch):
    """Issue 10: the task may run twice (acks_late, the sweep, a download at the same moment): the row's lock and
    the stored file make every later call a no-op, never a second rendering or a second event."""
    document = PlanDocument.objects.get(version__proposal=submitted)
    issue_plan(document.pk)
    document.refresh_from_db()
    first = (document.pdf.name, document.pdf_sha256)

    def render_again(*args, **kwargs):
        raise AssertionError("an issued plan was rendered again")

    monkeypatch.setattr(documents, "render_pdf", render_again)
    issue_plan(document.pk)
    assert documents.plan_issue_overdue(older_than=datetime.timedelta(0)) == 0
    document.refresh_from_db()
    assert (document.pdf.name, document.pdf_sha256) == first
    assert AuditEvent.objects.for_object(document).filter(action=documents.ISSUED_ACTION).count() == 1


@pytest.mark.plan_pdf
def test_revising_issues_the_waiting_plan_before_anything_it_prints_can_change(proposer, head, submitted):
    """Issue 10: version 1's plan prints the co-authors, the route and the profile, which the next version may
    change: reopening the plan issues it first if the queue has not yet, from version 1 as it stands."""
    proposal_return(proposal=submitted, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)
    document = PlanDocument.objects.get(version__proposal=submitted)
    assert not document.pdf

    services.proposal_revise(proposal=submitted, by=proposer)

    document.refresh_from_db()
    assert document.pdf and document.pdf_sha256 == sha256(document.pdf.open("rb").read())
    assert complete_plan()["title"] in pdf_text(document.pdf.open("rb").read())


# --- D-10: a profile version says why, and confirms a departure from the decree ----------------------------------


def admin_change(profile) -> str:
    return reverse("admin:proposals_legalprofile_change", args=[profile.pk])


def profile_form(profile: LegalProfile, **changes) -> dict:
    """The admin form as the newest version fills it (booleans ticked only when true), with `changes`."""
    data = {}
    for name in SETTINGS_FIELDS:
        value = getattr(profile, name)
        if name in ("legal_basis", "deviation_confirmed"):
            continue  # stated anew on every version: empty on the form
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime.date):
            data[name] = value.strftime("%d/%m/%Y")
        elif name == "reminder_offsets_wd":
            data[name] = data[f"initial-{name}"] = json.dumps(value)
        else:
            data[name] = list(value) if isinstance(value, list) else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


BASIS = "Quyết định số 12/2026/QĐ-UBND ngày 02/3/2026 của Ủy ban nhân dân tỉnh Quảng Ninh"


def test_a_new_profile_version_states_its_legal_basis(admin_user, db):
    """D-10: every new version records on what legal basis it stands; without one, nothing is created."""
    v1 = LegalProfile.objects.get()
    client = as_(admin_user)

    refused = client.post(admin_change(v1), profile_form(v1, quorum_percent=50))
    assert refused.status_code == 200
    assert "legal_basis" in refused.context["adminform"].form.errors
    assert LegalProfile.objects.count() == 1

    created = client.post(admin_change(v1), profile_form(v1, quorum_percent=50, legal_basis=BASIS))
    v2 = LegalProfile.objects.get(version=2)
    assert created.status_code == 302 and (v2.quorum_percent, v2.legal_basis) == (50, BASIS)
    event = AuditEvent.objects.get(action="legal_profile_new_version")
    assert (event.payload["legal_basis"], event.payload["deviations"]) == (BASIS, [])
    with pytest.raises(ValidationError) as error:
        legal_profile_new_version(base=v2, by=admin_user, changes={"quorum_percent": 60})
    assert set(error.value.message_dict) == {"legal_basis"}


@pytest.mark.parametrize(("change", "shown"), [
    ({"tie_rule": LegalProfile.TieRule.FAIL}, "khi số phiếu tán thành và không tán thành ngang nhau: Không thông qua"),
    ({"approval_threshold_percent": 60}, "tỷ lệ tán thành phải trên (%): 60"),
    ({"override_allowed": False}, "người đứng đầu được quyết định khi tập thể không thông qua: Không"),
    ({"consultation_required": False}, "xin ý kiến cấp ủy trước khi phê duyệt: Không"),
])
def test_a_value_other_than_the_decrees_needs_a_confirmation_and_shows_as_a_deviation(admin_user, db, change, shown):
    """D-10, Art. 8(1) and Art. 4(3) [C]: changing the tie rule, the threshold (≠ 50 %), the override (off) or the
    consultation (off) is confirmed explicitly, and the version's pages say "Khác với Nghị định 73"."""
    v1 = LegalProfile.objects.get()
    client = as_(admin_user)

    refused = client.post(admin_change(v1), profile_form(v1, legal_basis=BASIS, **change))
    assert refused.status_code == 200
    assert "deviation_confirmed" in refused.context["adminform"].form.errors
    assert LegalProfile.objects.count() == 1

    assert client.post(admin_change(v1), profile_form(v1, legal_basis=BASIS, deviation_confirmed=True, **change)).status_code == 302
    v2 = LegalProfile.objects.get(version=2)
    assert v2.deviation_confirmed
    for version in (v2, v1):  # the newest one's form, and the older one read-only
        assert client.get(admin_change(version)).status_code == 200
    html = client.get(admin_change(v2)).content.decode()
    assert "Khác với Nghị định 73" in html and shown in html and BASIS in html
    changelist = client.get(reverse("admin:proposals_legalprofile_changelist")).content.decode()
    assert "Khác với Nghị định 73" in changelist and shown in changelist


def test_a_confirmation_is_not_inherited_by_the_next_version(admin_user, db):
    """D-10: each version confirms its own departures; the next one, still at 60 %, confirms again."""
    v1 = LegalProfile.objects.get()
    v2 = legal_profile_new_version(base=v1, by=admin_user, changes={
        "approval_threshold_percent": 60, "legal_basis": BASIS, "deviation_confirmed": True,
    })

    with pytest.raises(ValidationError) as error:
        legal_profile_new_version(base=v2, by=admin_user, changes={"quorum_percent": 50, "legal_basis": BASIS})

    assert set(error.value.message_dict) == {"deviation_confirmed"}
    assert "tỷ lệ tán thành phải trên (%)" in error.value.message_dict["deviation_confirmed"][0]
    assert LegalProfile.objects.count() == 2


# --- D-11: a field, milestones and indicators only where the profile asks --------------------------------------


@pytest.mark.parametrize(("part", "setting"), [
    ("field", "require_field"), ("milestones", "require_milestones"), ("indicators", "require_indicators"),
])
def test_a_field_milestones_and_indicators_are_required_only_where_the_profile_says(proposer, head, part, setting):
    """D-11 [I], Art. 7(2): the decree asks for the time and the expected results, not a field of work, milestones or
    measurable indicators; a profile may require each (default: not)."""
    assert submitted_proposal(proposer=proposer, **{part: ""}).status == Status.SUBMITTED

    new_profile_version(**{setting: True})
    proposal = draft_proposal(proposer=proposer, **{part: ""})
    assert set(submit_errors(proposal, proposer)) == {part}
    assert part in services.required_for_submission(LegalProfile.objects.get(version=2))


# --- D-15, Art. 8(2): the wide-scope flag ------------------------------------------------------------------------


def test_the_proposer_flags_a_wide_scope_plan_and_the_deciding_unit_sees_it(proposer, head, draft):
    """Art. 8(2) [P] (D-15): a plan of wide scope or complex content is flagged on the form; the proposal page shows a
    badge and the deciding panel mentions it, read-only."""
    assert "wide_scope" in as_(proposer).get(url("edit", draft.pk)).context["form"].fields
    as_(proposer).post(url("edit", draft.pk), form_data(complete_plan(wide_scope=True)))
    services.proposal_submit(proposal=draft, by=proposer)
    assert PlanVersion.objects.get(proposal=draft).wide_scope is True

    page = as_(head).get(url("detail", draft.pk)).content.decode()
    assert "Phạm vi rộng, nội dung phức tạp (khoản 2 Điều 8)" in page
    assert "Cán bộ đề xuất đánh dấu đề xuất có phạm vi rộng, nội dung phức tạp" in page


# --- D-16: routing by cadre-management authority ---------------------------------------------------------------


@pytest.fixture
def cadre_authority(province, department):
    """A body that manages the department's cadres (HCMC practice), with its head; the department points to it."""
    authority = OrgUnitFactory(code="BTC-QN", name="Ban Tổ chức Tỉnh ủy Quảng Ninh", abbreviation="BTCTU", parent=province)
    PositionFactory(person=UserFactory(username="truongban"), unit=authority, role=Position.Role.HEAD, title="Trưởng ban")
    OrgUnit.objects.filter(pk=department.pk).update(cadre_authority=authority)
    return authority


def test_a_heads_plan_goes_to_the_parent_unless_the_profile_routes_by_cadre_authority(
    head, superior_head, province, cadre_authority
):
    """D-16 [local]: by default route B goes up the unit tree; under a profile routing by cadre-management authority it
    goes to the unit's `cadre_authority`."""
    assert submitted_proposal(proposer=head).decision_unit == province

    new_profile_version(routing=LegalProfile.Routing.AUTHORITY)
    routed = submitted_proposal(proposer=head, title="Đề xuất theo cơ quan quản lý cán bộ")

    assert (routed.route, routed.decision_unit) == (Proposal.Route.B, cadre_authority)


def test_authority_routing_falls_back_to_the_parent_where_no_authority_is_set(head, superior_head, province):
    """D-16 [local]: a unit without a `cadre_authority` keeps the unit tree's superior."""
    new_profile_version(routing=LegalProfile.Routing.AUTHORITY)
    assert submitted_proposal(proposer=head).decision_unit == province


def test_route_a_is_the_employing_units_head_whatever_the_routing(proposer, head, department, cadre_authority):
    """D-16 [local], Art. 7(3): only a head's own plan goes elsewhere; a staff member's plan stays in the unit."""
    new_profile_version(routing=LegalProfile.Routing.AUTHORITY)
    assert submitted_proposal(proposer=proposer).decision_unit == department


# --- Finding 11: the terms the review corrects -------------------------------------------------------------------


def test_the_proposer_pages_use_the_decrees_terms(proposer, head, superior_head, admin_user):
    """Review finding 11: "cơ quan sử dụng cán bộ cấp trên", "được quyền đề xuất", "trên 50%"."""
    route_b = submitted_proposal(proposer=head)
    assert "Trình người đứng đầu cơ quan sử dụng cán bộ cấp trên" in as_(head).get(url("detail", route_b.pk)).content.decode()
    create = as_(proposer).get(url("create")).content.decode()
    assert "thuộc đối tượng được quyền đề xuất theo Điều 2" in create
    admin = as_(admin_user).get(admin_change(LegalProfile.objects.get())).content.decode()
    assert "tỷ lệ tán thành phải trên (%)" in admin.lower() and "vượt quá" not in admin
    assert "Đối tượng được quyền đề xuất (Điều 2)" in admin


def test_the_plans_declarations_are_content_of_every_version(proposer, head, submitted):
    """D-2, D-5, D-15: the answers are frozen with the version like the contents, and compared between versions."""
    version = PlanVersion.objects.get(proposal=submitted)
    assert {"pilot_legal_document", "competence_declared", "wide_scope"} <= set(PlanContent.CONTENT_FIELDS)
    assert (version.pilot_legal_document, version.competence_declared, version.wide_scope) == (False, True, False)
