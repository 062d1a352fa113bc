"""Every act of implementation: resources, implementers and their answers, the start, progress, completion and
the completion report.

Spec: after-approval.md IMP-1 (Art. 10(2)), IMP-2 (Art. 6(4)), IMP-3, IMP-4 [U], CMP-1..4 (Art. 18);
decree73.md §3.2 T8, T10, §4.4. Each service locks the proposal, checks who acts (implementation.rules) on the
rows just locked before it reads its input, validates the transition against the one table, writes the audit
event and notifies on commit.

Public contract: `targets_copy(*, proposal, by)` (directions calls it after an adjustment).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import selectors as org
from accounts.models import Position
from core.actions import Situation
from core.audit import audit_record
from core.documents import StoredPdf, authority_line, download_issued, next_number, store_issued
from core.notifications import notify
from core.uploads import check_upload
from proposals.models import LegalProfile, Proposal
from proposals.services import ensure_transition, proposal_transition
from proposals.steps import due_after, step_close, step_open
from proposals.transitions import Action, Status

from . import documents, rules
from .models import (
    PLAN_ORDER,
    Assignment,
    CompletionReport,
    Implementation,
    ProgressEntry,
    ReportEvidence,
    ReportResult,
    Resource,
    Target,
)
from .selectors import approval_decision, cadre_candidates, evaluation_path, plan_in_force, plan_lines

# The step kinds other stage apps share (a contract): see proposals.models.Step.
STEP_COMPLETION_REPORT = "completion_report"
STEP_EVALUATION = "evaluation"
STEP_PROGRESS_REPORT = "progress_report"

ALLOCATING = (Status.APPROVED, Status.IN_IMPLEMENTATION)  # IMP-1, IMP-2: resources and implementers
ANSWERING = (Status.APPROVED, Status.IN_IMPLEMENTATION, Status.SUSPENDED)
MAX_VND = 10**15  # a thousand trillion đồng: beyond any one proposal, within the column


def _lock(proposal: Proposal) -> Proposal:
    """The proposal row, locked; unit, deciding unit and profile read (not locked) with it."""
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("unit", "decision_unit", "profile", "proposer")
        .get(pk=proposal.pk)
    )


def _situation(proposal: Proposal, by, target=None) -> Situation:
    return Situation(proposal=proposal, user=by, target=target)


def _url(proposal: Proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk]) + "#trien-khai"


def _unit_people(unit, roles) -> list:
    today = timezone.localdate()
    return [p.person for p in Position.objects.held_on(today).filter(unit=unit, role__in=roles).select_related("person")]


def _require_status(proposal: Proposal, statuses, message: str) -> None:
    if proposal.status not in statuses:
        raise ValidationError(message, code="bad_state")


def _amount(value, *, field: str, required: bool) -> int | None:
    if value is None:
        if required:
            raise ValidationError({field: _("Cần nhập số tiền (đồng).")})
        return None
    if value < 0 or value > MAX_VND:
        raise ValidationError({field: _("Số tiền phải là số nguyên không âm, tính bằng đồng.")})
    return int(value)


def _checked_file(uploaded, *, field: str):
    try:
        return check_upload(uploaded)
    except ValidationError as error:
        raise ValidationError({field: error}) from None


# --- Resources (IMP-1, Art. 10(2)) ------------------------------------------------------------------------


@transaction.atomic
def resource_record(
    *, proposal: Proposal, by, kind: str, description: str, amount: int | None = None, budget_source: str = ""
) -> Resource:
    """The employing unit records what it allocates, linked to the approval decision's number."""
    proposal = _lock(proposal)
    position = rules.organiser(_situation(proposal, by))
    _require_status(proposal, ALLOCATING, _("Chỉ bố trí nguồn lực khi đề xuất đã được cho triển khai hoặc đang triển khai."))
    errors = {}
    if kind not in Resource.Kind.values:
        errors["kind"] = _("Chọn loại nguồn lực.")
    description = description.strip()
    if not description:
        errors["description"] = _("Cần mô tả nguồn lực được bố trí.")
    budget_source = budget_source.strip()
    if errors:
        raise ValidationError(errors)
    if kind == Resource.Kind.FUNDS:
        amount = _amount(amount, field="amount", required=True)
        if not budget_source:
            raise ValidationError({"budget_source": _("Cần ghi nguồn kinh phí (ví dụ: ngân sách nhà nước chi thường xuyên).")})
    else:
        amount, budget_source = None, ""
    decision = approval_decision(proposal)
    if decision is None:
        raise ValidationError(_("Không tìm thấy quyết định cho triển khai thực hiện của đề xuất."), code="no_decision")
    resource = Resource.objects.create(
        proposal=proposal, decision=decision, unit=proposal.decision_unit, kind=kind, description=description,
        amount=amount, budget_source=budget_source, recorded_by=by,
    )
    audit_record(
        action="resource_record", obj=proposal, actor=by, role=position.role, unit=position.unit,
        payload={"resource": resource.pk, "kind": kind, "description": description, "amount": amount,
                 "budget_source": budget_source, "decision": decision.number},
    )
    return resource


# --- Implementers (IMP-2, Art. 6(4)) ----------------------------------------------------------------------


@transaction.atomic
def implementer_assign(
    *, proposal: Proposal, by, kind: str, person=None, name: str = "", contact_person: str = "", phone: str = "",
    email: str = "", task: str = "", is_lead: bool = False,
) -> Assignment:
    """The head assigns a cadre, another individual or an organisation; one of them leads (chủ trì)."""
    proposal = _lock(proposal)
    situation = _situation(proposal, by)
    position = rules.head(situation)
    _require_status(proposal, ALLOCATING, _("Chỉ phân công người thực hiện khi đề xuất đã được cho triển khai hoặc đang triển khai."))
    name, contact_person, phone, email = name.strip(), contact_person.strip(), phone.strip(), email.strip()
    errors = {}
    if kind == Assignment.Kind.CADRE:
        if person is None:
            errors["person"] = _("Chọn cán bộ được phân công.")
        elif not cadre_candidates(proposal=proposal).filter(pk=person.pk).exists():
            errors["person"] = _("Chỉ phân công cán bộ đang công tác tại cơ quan, đơn vị hoặc đơn vị trực thuộc.")
        elif any(a.person_id == person.pk for a in rules.assignments(situation)):
            errors["person"] = _("Cán bộ này đã được phân công thực hiện đề xuất.")
        name = contact_person = phone = email = ""
    elif kind in (Assignment.Kind.PERSON, Assignment.Kind.ORGANISATION):
        person = None
        if not name:
            errors["name"] = _("Cần ghi tên cá nhân, tổ chức thực hiện.")
        if kind == Assignment.Kind.ORGANISATION and not contact_person:
            errors["contact_person"] = _("Tổ chức thực hiện phải có người liên hệ.")
        if not phone and not email:
            errors["phone"] = _("Cần ghi điện thoại hoặc thư điện tử để liên hệ.")
        if kind == Assignment.Kind.PERSON:
            contact_person = ""
    else:
        errors["kind"] = _("Chọn loại người thực hiện.")
    lead = rules.lead_of(rules.assignments(situation))
    if is_lead and lead is not None:
        errors["is_lead"] = _("Đề xuất đã có người chủ trì thực hiện: %(name)s.") % {"name": lead.display_name}
    if errors:
        raise ValidationError(errors)
    assignment = Assignment(
        proposal=proposal, kind=kind, person=person, name=name, contact_person=contact_person, phone=phone,
        email=email, task=task.strip(), is_lead=is_lead, assigned_by=by,
    )
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ValidationError(_("Phân công này đã được ghi nhận."), code="duplicate") from None
    audit_record(
        action="implementer_assign", obj=proposal, actor=by, role=position.role, unit=position.unit,
        payload={"assignment": assignment.pk, "kind": kind, "person": person.pk if person else None, "name": name,
                 "contact_person": contact_person, "lead": is_lead, "task": assignment.task},
    )
    if person is not None:
        notify(recipients=[person],
               message=gettext_noop("Bạn được phân công thực hiện đề xuất “%(title)s”: vui lòng xác nhận nhận nhiệm vụ."),
               params={"title": proposal.title}, url=_url(proposal))
    return assignment


def _answer(*, proposal: Proposal, assignment: Assignment, by, acting, accept: bool, reason: str) -> Assignment:
    _require_status(proposal, ANSWERING, _("Đề xuất không còn ở giai đoạn triển khai thực hiện."))
    if assignment.answer != Assignment.Answer.PENDING:
        raise ValidationError(_("Phân công này đã được trả lời."), code="answered")
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Cần nêu lý do từ chối nhận nhiệm vụ.")})
    assignment.answer = Assignment.Answer.ACCEPTED if accept else Assignment.Answer.REFUSED
    assignment.refusal_reason = "" if accept else reason
    assignment.answered_at = timezone.now()
    assignment.answer_recorded_by = by
    assignment.save(update_fields=["answer", "refusal_reason", "answered_at", "answer_recorded_by"])
    audit_record(
        action="assignment_accept" if accept else "assignment_refuse", obj=proposal, actor=by, role=acting.role,
        unit=acting.unit, payload={"assignment": assignment.pk, "implementer": assignment.display_name,
                                   "lead": assignment.is_lead, "reason": assignment.refusal_reason},
    )
    if not accept:
        # Art. 6(4): refusing an assigned task is prohibited; the head hears of it and may report it (IMP-6).
        notify(recipients=_unit_people(proposal.decision_unit, rules.HEAD_OR_SECRETARIAT),
               message=gettext_noop("%(name)s từ chối nhiệm vụ thực hiện đề xuất “%(title)s”."),
               params={"name": assignment.display_name, "title": proposal.title}, url=_url(proposal))
    return assignment


def _lock_assignment(assignment: Assignment) -> tuple[Proposal, Assignment]:
    """Lock the assignment's proposal, then the assignment; both fresh from the database."""
    proposal = _lock(Proposal(pk=assignment.proposal_id))
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("person").get(pk=assignment.pk)
    return proposal, assignment


@transaction.atomic
def assignment_answer(*, assignment: Assignment, by, accept: bool, reason: str = "") -> Assignment:
    """A cadre acknowledges or refuses their own assignment (Art. 6(4)); a refusal needs a reason."""
    proposal, assignment = _lock_assignment(assignment)
    acting = rules.assignee(_situation(proposal, by, assignment))
    return _answer(proposal=proposal, assignment=assignment, by=by, acting=acting, accept=accept, reason=reason)


@transaction.atomic
def assignment_record_answer(*, assignment: Assignment, by, accept: bool, reason: str = "") -> Assignment:
    """The head or secretariat records the answer of an individual or organisation outside the system."""
    proposal, assignment = _lock_assignment(assignment)
    position = rules.organiser(_situation(proposal, by))
    if not assignment.is_outside:
        raise ValidationError({"assignment": _("Cán bộ được phân công tự xác nhận nhiệm vụ của mình.")})
    return _answer(proposal=proposal, assignment=assignment, by=by, acting=position, accept=accept, reason=reason)


# --- Start, targets, progress (IMP-3, IMP-4) ------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.split())


def targets_copy(*, proposal: Proposal, by) -> list[Target]:
    """Copy the milestones and indicators of the approved version in force, one target per non-empty line.

    Called by `implementation_start` and, after an adjustment has made a new version the approved one, by the
    directions app, inside its transaction with the proposal locked and its person checked. A target whose text
    (kind and words) is unchanged keeps its progress; one no longer in the plan is retired (its progress stays
    on record); a new line becomes a new target. Returns the active targets in order.
    """
    plan = plan_in_force(proposal)
    if plan is None:
        raise ValidationError(_("Không tìm thấy kế hoạch được phê duyệt của đề xuất."), code="no_plan")
    wanted = [
        (kind, position, text)
        for kind, field in ((Target.Kind.MILESTONE, "milestones"), (Target.Kind.INDICATOR, "indicators"))
        for position, text in enumerate(plan_lines(getattr(plan, field)), start=1)
    ]
    pool: dict[tuple[str, str], list[Target]] = {}
    for target in Target.objects.select_for_update().filter(proposal=proposal, retired_at__isnull=True).order_by(*PLAN_ORDER):
        pool.setdefault((target.kind, _fold(target.text)), []).append(target)
    active, kept, added = [], 0, 0
    for kind, position, text in wanted:
        matches = pool.get((kind, _fold(text)))
        if matches:
            target = matches.pop(0)
            target.position, target.version = position, plan.number
            target.save(update_fields=["position", "version"])
            kept += 1
        else:
            target = Target.objects.create(proposal=proposal, kind=kind, text=text, position=position, version=plan.number)
            added += 1
        active.append(target)
    retired = [target.pk for targets in pool.values() for target in targets]
    if retired:
        Target.objects.filter(pk__in=retired).update(retired_at=timezone.now())
    audit_record(
        action="targets_copy", obj=proposal, actor=by, unit=proposal.decision_unit,
        payload={"version": plan.number, "kept": kept, "added": added, "retired": retired},
    )
    return active


def _progress_step(proposal: Proposal, *, start: datetime.date, person) -> None:
    """IMP-4 [U]: the next periodic progress report, only when the unit's rules set an interval (off by default)."""
    interval = proposal.profile.progress_report_interval_days
    if interval <= 0:
        return
    step_open(
        proposal=proposal, kind=STEP_PROGRESS_REPORT, label=_("Báo cáo tiến độ thực hiện"),
        due_on=start + datetime.timedelta(days=interval), unit=proposal.unit, person=person,
    )


@transaction.atomic
def implementation_start(*, proposal: Proposal, by) -> Implementation:
    """The head starts implementation once a lead implementer is assigned; the plan's targets are copied."""
    proposal = _lock(proposal)
    situation = _situation(proposal, by)
    position = rules.head(situation)
    ensure_transition(proposal, Action.START)
    lead = rules.lead_of(rules.assignments(situation))
    if lead is None:
        raise ValidationError(_("Cần phân công người chủ trì thực hiện trước khi bắt đầu triển khai."), code="no_lead")
    today = timezone.localdate()
    try:
        with transaction.atomic():
            implementation = Implementation.objects.create(proposal=proposal, started_on=today, started_by=by)
    except IntegrityError:
        raise ValidationError(_("Đề xuất đã bắt đầu triển khai."), code="duplicate") from None
    targets = targets_copy(proposal=proposal, by=by)
    _progress_step(proposal, start=today, person=lead.person)
    proposal_transition(
        proposal=proposal, action=Action.START, by=by, role=position.role, unit=position.unit,
        payload={"started_on": today, "lead": lead.pk, "targets": len(targets)},
    )
    people = {a.person for a in rules.assignments(situation) if a.person_id and a.answer != Assignment.Answer.REFUSED}
    notify(recipients=sorted(people | {proposal.proposer}, key=lambda person: person.pk),
           message=gettext_noop("Đề xuất “%(title)s” bắt đầu triển khai thực hiện."),
           params={"title": proposal.title}, url=_url(proposal))
    return implementation


@transaction.atomic
def progress_record(
    *, proposal: Proposal, by, target: Target, status: str, value: str = "", note: str = "", evidence=None
) -> ProgressEntry:
    """An implementer who accepted records progress on a milestone or indicator, while implementation runs."""
    proposal = _lock(proposal)
    situation = _situation(proposal, by)
    acting = rules.implementer(situation)
    if proposal.status == Status.SUSPENDED:
        raise ValidationError(
            _("Đề xuất đang tạm dừng thực hiện theo chỉ đạo của cơ quan: không ghi nhận tiến độ cho đến khi có "
              "quyết định tiếp tục thực hiện."), code="suspended",
        )
    _require_status(proposal, (Status.IN_IMPLEMENTATION,), _("Chỉ ghi nhận tiến độ khi đề xuất đang triển khai thực hiện."))
    target = Target.objects.select_for_update().filter(pk=target.pk, proposal=proposal, retired_at__isnull=True).first()
    if target is None:
        raise ValidationError({"target": _("Chọn một mốc, chỉ tiêu của kế hoạch đang áp dụng.")})
    if status not in Target.Status.values:
        raise ValidationError({"status": _("Chọn tình trạng thực hiện.")})
    value, note = value.strip(), note.strip()
    entry = ProgressEntry(proposal=proposal, target=target, status=status, value=value, note=note, recorded_by=by)
    if evidence is not None:
        checked = _checked_file(evidence, field="evidence")
        entry.evidence_name = evidence.name[:255]
        entry.evidence_sha256 = checked.sha256
        entry.evidence_content_type = checked.content_type
        entry.evidence.save("evidence", checked.file, save=False)
    entry.save()
    target.status = status
    if value:
        target.value = value
    target.save(update_fields=["status", "value"])
    if proposal.profile.progress_report_interval_days > 0:
        # Each progress recorded is a progress report: the next one is due an interval later.
        step_close(proposal=proposal, kind=STEP_PROGRESS_REPORT)
        lead = rules.lead_of(rules.assignments(situation))
        _progress_step(proposal, start=timezone.localdate(), person=lead.person if lead else None)
    audit_record(
        action="progress_record", obj=proposal, actor=by, role=acting.role, unit=acting.unit,
        payload={"target": target.pk, "status": status, "value": value, "note": note,
                 "evidence_sha256": entry.evidence_sha256},
    )
    return entry


# --- Completion (CMP-3) and the completion report (CMP-1, CMP-2, CMP-4, Art. 18) -------------------------


@transaction.atomic
def implementation_complete(*, proposal: Proposal, by, completed_on: datetime.date, note: str = "") -> Implementation:
    """The lead implementer (or the head) records the actual completion date; the report falls due 5 WD later."""
    proposal = _lock(proposal)
    situation = _situation(proposal, by)
    acting = rules.completer(situation)
    ensure_transition(proposal, Action.COMPLETE)
    implementation = Implementation.objects.select_for_update().get(proposal=proposal)
    today = timezone.localdate()
    if completed_on > today:
        raise ValidationError({"completed_on": _("Ngày hoàn thành không được ở tương lai.")})
    if completed_on < implementation.started_on:
        raise ValidationError({"completed_on": _("Ngày hoàn thành không được trước ngày bắt đầu triển khai (%(date)s).")
                               % {"date": implementation.started_on.strftime("%d/%m/%Y")}})
    implementation.completed_on = completed_on
    implementation.completed_by = by
    implementation.completion_note = note.strip()
    implementation.save(update_fields=["completed_on", "completed_by", "completion_note"])
    lead = rules.lead_of(rules.assignments(situation))
    due = due_after(completed_on, proposal.profile.completion_report_deadline_wd)
    step_close(proposal=proposal, kind=STEP_PROGRESS_REPORT)
    step_open(
        proposal=proposal, kind=STEP_COMPLETION_REPORT, label=_("Nộp báo cáo kết quả thực hiện đề xuất"), due_on=due,
        unit=proposal.unit, person=lead.person if lead else None,
    )
    proposal_transition(
        proposal=proposal, action=Action.COMPLETE, by=by, role=acting.role, unit=acting.unit,
        payload={"completed_on": completed_on, "report_due": due, "note": implementation.completion_note},
    )
    recipients = [lead.person] if lead and lead.person_id else _unit_people(proposal.decision_unit, rules.SECRETARIAT)
    notify(recipients=recipients,
           message=gettext_noop("Đề xuất “%(title)s” đã hoàn thành: nộp báo cáo kết quả thực hiện trước ngày %(due)s."),
           params={"title": proposal.title, "due": due.strftime("%d/%m/%Y")}, url=_url(proposal))
    return implementation


def _signer(proposal: Proposal, assignment: Assignment) -> tuple[str, str]:
    """The name and title the report is signed with, in Vietnamese whatever the filer's language: a cadre's title
    in the proposal's unit (or the deciding unit) when they hold one there, else their first position today."""
    if assignment.kind == Assignment.Kind.CADRE:
        positions = list(org.positions_of(person=assignment.person, on_date=timezone.localdate()))
        units = (proposal.unit_id, proposal.decision_unit_id)
        position = min(positions, key=lambda p: units.index(p.unit_id) if p.unit_id in units else 2, default=None)
        title = (position.title or str(position.get_role_display())) if position else ""
        return assignment.person.get_full_name(), title
    if assignment.kind == Assignment.Kind.ORGANISATION:
        return assignment.contact_person, _("Đại diện %(name)s") % {"name": assignment.name}
    return assignment.name, _("Người thực hiện")


def _addressees(proposal: Proposal) -> list[str]:
    """Art. 18: to both the employing unit and its head ("Kính gửi: <unit>; <head title>")."""
    unit = proposal.decision_unit
    head = org.unit_head_on(unit=unit, on_date=timezone.localdate())
    title = (head.title or str(head.get_role_display())) if head else str(Position.Role.HEAD.label)
    return [unit.name, authority_line(title, unit.name)]


def _results(targets: list[Target], results: dict) -> tuple[list[ReportResult], dict]:
    rows, errors = [], {}
    for target in targets:
        outcome, text = results.get(target.pk, ("", ""))
        text = (text or "").strip()
        if outcome not in ReportResult.Outcome.values:
            errors[f"outcome_{target.pk}"] = _("Chọn mức độ đạt của mốc, chỉ tiêu này.")
        if not text:
            errors[f"result_{target.pk}"] = _("Cần nêu kết quả đạt được đối với mốc, chỉ tiêu này.")
        rows.append(ReportResult(target=target, kind=target.kind, text=target.text, position=target.position,
                                 outcome=outcome, result=text))
    return rows, errors


@transaction.atomic
def report_file(
    *, proposal: Proposal, by, attested: bool, overall: str, results: dict, results_summary: str, resources_used: str,
    causes: str, damage: bool, damage_description: str = "", damage_amount: int | None = None,
    funds_used: int | None = None, evidence=(),
) -> CompletionReport:
    """File the completion report (Art. 18): numbered in the BC register, rendered once and kept with its SHA-256.

    `results`: {target id: (outcome, result text)} for every milestone and indicator of the version in force.
    The report closes the "completion_report" step and opens the "evaluation" step of the deciding unit.
    """
    proposal = _lock(proposal)
    situation = _situation(proposal, by)
    acting = rules.reporter(situation)
    from_status = proposal.status
    ensure_transition(proposal, Action.REPORT)
    if CompletionReport.objects.filter(proposal=proposal).exists():
        raise ValidationError(_("Báo cáo kết quả thực hiện của đề xuất đã được nộp."), code="duplicate")
    errors = {}
    if not attested:
        errors["attested"] = _("Người báo cáo phải cam đoan nội dung báo cáo đầy đủ, trung thực (Điều 18).")
    if overall not in CompletionReport.Overall.values:
        errors["overall"] = _("Chọn mức độ hoàn thành chung.")
    targets = list(Target.objects.filter(proposal=proposal, retired_at__isnull=True).order_by(*PLAN_ORDER))
    rows, result_errors = _results(targets, results)
    errors.update(result_errors)
    results_summary, resources_used, causes = results_summary.strip(), resources_used.strip(), causes.strip()
    if not results_summary:
        errors["results_summary"] = _("Cần nêu kết quả đạt được so với mục tiêu, hiệu quả dự kiến.")
    if not resources_used:
        errors["resources_used"] = _("Cần nêu nguồn lực đã sử dụng so với nguồn lực được bố trí.")
    if not causes:
        errors["causes"] = _("Cần nêu nguyên nhân của kết quả đạt được, chưa đạt được.")
    damage_description = damage_description.strip() if damage else ""
    if damage and not damage_description:
        errors["damage_description"] = _("Cần mô tả thiệt hại.")
    try:
        damage_amount = _amount(damage_amount, field="damage_amount", required=True) if damage else None
        funds_used = _amount(funds_used, field="funds_used", required=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    checked_files = []
    for uploaded in evidence or ():
        try:
            checked_files.append((uploaded, check_upload(uploaded)))
        except ValidationError as error:
            errors["evidence"] = [f"{uploaded.name}: {message}" for message in error.messages]
    if errors:
        raise ValidationError(errors)
    lead = rules.lead_of(rules.assignments(situation))
    today = timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        signer_name, signer_title = _signer(proposal, lead)
        addressees = _addressees(proposal)
    number = next_number(unit=proposal.unit, register=CompletionReport.REGISTER, year=today.year)
    stopped = from_status == Status.STOPPED
    report = CompletionReport(
        proposal=proposal, basis=CompletionReport.Basis.STOPPED if stopped else CompletionReport.Basis.COMPLETED,
        version=proposal.approved_version, unit=proposal.unit, number=number.text, register_year=number.year,
        register_seq=number.seq, reported_on=today, implementer=lead, signer_name=signer_name,
        signer_title=signer_title, filed_by=by, on_behalf=lead.is_outside, addressed_to=addressees, attested=True,
        overall=overall, results_summary=results_summary, resources_used=resources_used, funds_used=funds_used,
        damage=damage, damage_description=damage_description, damage_amount=damage_amount, causes=causes,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(_("Báo cáo kết quả thực hiện của đề xuất đã được nộp."), code="duplicate") from None
    for row in rows:
        row.report = report
    ReportResult.objects.bulk_create(rows)
    for uploaded, checked in checked_files:
        item = ReportEvidence(report=report, proposal=proposal, name=uploaded.name[:255], sha256=checked.sha256,
                              content_type=checked.content_type, size=checked.size)
        item.file.save("evidence", checked.file, save=False)
        item.save()
    digest = store_issued(documents.REPORT, report)  # after every check and save: a refused report writes no file
    step_close(proposal=proposal, kind=STEP_COMPLETION_REPORT)
    step_close(proposal=proposal, kind=STEP_PROGRESS_REPORT)
    conclusion_only = evaluation_path(proposal, stopped=stopped) == LegalProfile.EvaluationPath.CONCLUSION
    step_open(
        proposal=proposal, kind=STEP_EVALUATION,
        label=_("Ban hành kết luận đánh giá") if conclusion_only else _("Họp đánh giá kết quả thực hiện"),
        due_on=due_after(today, proposal.profile.evaluation_meeting_deadline_wd), unit=proposal.decision_unit,
    )
    proposal_transition(
        proposal=proposal, action=Action.REPORT, by=by, role=acting.role, unit=acting.unit,
        payload={"report": report.pk, "number": report.number, "basis": report.basis, "overall": overall,
                 "on_behalf": report.on_behalf, "pdf_sha256": digest,
                 "evidence": [checked.sha256 for _uploaded, checked in checked_files]},
    )
    notify(recipients=_unit_people(proposal.decision_unit, rules.HEAD_OR_SECRETARIAT),
           message=gettext_noop("Đã nhận báo cáo kết quả thực hiện đề xuất “%(title)s” (Báo cáo số %(number)s)."),
           params={"title": proposal.title, "number": report.number}, url=_url(proposal))
    return report


def report_download(*, report: CompletionReport, by) -> StoredPdf:
    """The report as stored (a regenerated copy is recorded in the audit log); the caller has checked that `by`
    may read the proposal."""
    return download_issued(documents.REPORT, report, by=by)
