"""The deciding unit's directions on a proposal being implemented: suspend, continue, stop, adjust.

Spec: after-approval.md IMP-5 (each direction a numbered written decision with reasons and an effective date,
by the employing unit's head, the superior for route B; adjustment as a new approved version by the path the
legal profile sets), IMP-7 (the superior informed of an override-approved proposal's directions), CMP-4 (a
stopped proposal reports its results so far within the profile's deadline); decree73.md T9; documents.md.

Each service locks the proposal, asks `rules.director` on the locked row before it reads its input, checks
the transition, numbers the decision in the unit's QĐ register, renders and stores it once with its SHA-256,
moves the proposal (the hash-chained audit event) and notifies on commit. The lock makes a second click wait
for the first and then find the proposal already moved: one direction per transition.
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
from approvals.models import Decision
from approvals.services import MIN_JUSTIFICATION_CHARS
from core.actions import Situation
from core.documents import StoredPdf, download_issued, next_number, store_issued
from core.documents.layout import signature_title
from core.notifications import notify
from implementation.services import targets_copy
from proposals.models import LegalProfile, PlanVersion, Proposal
from proposals.services import ensure_transition, plan_version_adjust, proposal_transition
from proposals.steps import step_close, step_open
from proposals.transitions import Action

from . import documents, rules
from .models import Direction
from .selectors import approval_decision, implementers, lead_implementer, stop_report_due

# How far ahead a direction may take effect (calendar days): a decision is issued for what happens now, not
# scheduled for a distant date, when the situation it answers may have changed [I].
MAX_DAYS_AHEAD = 30
# The plan contents an adjustment may change (IMP-5; the form pre-fills them from the approved version).
ADJUSTABLE_FIELDS = ("end_date", "milestones", "indicators", "resources", "content_solutions", "expected_results")
# Step kinds shared with the implementation and evaluation stages (a contract: exactly these names).
COMPLETION_REPORT_STEP = "completion_report"
PROGRESS_REPORT_STEP = "progress_report"

Kind = Direction.Kind

NOTICES = {
    Kind.SUSPEND: gettext_noop("Đề xuất “%(title)s” được tạm dừng thực hiện từ ngày %(date)s (Quyết định số %(number)s)."),
    Kind.CONTINUE: gettext_noop("Đề xuất “%(title)s” được tiếp tục thực hiện từ ngày %(date)s (Quyết định số %(number)s)."),
    Kind.STOP: gettext_noop(
        "Đề xuất “%(title)s” dừng thực hiện từ ngày %(date)s (Quyết định số %(number)s). Báo cáo kết quả thực hiện "
        "đến thời điểm dừng chậm nhất ngày %(due)s."
    ),
    Kind.ADJUST: gettext_noop(
        "Đề xuất “%(title)s” được điều chỉnh từ ngày %(date)s (Quyết định số %(number)s): thực hiện theo kế hoạch "
        "phiên bản %(version)s."
    ),
}
SUPERIOR_NOTICE = gettext_noop(
    "Báo cáo cấp trên: %(unit)s ban hành Quyết định số %(number)s chỉ đạo thực hiện đề xuất “%(title)s” "
    "(đề xuất do người đứng đầu quyết định cho triển khai khi tập thể không thông qua)."
)


# --- Reads the services share -----------------------------------------------------------------------------------


def _lock(proposal: Proposal) -> Proposal:
    # `of=("self",)`: the joined rows (units, profile, proposer) are read, not locked.
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("unit", "decision_unit__parent", "profile", "proposer")
        .get(pk=proposal.pk)
    )


def superior_to_inform(proposal: Proposal, decision: Decision | None, on_date: datetime.date):
    """IMP-7: the unit above the deciding unit, when the head decided against the collective (an override) and
    the legal profile asks that the superior hear of every direction; None otherwise."""
    if decision is None or decision.kind != Decision.Kind.OVERRIDE or not proposal.profile.notify_superior_of_override:
        return None
    return org.unit_superior(unit=proposal.decision_unit, on_date=on_date)


def _official_title(position: Position) -> str:
    """The signer's title as printed on a Vietnamese document, whatever language their interface uses."""
    with translation.override(settings.LANGUAGE_CODE):
        return signature_title(position) or str(position.get_role_display())  # review finding 2: the title only


# --- Checks ------------------------------------------------------------------------------------------------------


def _check_reasons(reasons: str, errors: dict) -> str:
    reasons = reasons.strip()
    if len(reasons) < MIN_JUSTIFICATION_CHARS:
        errors["reasons"] = _("Cần nêu rõ lý do của quyết định (ít nhất %(n)s ký tự).") % {"n": MIN_JUSTIFICATION_CHARS}
    return reasons


def _check_effective_on(
    effective_on: datetime.date | None, *, today: datetime.date, decision: Decision | None, last: Direction | None,
    errors: dict,
) -> None:
    """The day the direction takes effect: from the approval decision's date (and not before the direction it
    follows) to MAX_DAYS_AHEAD days after issue."""
    if effective_on is None:
        errors["effective_on"] = _("Cần ghi ngày quyết định có hiệu lực.")
    elif decision is not None and effective_on < decision.issued_on:
        errors["effective_on"] = _("Ngày có hiệu lực không được trước ngày quyết định cho triển khai (%(date)s).") % {
            "date": decision.issued_on.strftime("%d/%m/%Y")
        }
    elif last is not None and effective_on < last.effective_on:
        errors["effective_on"] = _(
            "Ngày có hiệu lực không được trước ngày có hiệu lực của quyết định chỉ đạo trước đó (%(number)s, %(date)s)."
        ) % {"number": last.number, "date": last.effective_on.strftime("%d/%m/%Y")}
    elif effective_on > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        errors["effective_on"] = _("Ngày có hiệu lực không được sau ngày ban hành quá %(n)s ngày.") % {"n": MAX_DAYS_AHEAD}


def _check_collective_grounds(
    *, minutes_number: str, meeting_held_on: datetime.date | None, party_committee: str,
    party_opinion_date: datetime.date | None, today: datetime.date, decision: Decision | None, errors: dict,
) -> None:
    """The collective path (IMP-5 [U] default, the path of the original approval): the leadership meeting that
    agreed, and before it the party committee's opinion (Art. 4(3) by analogy [I])."""
    earliest = decision.issued_on if decision is not None else None
    if not minutes_number.strip():
        errors["minutes_number"] = _("Cần ghi số biên bản họp tập thể lãnh đạo đã thống nhất việc điều chỉnh.")
    if meeting_held_on is None:
        errors["meeting_held_on"] = _("Cần ghi ngày họp tập thể lãnh đạo.")
    elif meeting_held_on > today or (earliest and meeting_held_on < earliest):
        errors["meeting_held_on"] = _("Ngày họp phải từ ngày quyết định cho triển khai đến hôm nay.")
    if not party_committee.strip():
        errors["party_committee"] = _("Cần ghi cấp ủy, tổ chức đảng đã cho ý kiến (Điều 4 khoản 3).")
    if party_opinion_date is None:
        errors["party_opinion_date"] = _("Cần ghi ngày có ý kiến của cấp ủy.")
    elif party_opinion_date > today or (earliest and party_opinion_date < earliest):
        errors["party_opinion_date"] = _("Ngày có ý kiến phải từ ngày quyết định cho triển khai đến hôm nay.")
    elif meeting_held_on is not None and party_opinion_date > meeting_held_on:
        errors["party_opinion_date"] = _(
            "Ý kiến của cấp ủy phải có trước khi tập thể lãnh đạo họp thống nhất việc điều chỉnh (Điều 4 khoản 3)."
        )


# --- Issuing -------------------------------------------------------------------------------------------------------


def _issue(*, proposal: Proposal, direction: Direction, position: Position, by, decision: Decision | None,
           today: datetime.date) -> Direction:
    """Number, save and render the direction on a locked, checked proposal, then move the proposal."""
    number = next_number(unit=proposal.decision_unit, register=Direction.REGISTER, year=today.year)
    direction.proposal = proposal
    direction.from_status = proposal.status
    direction.unit = proposal.decision_unit
    direction.number, direction.register = number.text, number.register
    direction.register_year, direction.register_seq = number.year, number.seq
    direction.issued_on = today
    direction.signer = by
    direction.signer_title = _official_title(position)
    direction.superior_unit = superior_to_inform(proposal, decision, today)
    try:
        with transaction.atomic():
            direction.save()
    except IntegrityError:
        raise ValidationError(_("Quyết định chỉ đạo này đã được ban hành."), code="duplicate") from None
    digest = store_issued(documents.DIRECTION, direction)  # after every check and save: a refusal writes no file
    proposal_transition(
        proposal=proposal, action=Direction.ACTION[direction.kind], by=by, role=position.role, unit=position.unit,
        payload={"direction": direction.pk, "number": direction.number, "kind": direction.kind,
                 "effective_on": direction.effective_on, "version": direction.version,
                 "superior_informed": direction.superior_unit_id, "pdf_sha256": digest},
    )
    return direction


def _notify(proposal: Proposal, direction: Direction, **params) -> None:
    """The implementers (the lead first), the proposer and, IMP-7, the superior's head: on commit."""
    url = reverse("proposals:detail", args=[proposal.pk])
    recipients = [lead_implementer(proposal), *implementers(proposal), proposal.proposer]
    notify(
        recipients=list(dict.fromkeys(person for person in recipients if person is not None)),
        message=NOTICES[direction.kind],
        params={"title": proposal.title, "number": direction.number,
                "date": direction.effective_on.strftime("%d/%m/%Y"), **params},
        url=url,
    )
    if direction.superior_unit is not None:
        superior_head = org.unit_head_on(unit=direction.superior_unit, on_date=direction.issued_on)
        notify(
            recipients=[superior_head.person if superior_head else None], message=SUPERIOR_NOTICE,
            params={"title": proposal.title, "number": direction.number, "unit": direction.unit.name}, url=url,
        )


def _direct(*, proposal: Proposal, by, kind: str, reasons: str, effective_on: datetime.date | None) -> Direction:
    """Suspend, continue or stop: the status changes, the approved version stays."""
    proposal = _lock(proposal)
    position = rules.director(Situation(proposal=proposal, user=by))
    ensure_transition(proposal, Direction.ACTION[kind])
    today = timezone.localdate()
    decision = approval_decision(proposal)
    errors: dict = {}
    reasons = _check_reasons(reasons, errors)
    _check_effective_on(effective_on, today=today, decision=decision, last=proposal.directions.last(), errors=errors)
    if errors:
        raise ValidationError(errors)
    direction = Direction(kind=kind, version=proposal.approved_version, reasons=reasons, effective_on=effective_on)
    return _issue(proposal=proposal, direction=direction, position=position, by=by, decision=decision, today=today)


@transaction.atomic
def direction_suspend(*, proposal: Proposal, by, reasons: str, effective_on: datetime.date | None) -> Direction:
    """IMP-5: tạm dừng. IN_IMPLEMENTATION → SUSPENDED; the implementation stage refuses progress meanwhile."""
    direction = _direct(proposal=proposal, by=by, kind=Kind.SUSPEND, reasons=reasons, effective_on=effective_on)
    _notify(direction.proposal, direction)
    return direction


@transaction.atomic
def direction_continue(*, proposal: Proposal, by, reasons: str, effective_on: datetime.date | None) -> Direction:
    """IMP-5: tiếp tục. SUSPENDED → IN_IMPLEMENTATION."""
    direction = _direct(proposal=proposal, by=by, kind=Kind.CONTINUE, reasons=reasons, effective_on=effective_on)
    _notify(direction.proposal, direction)
    return direction


@transaction.atomic
def direction_stop(*, proposal: Proposal, by, reasons: str, effective_on: datetime.date | None) -> Direction:
    """IMP-5: dừng, from IN_IMPLEMENTATION or SUSPENDED → STOPPED; CMP-4: the lead implementer reports the results
    so far (the step "completion_report", whose report the implementation stage receives), then evaluation."""
    direction = _direct(proposal=proposal, by=by, kind=Kind.STOP, reasons=reasons, effective_on=effective_on)
    proposal = direction.proposal
    due = stop_report_due(direction, proposal.profile)
    step_open(
        proposal=proposal, kind=COMPLETION_REPORT_STEP, label=_("Báo cáo kết quả thực hiện đến thời điểm dừng"),
        due_on=due, unit=proposal.unit, person=lead_implementer(proposal),
    )
    # Implementation has ended: no further progress report is due (IMP-4).
    step_close(proposal=proposal, kind=PROGRESS_REPORT_STEP)
    _notify(proposal, direction, due=due.strftime("%d/%m/%Y"))
    return direction


@transaction.atomic
def direction_adjust(
    *, proposal: Proposal, by, reasons: str, effective_on: datetime.date | None, plan: dict,
    minutes_number: str = "", meeting_held_on: datetime.date | None = None, party_committee: str = "",
    party_opinion_date: datetime.date | None = None,
) -> Direction:
    """IMP-5: điều chỉnh. The status stays IN_IMPLEMENTATION; the plan with `plan` (ADJUSTABLE_FIELDS) applied
    becomes the next approved version (proposals.services.plan_version_adjust).

    The path is the legal profile's `adjustment_path` [U]: "head", the head decides; "collective" (default), the
    decision rests on the leadership meeting's minutes and the party committee's opinion, recorded on it and
    cited in its text.
    """
    unknown = set(plan) - set(ADJUSTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not adjustable here: {sorted(unknown)}")
    proposal = _lock(proposal)
    position = rules.director(Situation(proposal=proposal, user=by))
    ensure_transition(proposal, Action.ADJUST)
    today = timezone.localdate()
    decision = approval_decision(proposal)
    path = proposal.profile.adjustment_path
    errors: dict = {}
    reasons = _check_reasons(reasons, errors)
    _check_effective_on(effective_on, today=today, decision=decision, last=proposal.directions.last(), errors=errors)
    if path == LegalProfile.DecisionPath.COLLECTIVE:
        _check_collective_grounds(
            minutes_number=minutes_number, meeting_held_on=meeting_held_on, party_committee=party_committee,
            party_opinion_date=party_opinion_date, today=today, decision=decision, errors=errors,
        )
    else:
        minutes_number, meeting_held_on, party_committee, party_opinion_date = "", None, "", None
    end_date = plan.get("end_date")
    if effective_on is not None and isinstance(end_date, datetime.date) and end_date < effective_on:
        errors["end_date"] = _("Thời gian kết thúc sau điều chỉnh không được trước ngày quyết định có hiệu lực.")
    if errors:
        raise ValidationError(errors)
    previous = proposal.approved_version
    version = plan_version_adjust(proposal=proposal, by=by, changes=plan, reason=reasons)
    proposal = _lock(proposal)  # read again: the service above changed the versions
    before = PlanVersion.objects.get(proposal=proposal, number=previous)
    changed = [name for name in ADJUSTABLE_FIELDS if getattr(before, name) != getattr(version, name)]
    direction = Direction(
        kind=Kind.ADJUST, version=version.number, previous_version=previous, reasons=reasons, effective_on=effective_on,
        adjustment_path=path, changed_fields=changed, minutes_number=minutes_number.strip(),
        meeting_held_on=meeting_held_on, party_committee=party_committee.strip(), party_opinion_date=party_opinion_date,
    )
    direction = _issue(proposal=proposal, direction=direction, position=position, by=by, decision=decision, today=today)
    # IMP-3: the milestones and indicators of the new version in force become the implementation's targets.
    targets_copy(proposal=proposal, by=by)
    _notify(proposal, direction, version=version.number)
    return direction


def direction_download(*, direction: Direction, by) -> StoredPdf:
    """The decision as stored (a regenerated copy is recorded in the audit log); the caller has checked that
    `by` may read the proposal."""
    return download_issued(documents.DIRECTION, direction, by=by)
