"""Every change to a proposal by its authors, and the one transition helper all services use.

Spec: README §3; decree73.md §3.2 T1 (submission, routing, receipt date), T7 (revision), §4.1 (contents),
§1.6 (Art. 5(1) checklist), §1.3 (Art. 2 eligible categories); review-register-decide.md D-2 (Art. 1 carve-out),
D-5 (Art. 4(2) declaration), D-9 (the plan as a document), D-11 (profile-required parts), D-16 (routing).
"""

import functools
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import selectors as org
from accounts.models import Position
from core import workdays
from core.audit import audit_record
from core.documents import StoredPdf
from core.notifications import notify
from core.uploads import check_upload

from . import documents
from .models import END_BEFORE_START, Attachment, LegalProfile, PlanContent, PlanDocument, PlanVersion, Proposal
from .selectors import attachment_removable, current_profile
from .steps import step_close, step_open
from .tasks import issue_plan
from .transitions import EDITABLE_STATUSES, Action, TransitionNotAllowed, can, next_status


def ensure_transition(proposal: Proposal, action: str) -> str:
    """The status `action` leads to from the proposal's current one, or a ValidationError for the user."""
    try:
        return next_status(proposal.status, action)
    except TransitionNotAllowed:
        raise ValidationError(
            _("Không thể thực hiện thao tác này khi đề xuất đang ở trạng thái “%(status)s”.")
            % {"status": proposal.get_status_display()},
            code="bad_transition",
        ) from None


def proposal_transition(*, proposal: Proposal, action: str, by, role: str, unit, payload: dict | None = None) -> str:
    """Move a locked proposal along the transition table and write the audit event. Returns the new status."""
    from_state = proposal.status
    to_state = ensure_transition(proposal, action)
    proposal.status = to_state
    proposal.save()
    audit_record(
        action=action, obj=proposal, actor=by, role=role, unit=unit, from_state=from_state, to_state=to_state,
        payload=payload or {},
    )
    return to_state


def _lock(proposal: Proposal) -> Proposal:
    """The proposal's row locked, read with its unit and the proposer's position (the services read both), which
    are not locked."""
    return Proposal.objects.select_for_update(of=("self",)).select_related("unit", "proposer_position").get(pk=proposal.pk)


def _require_author(proposal: Proposal, by) -> None:
    if proposal.proposer_id != by.pk:
        raise PermissionDenied(_("Chỉ cán bộ đề xuất được thực hiện thao tác này."))


def _require_editable(proposal: Proposal) -> None:
    if proposal.status not in EDITABLE_STATUSES:
        raise ValidationError(_("Kế hoạch đã nộp không thể sửa. Chỉ sửa được khi ở trạng thái dự thảo."), code="frozen")


def _apply_content(proposal: Proposal, data: dict) -> None:
    for name in PlanContent.CONTENT_FIELDS:
        if name in data:
            setattr(proposal, name, data[name])


def _validate(proposal: Proposal, exclude=None) -> None:
    """The fields' rules and `clean()`. Not the Meta CheckConstraints: Django checks each with a query in a savepoint
    (nine round trips), and the database enforces them on save anyway; the one a proposer's input can break, the
    plan's dates, is `clean()`'s error on the field."""
    proposal.full_clean(exclude=exclude, validate_constraints=False)


def _require_eligible(position: Position, profile: LegalProfile) -> None:
    """Art. 2 (decree73.md §1.3): only the categories the profile names may propose."""
    if position.category not in profile.eligible_categories:
        raise ValidationError(
            _("Chức vụ “%(title)s” không thuộc đối tượng được quyền đề xuất theo Điều 2 Nghị định 73/2023/NĐ-CP.")
            % {"title": position.title or position.get_role_display()},
            code="not_eligible",
        )


@transaction.atomic
def proposal_create_draft(*, by, position: Position, data: dict, co_authors=()) -> Proposal:
    """A cadre starts a plan in the capacity of one of the positions they hold today, if it may propose."""
    today = timezone.localdate()
    if position.person_id != by.pk or not position.is_held_on(today):
        raise PermissionDenied(_("Chức vụ đã chọn không phải chức vụ bạn đang giữ."))
    _require_eligible(position, current_profile(on_date=today))
    proposal = Proposal(proposer=by, proposer_position=position, unit=position.unit)
    _apply_content(proposal, data)
    _validate(proposal, exclude=["proposer_position", "unit", "proposer"])
    proposal.save()
    if others := [person for person in co_authors if person.pk != by.pk]:
        proposal.co_authors.add(*others)  # a new proposal has none to replace
    audit_record(action="create", obj=proposal, actor=by, role="proposer", unit=position.unit, to_state=proposal.status)
    return proposal


@transaction.atomic
def proposal_update_draft(*, proposal: Proposal, by, data: dict, co_authors=None) -> Proposal:
    proposal = _lock(proposal)
    _require_author(proposal, by)
    _require_editable(proposal)
    _apply_content(proposal, data)
    _validate(proposal)
    proposal.save()
    if co_authors is not None:
        proposal.co_authors.set([person for person in co_authors if person.pk != by.pk])
    audit_record(action="edit", obj=proposal, actor=by, role="proposer", unit=proposal.unit, payload={"version": proposal.current_version + 1})
    return proposal


# The period of the plan (Art. 7(2)(d)): both ends are asked for before submission.
PLAN_PERIOD = ("start_date", "end_date")
# D-11 [I]: Art. 7(2) asks for the time and the expected results, not a field of work, milestones or measurable
# indicators; each is required to submit only where the legal profile says so (default: not).
REQUIRED_BY_PROFILE = {"field": "require_field", "milestones": "require_milestones", "indicators": "require_indicators"}
# What the proposer declares besides the contents: the Art. 1 question (D-2) and the Art. 4(2) competence (D-5).
DECLARATIONS = ("pilot_legal_document", "competence_declared")


def required_for_submission(profile: LegalProfile) -> set[str]:
    """The parts `proposal_submit` cannot do without (Art. 7(2), Art. 5(1), Art. 1, Art. 4(2)), for marking them in
    forms.

    Under a profile that accepts any one Art. 5(1) condition none of the four is required on its own; a field of
    work, milestones and indicators only under a profile that asks for them (D-11).
    """
    required = {
        name for name in PlanContent.REQUIRED_TEXT_FIELDS
        if name not in REQUIRED_BY_PROFILE or getattr(profile, REQUIRED_BY_PROFILE[name])
    }
    required.update(PLAN_PERIOD, DECLARATIONS)
    if profile.art5_all_required:
        required.update(PlanContent.ART5_FIELDS)
    return required


def missing_parts(proposal: PlanContent, profile: LegalProfile, *, declarations: bool = True) -> dict[str, str]:
    """Every part the plan still lacks before submission, keyed by field (Art. 7(2), Art. 5(1)), and with
    `declarations` the proposer's answers to Art. 1 and Art. 4(2): unanswered, or a pilot legal normative document
    (refused, D-2)."""
    required = required_for_submission(profile)
    if not any(getattr(proposal, name) for name in PlanContent.ART5_FIELDS):
        required.update(PlanContent.ART5_FIELDS)  # at least one condition, whatever the profile
    messages = {
        "start_date": _("Cần nêu thời gian bắt đầu thực hiện."),
        "end_date": _("Cần nêu thời gian kết thúc thực hiện."),
        **dict.fromkeys(
            PlanContent.ART5_FIELDS, _("Đề xuất phải đáp ứng điều kiện này (Điều 5 khoản 1); đánh dấu để cam kết.")
        ),
    }
    errors: dict[str, str] = {}
    for name in (*PlanContent.REQUIRED_TEXT_FIELDS, *PLAN_PERIOD, *PlanContent.ART5_FIELDS):
        if name not in required:
            continue
        value = getattr(proposal, name)
        if not (value.strip() if isinstance(value, str) else value):
            errors[name] = messages.get(name) or _("Nội dung bắt buộc theo Điều 7 khoản 2 Nghị định 73/2023/NĐ-CP.")
        elif name == "end_date" and proposal.start_date and value < proposal.start_date:
            errors[name] = END_BEFORE_START
    if declarations:
        if proposal.pilot_legal_document is None:
            errors["pilot_legal_document"] = _(
                "Cần trả lời câu hỏi này: Nghị định 73/2023/NĐ-CP không áp dụng cho việc ban hành văn bản quy phạm pháp "
                "luật theo hình thức thí điểm (Điều 1)."
            )
        elif proposal.pilot_legal_document:
            # Art. 1 [C]: out of the decree's scope; refused with the procedure that applies instead.
            errors["pilot_legal_document"] = _(
                "Đề xuất có kết quả là ban hành văn bản quy phạm pháp luật theo hình thức thí điểm không thực hiện theo "
                "trình tự của Nghị định 73/2023/NĐ-CP (Điều 1): việc ban hành thực hiện theo Luật Ban hành văn bản quy "
                "phạm pháp luật số 64/2025/QH15 và Quy chế làm việc của Chính phủ. Không thể nộp kế hoạch này theo "
                "Nghị định 73/2023/NĐ-CP."
            )
        if not proposal.competence_declared:
            errors["competence_declared"] = _(
                "Cần xác nhận đề xuất thuộc thẩm quyền quyết định của cơ quan, đơn vị và không trái quy định (Điều 4 "
                "khoản 2 Nghị định 73/2023/NĐ-CP)."
            )
    return errors


def _route(proposal: Proposal, profile: LegalProfile, on_date):
    """Route A to the employing unit's head; route B to the superior unit when the proposer is the head (Art. 7(3)–(4)).

    A head who co-authors the plan is one of its proposers too: the head may neither chair nor vote on it,
    so it goes up as well ([I], decree73.md T6). The superior is the parent in the unit tree, or, under a profile
    routing by cadre-management authority (D-16 [local], HCMC), the unit's `cadre_authority` where it has one.
    Returns (route, deciding unit, the decider's position).
    """
    unit = proposal.unit
    head = org.unit_head_on(unit=unit, on_date=on_date)
    if head is not None and (
        head.person_id == proposal.proposer_id or proposal.co_authors.filter(pk=head.person_id).exists()
    ):
        if profile.routing == LegalProfile.Routing.AUTHORITY and unit.cadre_authority_id:
            superior_head = org.unit_head_on(unit=unit.cadre_authority, on_date=on_date)
        else:
            # The superior unit active on the day of submission (a successor when the parent has ended).
            superior_head = org.unit_superior_head_on(unit=unit, on_date=on_date)
        if superior_head is None:
            raise ValidationError(
                _("Chưa xác định được người đứng đầu cơ quan sử dụng cán bộ cấp trên để trình đề xuất."), code="no_decider"
            )
        return Proposal.Route.B, superior_head.unit, superior_head
    if head is None:
        raise ValidationError(_("Đơn vị chưa có người đứng đầu để tiếp nhận đề xuất."), code="no_decider")
    return Proposal.Route.A, unit, head


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by) -> Proposal:
    """T1: freeze the next version, route it, record the receipt date and compute the review due date.

    The version gets its document (D-9), issued on the `documents` queue once this commits (issue 10: the PDF's
    layout was most of the submission's time): `proposals.documents` says how it is issued once, from the frozen
    version, whoever asks first.
    """
    proposal = _lock(proposal)
    _require_author(proposal, by)
    today = timezone.localdate()
    profile = current_profile(on_date=today)
    if not can(proposal.status, Action.SUBMIT):
        raise ValidationError(_("Đề xuất đã được nộp."), code="already_submitted")
    position = proposal.proposer_position
    if not position.is_held_on(today):
        raise ValidationError(_("Bạn không còn giữ chức vụ đã dùng để lập đề xuất."), code="position_ended")
    # The rules may have changed since the draft was started: eligibility is judged again on submission.
    _require_eligible(position, profile)
    errors = missing_parts(proposal, profile)
    if errors:
        raise ValidationError(errors)
    route, decision_unit, decider = _route(proposal, profile, today)
    deadline = profile.superior_review_deadline_wd if route == Proposal.Route.B else profile.review_deadline_wd
    proposal.route = route
    proposal.decision_unit = decision_unit
    proposal.profile = profile
    proposal.received_on = today
    proposal.review_due = workdays.add_working_days(today, deadline)
    proposal.current_version += 1
    if not proposal.code:
        proposal.code = f"DX{today.year}-{proposal.pk:06d}"
    version = PlanVersion.objects.create(
        proposal=proposal, number=proposal.current_version, submitted_at=timezone.now(), submitted_by=by,
        **proposal.content_dict(),
    )
    proposal.attachments.filter(version__isnull=True, removed_at__isnull=True).update(version=proposal.current_version)
    plan_document = documents.plan_pending(version)
    # robust: a broker that is down must not turn a committed submission into an error page; the sweep issues it.
    transaction.on_commit(functools.partial(issue_plan.delay, plan_document.pk), robust=True)
    proposal_transition(
        proposal=proposal, action=Action.SUBMIT, by=by, role="proposer", unit=proposal.unit,
        payload={
            "version": proposal.current_version, "route": route, "decision_unit": decision_unit.pk,
            "received_on": today, "review_due": proposal.review_due, "profile": profile.pk,
        },
    )
    # The review deadline as a dated step, the one source the reminders read (Art. 8(1): the collective meets
    # within 7 WD of receipt; route B: the superior's deadline). A step left from an earlier version goes first.
    step_close(proposal=proposal, kind="review")
    step_open(
        proposal=proposal, kind="review", due_on=proposal.review_due, unit=decision_unit,
        label=gettext_noop("Họp tập thể lãnh đạo xem xét đề xuất") if route == Proposal.Route.A
        else gettext_noop("Cấp trên xem xét đề xuất của người đứng đầu cơ quan"),
    )
    secretariat = [p.person for p in decision_unit.positions.held_on(today).filter(role=Position.Role.SECRETARIAT).select_related("person")]
    notify(
        recipients=[decider.person, *secretariat],
        message=gettext_noop("Đề xuất “%(title)s” đã được nộp, hạn họp xem xét: %(due)s."),
        params={"title": proposal.title, "due": proposal.review_due.strftime("%d/%m/%Y")},
        url=reverse("proposals:detail", args=[proposal.pk]),
    )
    return proposal


def plan_download(*, document: PlanDocument, by) -> StoredPdf:
    """A version's plan (D-9) as stored when it was submitted (a regenerated copy is recorded in the audit log); the
    caller has checked that `by` may read the proposal."""
    return documents.plan_download(document=document, by=by)


@transaction.atomic
def proposal_revise(*, proposal: Proposal, by) -> Proposal:
    """T7: after a return or a rejection the proposer reopens the plan; it will be submitted as a new version."""
    proposal = _lock(proposal)
    _require_author(proposal, by)
    # The plan documents print the proposal's co-authors, route and profile, which the next version may change.
    documents.plan_issue_pending(proposal)
    proposal_transition(proposal=proposal, action=Action.REVISE, by=by, role="proposer", unit=proposal.unit,
                        payload={"next_version": proposal.current_version + 1})
    # Nothing awaits the deciding unit until the next submission (reminders read open steps only).
    step_close(proposal=proposal, kind="review")
    step_close(proposal=proposal, kind="decision")
    return proposal


@transaction.atomic
def attachment_add(*, proposal: Proposal, by, uploaded_file, description: str = "") -> Attachment:
    proposal = _lock(proposal)
    _require_author(proposal, by)
    _require_editable(proposal)
    checked = check_upload(uploaded_file)
    attachment = Attachment(
        proposal=proposal, storage_token=secrets.token_hex(16), original_name=uploaded_file.name[:255],
        content_type=checked.content_type, size=checked.size, sha256=checked.sha256, description=description[:255],
        uploaded_by=by,
    )
    attachment.file.save(attachment.storage_token, checked.file, save=False)
    attachment.save()
    audit_record(action="attach", obj=proposal, actor=by, role="proposer", unit=proposal.unit,
                 payload={"attachment": attachment.pk, "name": attachment.original_name, "sha256": checked.sha256})
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> None:
    """Only a file not yet submitted can be removed; submitted files are evidence and stay."""
    proposal = _lock(attachment.proposal)
    _require_author(proposal, by)
    _require_editable(proposal)
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if not attachment_removable(proposal=proposal, attachment=attachment):
        raise ValidationError(_("Tệp đã nộp kèm phiên bản trước không thể gỡ bỏ."), code="frozen")
    attachment.removed_at = timezone.now()
    attachment.save(update_fields=["removed_at"])
    audit_record(action="detach", obj=proposal, actor=by, role="proposer", unit=proposal.unit,
                 payload={"attachment": attachment.pk, "name": attachment.original_name})


def _normalised(value):
    """A plan value as compared between versions: a browser sends a textarea's line breaks as CRLF."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


@transaction.atomic
def plan_version_adjust(*, proposal: Proposal, by, changes: dict, reason: str) -> PlanVersion:
    """IMP-5 (after-approval.md): an adjustment decided during implementation is the next frozen version,
    approved at once: the approved version in force with `changes` applied, checked as a submission is (Art.
    7(2), Art. 5(1)), becomes both the current and the approved version.

    Only the head of the deciding unit decides it, and only while the proposal is implemented (the transition
    table's ADJUST). The caller issues the written decision ordering it (the directions stage) in the same
    transaction; the proposal is locked again here, so the caller's instance is stale afterwards: read it again.
    `changes` holds plan contents only; values equal to the approved ones are no change. Nothing changed: a
    ValidationError ("unchanged"), so that a repeated request never freezes an identical version.
    """
    from accounts.permissions import acting_position

    unknown = set(changes) - set(PlanContent.CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"Not plan contents: {sorted(unknown)}")
    proposal = _lock(proposal)
    position = acting_position(
        user=by, unit=proposal.decision_unit, roles=(Position.Role.HEAD,), on_date=timezone.localdate()
    )
    if not can(proposal.status, Action.ADJUST) or proposal.approved_version is None:
        raise ValidationError(_("Chỉ điều chỉnh đề xuất đang được triển khai thực hiện."), code="bad_state")
    base = PlanVersion.objects.get(proposal=proposal, number=proposal.approved_version)
    content = base.content_dict()
    # Texts are kept as typed, without surrounding blanks and with LF line breaks.
    changed = {
        name: [content[name], _normalised(value)]
        for name, value in changes.items() if _normalised(value) != _normalised(content[name])
    }
    if not changed:
        raise ValidationError(
            _("Nội dung điều chỉnh không khác kế hoạch đang được phê duyệt (phiên bản %(n)s).") % {"n": base.number},
            code="unchanged",
        )
    content.update({name: new for name, (_old, new) in changed.items()})
    adjusted = PlanVersion(
        proposal=proposal, number=proposal.current_version + 1, submitted_at=timezone.now(), submitted_by=by, **content
    )
    errors = {}
    try:
        adjusted.clean_fields(exclude=["proposal", "number", "submitted_at", "submitted_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    # The contents only: the Art. 1 and Art. 4(2) declarations are the proposer's, made when submitting (D-2, D-5).
    for name, message in missing_parts(adjusted, proposal.profile, declarations=False).items():
        errors.setdefault(name, [message])
    if errors:
        raise ValidationError(errors)
    adjusted.save()
    # The working copy follows the version in force, as after a submission: search and lists read it.
    _apply_content(proposal, content)
    proposal.current_version = proposal.approved_version = adjusted.number
    proposal.save()
    audit_record(
        action="plan_adjust", obj=proposal, actor=by, role=position.role, unit=position.unit,
        payload={"version": adjusted.number, "from_version": base.number, "changes": changed, "reason": reason},
    )
    return adjusted
