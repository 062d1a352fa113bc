"""Every change to incidents, supervision records and the register: checked, locked, audited, notified.

Spec: after-approval.md INC-1..3, SUP-1..2; README §3 (incidents reported confidentially to the inspectors of
the unit's subtree), §6 (every change in the hash-chained log). Who may act is `rules`; each service asks before
it looks at its input, so that someone without the position learns nothing from validation messages.

Confidentiality (INC-3): nothing here writes on a proposal's own timeline (the proposer, maybe the person
reported, reads it); events are recorded on the incident, and the payloads carry ids and hashes, never the
reporter's name or the text of the report.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import OrgUnit, Position, in_subtrees, path_ids
from accounts.selectors import people_in_subtree
from core.audit import audit_record
from core.notifications import notify
from core.uploads import check_upload
from proposals.models import Proposal

from . import rules
from .models import Incident, IncidentEvidence, IncidentStep, RegisterEntry, SupervisionFollowUp, SupervisionRecord

# Bounded input (the public form takes anything the internet sends).
DESCRIPTION_MAX_CHARS = 5000
NOTE_MAX_CHARS = 5000
MAX_EVIDENCE_FILES = 5
PUBLIC_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MIN_REASON_CHARS = 10
# The receipt of the public form: 12 symbols of an alphabet without look-alikes (0/O, 1/I): 60 bits.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 12


def receipt_digest(code: str) -> str:
    """The stored form of a receipt code: case, spaces and dashes do not matter when it is typed back."""
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def _incident_url(incident: Incident) -> str:
    return reverse("incidents:detail", args=[incident.pk])


def _lock(incident: Incident) -> Incident:
    # `of=("self",)`: the unit is read, not locked.
    return Incident.objects.select_for_update(of=("self",)).select_related("unit").get(pk=incident.pk)


def _require(text: str, *, field: str, message: str, min_chars: int = 1, max_chars: int | None = None) -> str:
    text = (text or "").strip()
    if len(text) < min_chars:
        raise ValidationError({field: message})
    if max_chars is not None and len(text) > max_chars:
        raise ValidationError({field: _("Tối đa %(n)s ký tự.") % {"n": max_chars}})
    return text


def _check_date(value: datetime.date | None, *, field: str, earliest: datetime.date, today: datetime.date) -> None:
    if value is None:
        raise ValidationError({field: _("Cần ghi ngày.")})
    if value > today:
        raise ValidationError({field: _("Ngày không được ở tương lai.")})
    if value < earliest:
        raise ValidationError({field: _("Ngày không được trước ngày %(date)s.") % {"date": earliest.strftime("%d/%m/%Y")}})


# --- Incidents: reporting (INC-1, INC-3) --------------------------------------------------------------------------


def _checked_files(files, *, max_bytes: int) -> list:
    files = list(files or [])
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError({"evidence": _("Đính kèm tối đa %(n)s tệp.") % {"n": MAX_EVIDENCE_FILES}})
    checked = []
    for uploaded in files:
        try:
            checked.append((uploaded, check_upload(uploaded, max_bytes=max_bytes)))
        except ValidationError as error:
            raise ValidationError({"evidence": [f"{uploaded.name}: {message}" for message in error.messages]}) from None
    return checked


def _people_around(unit: OrgUnit, *, today: datetime.date, among) -> set[int]:
    """Which of `among` hold a position today in `unit`'s subtree (INC-1), or in a unit above it: obstruction
    may come from above, and naming such a person keeps the report from them even when they inspect there."""
    ids = [p.pk for p in among]
    below = people_in_subtree(paths=[unit.path], on_date=today).filter(pk__in=ids).values_list("pk", flat=True)
    above = Position.objects.held_on(today).filter(unit_id__in=path_ids(unit.path), person_id__in=ids)
    return set(below) | set(above.values_list("person_id", flat=True))


def _handlers_of(incident: Incident, *, today: datetime.date) -> list:
    """The inspectors of the incident's unit and the units above it, today: whom a new report is sent to."""
    positions = Position.objects.held_on(today).filter(
        role=Position.Role.INSPECTOR, unit_id__in=path_ids(incident.unit.path), person__is_active=True,
    ).select_related("person")
    named = set(incident.reported_people.values_list("pk", flat=True))
    people = {p.person_id: p.person for p in positions if p.person_id not in named and p.person_id != incident.reporter_id}
    return list(people.values())


@transaction.atomic
def incident_report(
    *, by, kind: str, description: str, unit: OrgUnit | None = None, proposal: Proposal | None = None,
    conduct: str = "", reported_people=(), reported_text: str = "", is_denunciation: bool = False, evidence=(),
    reporter_name: str = "", reporter_contact: str = "", token=None,
) -> tuple[Incident, str]:
    """Record a report of an Art. 6 act; returns it and, for the public form (`by` is None), its receipt code.

    Anyone signed in may report, about a proposal they may see or about a unit; anyone else through the public
    form, about a unit, named or anonymous. A formal denunciation (tố cáo) is recorded as routed to the Law on
    Denunciation 2018 procedure (INC-3) instead of entering this one. `token`, one per form shown, makes a
    double submission record one report: the second is refused as a duplicate (code "duplicate").
    """
    today = timezone.localdate()
    public = by is None
    if kind not in Incident.Kind.values:
        raise ValidationError({"kind": _("Chọn một hành vi theo Điều 6 Nghị định 73/2023/NĐ-CP.")})
    if kind != Incident.Kind.NON_COMPLIANCE:
        conduct = ""
    elif conduct and conduct not in Incident.Conduct.values:
        raise ValidationError({"conduct": _("Chọn một hành vi của khoản 4 Điều 6.")})
    if proposal is not None:
        if public or not Proposal.objects.visible_to(by).filter(pk=proposal.pk).exists():
            # The same answer as for a proposal that does not exist.
            raise ValidationError({"proposal_code": _("Không tìm thấy đề xuất có mã này trong phạm vi bạn được xem.")})
        unit = proposal.unit
    if unit is None:
        raise ValidationError({"unit": _("Chọn cơ quan, đơn vị nơi xảy ra hành vi.")})
    if not OrgUnit.objects.active_on(today).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("Cơ quan, đơn vị này không còn hoạt động.")})
    unit = OrgUnit.objects.get(pk=unit.pk)  # its path as stored now
    people = list(reported_people)
    if public and people:
        raise ValidationError({"reported_text": _("Ghi họ tên, chức vụ của người bị phản ánh.")})
    if people:
        if any(p.pk not in _people_around(unit, today=today, among=people) for p in people):
            raise ValidationError({"reported_people": _(
                "Chỉ chọn cán bộ đang công tác tại cơ quan, đơn vị đã chọn, đơn vị trực thuộc hoặc cấp trên của đơn vị; "
                "người khác, ghi vào ô bên dưới."
            )})
        if not public and any(p.pk == by.pk for p in people):
            raise ValidationError({"reported_people": _("Người phản ánh không thể là người bị phản ánh.")})
    reported_text = (reported_text or "").strip()[:500]
    if not people and not reported_text:
        raise ValidationError({"reported_text": _("Cần nêu người, cơ quan bị phản ánh (chọn cán bộ hoặc ghi cụ thể).")})
    description = _require(description, field="description", message=_("Cần mô tả hành vi bị phản ánh."),
                           max_chars=DESCRIPTION_MAX_CHARS)
    max_bytes = min(settings.ATTACHMENT_MAX_BYTES, PUBLIC_EVIDENCE_MAX_BYTES) if public else settings.ATTACHMENT_MAX_BYTES
    files = _checked_files(evidence, max_bytes=max_bytes)

    receipt = _new_receipt() if public else ""
    incident = Incident(
        kind=kind, conduct=conduct, channel=Incident.Channel.PUBLIC if public else Incident.Channel.SIGNED_IN,
        unit=unit, proposal=proposal, reporter=by, reported_text=reported_text, description=description,
        reporter_name=(reporter_name or "").strip()[:150] if public else "",
        reporter_contact=(reporter_contact or "").strip()[:200] if public else "",
        is_denunciation=is_denunciation,
        status=Incident.Status.ROUTED if is_denunciation else Incident.Status.RECEIVED,
        receipt_digest=receipt_digest(receipt) if public else None, submission_token=token,
    )
    incident.full_clean(exclude=["reported_people", "submission_token"])
    try:
        with transaction.atomic():
            incident.save()
    except IntegrityError:
        raise ValidationError(_("Phản ánh này đã được gửi."), code="duplicate") from None
    incident.reported_people.set(people)
    # Everything is checked before the files are written: a refused report leaves no file behind.
    for uploaded, checked in files:
        evidence_row = IncidentEvidence(
            incident=incident, original_name=uploaded.name[:255], content_type=checked.content_type,
            size=checked.size, sha256=checked.sha256,
        )
        evidence_row.file.save("evidence", checked.file, save=False)
        evidence_row.save()
    audit_record(
        action="incident_report", obj=incident, actor=by, unit=unit, to_state=incident.status,
        payload={"kind": kind, "conduct": conduct, "channel": incident.channel, "proposal": proposal.pk if proposal else None,
                 "denunciation": is_denunciation, "reported": sorted(p.pk for p in people),
                 "evidence_sha256": [checked.sha256 for _uploaded, checked in files]},
    )
    notify(
        recipients=_handlers_of(incident, today=today),
        message=(gettext_noop("Có đơn tố cáo %(number)s cần chuyển giải quyết theo Luật Tố cáo.") if is_denunciation
                 else gettext_noop("Có phản ánh %(number)s cần xem xét, xử lý.")),
        params={"number": incident.number}, url=_incident_url(incident),
    )
    return incident, receipt


def incident_by_receipt(code: str) -> Incident | None:
    """The incident a public receipt code belongs to (the lookup shows its status only)."""
    if not code or len(code) > 40:
        return None
    return Incident.objects.filter(receipt_digest=receipt_digest(code)).first()


# --- Incidents: handling (INC-2) -----------------------------------------------------------------------------------


def _take_up(incident: Incident, *, by, position: Position) -> None:
    incident.status = Incident.Status.HANDLING
    incident.taken_up_by = by
    incident.taken_up_at = timezone.now()
    incident.save(update_fields=["status", "taken_up_by", "taken_up_at"])
    audit_record(action="incident_take_up", obj=incident, actor=by, role=position.role, unit=position.unit,
                 from_state=Incident.Status.RECEIVED, to_state=Incident.Status.HANDLING)


@transaction.atomic
def incident_take_up(*, incident: Incident, by) -> Incident:
    """received → handling: a handler takes the report up."""
    incident = _lock(incident)
    position = rules.handler(incident=incident, user=by, today=timezone.localdate())
    if incident.status != Incident.Status.RECEIVED:
        raise ValidationError(_("Phản ánh này đã được tiếp nhận xử lý hoặc không còn chờ tiếp nhận."), code="bad_state")
    _take_up(incident, by=by, position=position)
    return incident


@transaction.atomic
def incident_step_record(*, incident: Incident, by, happened_on: datetime.date, note: str) -> IncidentStep:
    """A step of the handling (verification, request for explanation, meeting…); the first one takes the report up."""
    incident = _lock(incident)
    today = timezone.localdate()
    position = rules.handler(incident=incident, user=by, today=today)
    if incident.status not in (Incident.Status.RECEIVED, Incident.Status.HANDLING):
        raise ValidationError(_("Chỉ ghi nhận bước xử lý khi phản ánh đang chờ hoặc đang xử lý."), code="bad_state")
    _check_date(happened_on, field="happened_on", earliest=timezone.localdate(incident.received_at), today=today)
    note = _require(note, field="note", message=_("Cần ghi nội dung đã thực hiện."), max_chars=NOTE_MAX_CHARS)
    if incident.status == Incident.Status.RECEIVED:
        _take_up(incident, by=by, position=position)
    step = IncidentStep.objects.create(incident=incident, happened_on=happened_on, note=note, recorded_by=by)
    audit_record(action="incident_step", obj=incident, actor=by, role=position.role, unit=position.unit,
                 payload={"step": step.pk, "happened_on": happened_on})
    return step


@transaction.atomic
def incident_close(*, incident: Incident, by, outcome: str, reason: str, outcome_on: datetime.date) -> Incident:
    """handling → closed with one outcome of INC-2, its reason and date. Two handlers closing at once: the row
    lock makes the second one find it closed, so one outcome is recorded."""
    incident = _lock(incident)
    today = timezone.localdate()
    position = rules.handler(incident=incident, user=by, today=today)
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError(_("Phản ánh đã được kết thúc xử lý."), code="closed")
    if incident.status != Incident.Status.HANDLING:
        raise ValidationError(_("Cần tiếp nhận xử lý phản ánh trước khi kết luận."), code="bad_state")
    if outcome not in Incident.Outcome.values:
        raise ValidationError({"outcome": _("Chọn một kết quả xử lý.")})
    reason = _require(reason, field="reason", min_chars=MIN_REASON_CHARS, max_chars=NOTE_MAX_CHARS,
                      message=_("Cần nêu căn cứ, lý do (ít nhất %(n)s ký tự).") % {"n": MIN_REASON_CHARS})
    _check_date(outcome_on, field="outcome_on", earliest=timezone.localdate(incident.received_at), today=today)
    updated = Incident.objects.filter(pk=incident.pk, status=Incident.Status.HANDLING).update(
        status=Incident.Status.CLOSED, outcome=outcome, outcome_reason=reason, outcome_on=outcome_on, closed_by=by,
        closed_at=timezone.now(),
    )
    if updated != 1:  # the lock makes this unreachable; the condition keeps it true without one (SQLite)
        raise ValidationError(_("Phản ánh đã được kết thúc xử lý."), code="closed")
    incident.refresh_from_db()
    audit_record(action="incident_close", obj=incident, actor=by, role=position.role, unit=position.unit,
                 from_state=Incident.Status.HANDLING, to_state=Incident.Status.CLOSED,
                 payload={"outcome": outcome, "outcome_on": outcome_on})
    notify(recipients=[incident.reporter], message=gettext_noop("Phản ánh %(number)s của bạn đã được xử lý xong."),
           params={"number": incident.number}, url=_incident_url(incident))
    return incident


@transaction.atomic
def incident_forward(*, incident: Incident, by, forwarded_to: str, forwarded_on: datetime.date) -> Incident:
    """A denunciation handed over to the body competent under the Law on Denunciation 2018 (INC-3)."""
    incident = _lock(incident)
    today = timezone.localdate()
    position = rules.handler(incident=incident, user=by, today=today)
    if incident.status != Incident.Status.ROUTED or incident.forwarded_on is not None:
        raise ValidationError(_("Chỉ ghi nhận việc chuyển đơn tố cáo chưa được chuyển."), code="bad_state")
    forwarded_to = _require(forwarded_to, field="forwarded_to", max_chars=255,
                            message=_("Ghi cơ quan có thẩm quyền giải quyết tố cáo."))
    _check_date(forwarded_on, field="forwarded_on", earliest=timezone.localdate(incident.received_at), today=today)
    incident.forwarded_to, incident.forwarded_on = forwarded_to, forwarded_on
    incident.save(update_fields=["forwarded_to", "forwarded_on"])
    audit_record(action="incident_forward", obj=incident, actor=by, role=position.role, unit=position.unit,
                 payload={"forwarded_to": forwarded_to, "forwarded_on": forwarded_on})
    return incident


# --- Supervision (SUP-1) -------------------------------------------------------------------------------------------


def _proposals_in(unit: OrgUnit, codes, *, field: str) -> list[Proposal]:
    """The submitted proposals of `unit`'s subtree with these codes; a code not found there is an error."""
    codes = sorted({code.strip().upper() for code in codes if code.strip()})
    if not codes:
        return []
    found = list(
        Proposal.objects.filter(code__in=codes).filter(in_subtrees([unit.path], field="unit__path"))
        .exclude(status=Proposal.Status.DRAFT)
    )
    missing = sorted(set(codes) - {p.code for p in found})
    if missing:
        raise ValidationError({field: _(
            "Không có đề xuất mã %(codes)s thuộc đơn vị được chọn hoặc đơn vị trực thuộc."
        ) % {"codes": ", ".join(missing)}})
    return found


def _lock_record(record: SupervisionRecord) -> SupervisionRecord:
    return SupervisionRecord.objects.select_for_update(of=("self",)).select_related("unit").get(pk=record.pk)


@transaction.atomic
def supervision_create(
    *, by, unit: OrgUnit, body: str, title: str, plan: str, planned_from: datetime.date, planned_to: datetime.date,
    proposal_codes=(),
) -> SupervisionRecord:
    """SUP-1: an inspector (or the focal secretariat) records the plan of a supervision of a unit in reach."""
    unit = OrgUnit.objects.get(pk=unit.pk)
    position = rules.supervisor(user=by, unit=unit, today=timezone.localdate())
    body = _require(body, field="body", message=_("Ghi cơ quan kiểm tra, giám sát."), max_chars=255)
    title = _require(title, field="title", message=_("Ghi nội dung giám sát."), max_chars=300)
    plan = _require(plan, field="plan", message=_("Ghi kế hoạch giám sát."), max_chars=NOTE_MAX_CHARS)
    if planned_from is None or planned_to is None:
        raise ValidationError({"planned_to": _("Ghi thời gian giám sát.")})
    if planned_to < planned_from:
        raise ValidationError({"planned_to": _("Thời gian kết thúc phải sau thời gian bắt đầu.")})
    proposals = _proposals_in(unit, proposal_codes, field="proposal_codes")
    record = SupervisionRecord.objects.create(
        unit=unit, body=body, title=title, plan=plan, planned_from=planned_from, planned_to=planned_to,
        year=planned_from.year, created_by=by,
    )
    record.proposals.set(proposals)
    audit_record(action="supervision_create", obj=record, actor=by, role=position.role, unit=position.unit,
                 to_state=record.state,
                 payload={"unit": unit.pk, "planned_from": planned_from, "planned_to": planned_to,
                          "proposals": sorted(p.pk for p in proposals)})
    return record


@transaction.atomic
def supervision_conclude(
    *, record: SupervisionRecord, by, finding: str, recommendation: str, concluded_on: datetime.date,
    party_orgs_handled: int = 0, party_members_handled: int = 0,
) -> SupervisionRecord:
    """planned → concluded: the finding and the recommendation (and, for reports.md col. 17, who was handled)."""
    record = _lock_record(record)
    today = timezone.localdate()
    position = rules.supervisor(user=by, unit=record.unit, today=today)
    if record.state != SupervisionRecord.State.PLANNED:
        raise ValidationError(_("Kết quả giám sát đã được ghi nhận."), code="bad_state")
    finding = _require(finding, field="finding", message=_("Ghi kết quả, phát hiện."), max_chars=NOTE_MAX_CHARS)
    recommendation = _require(recommendation, field="recommendation", message=_("Ghi kiến nghị (hoặc “không có kiến nghị”)."),
                              max_chars=NOTE_MAX_CHARS)
    _check_date(concluded_on, field="concluded_on", earliest=record.planned_from, today=today)
    for field, value in (("party_orgs_handled", party_orgs_handled), ("party_members_handled", party_members_handled)):
        if value is None or value < 0:
            raise ValidationError({field: _("Nhập số không âm.")})
    record.state = SupervisionRecord.State.CONCLUDED
    record.finding, record.recommendation, record.concluded_on = finding, recommendation, concluded_on
    record.party_orgs_handled, record.party_members_handled = party_orgs_handled, party_members_handled
    record.save()
    audit_record(action="supervision_conclude", obj=record, actor=by, role=position.role, unit=position.unit,
                 from_state=SupervisionRecord.State.PLANNED, to_state=record.state,
                 payload={"concluded_on": concluded_on, "party_orgs_handled": party_orgs_handled,
                          "party_members_handled": party_members_handled})
    return record


@transaction.atomic
def supervision_follow_up(
    *, record: SupervisionRecord, by, happened_on: datetime.date, note: str, completed: bool = False,
) -> SupervisionFollowUp:
    """A follow-up note on the recommendation; `completed` closes the record."""
    record = _lock_record(record)
    today = timezone.localdate()
    position = rules.supervisor(user=by, unit=record.unit, today=today)
    if record.state != SupervisionRecord.State.CONCLUDED:
        raise ValidationError(_("Chỉ theo dõi kiến nghị sau khi có kết quả giám sát và trước khi hoàn thành."),
                              code="bad_state")
    _check_date(happened_on, field="happened_on", earliest=record.concluded_on, today=today)
    note = _require(note, field="note", message=_("Ghi nội dung theo dõi, đôn đốc."), max_chars=NOTE_MAX_CHARS)
    follow_up = SupervisionFollowUp.objects.create(record=record, happened_on=happened_on, note=note, recorded_by=by)
    from_state = record.state
    if completed:
        record.state = SupervisionRecord.State.CLOSED
        record.save(update_fields=["state"])
    audit_record(action="supervision_follow_up", obj=record, actor=by, role=position.role, unit=position.unit,
                 from_state=from_state if completed else "", to_state=record.state if completed else "",
                 payload={"follow_up": follow_up.pk, "happened_on": happened_on, "completed": completed})
    return follow_up


# --- The register (SUP-2) ------------------------------------------------------------------------------------------


def _lock_entry(entry: RegisterEntry) -> RegisterEntry:
    return RegisterEntry.objects.select_for_update(of=("self",)).select_related("unit", "forwarded_to").get(pk=entry.pk)


@transaction.atomic
def register_entry_create(
    *, by, kind: str, unit: OrgUnit, title: str, content: str, legal_basis: str = "", proposal_code: str = "",
) -> RegisterEntry:
    unit = OrgUnit.objects.get(pk=unit.pk)
    position = rules.register_editor(user=by, unit=unit, today=timezone.localdate())
    if kind not in RegisterEntry.Kind.values:
        raise ValidationError({"kind": _("Chọn loại kiến nghị.")})
    title = _require(title, field="title", message=_("Ghi tên kiến nghị, mô hình."), max_chars=300)
    content = _require(content, field="content", message=_("Ghi nội dung."), max_chars=NOTE_MAX_CHARS)
    legal_basis = (legal_basis or "").strip()[:NOTE_MAX_CHARS]
    proposals = _proposals_in(unit, [proposal_code or ""], field="proposal_code")
    proposal = proposals[0] if proposals else None
    entry = RegisterEntry.objects.create(
        kind=kind, unit=unit, proposal=proposal, title=title, content=content, legal_basis=legal_basis, created_by=by,
    )
    audit_record(action="register_create", obj=entry, actor=by, role=position.role, unit=position.unit,
                 to_state=entry.status, payload={"kind": kind, "unit": unit.pk, "proposal": proposal.pk if proposal else None})
    return entry


@transaction.atomic
def register_entry_forward(*, entry: RegisterEntry, by, forwarded_to: OrgUnit, forwarded_on: datetime.date) -> RegisterEntry:
    """proposed → forwarded to a unit above the entry's, whose leadership answers it."""
    entry = _lock_entry(entry)
    today = timezone.localdate()
    position = rules.register_editor(user=by, unit=entry.unit, today=today)
    if entry.status != RegisterEntry.Status.PROPOSED:
        raise ValidationError(_("Kiến nghị đã được chuyển."), code="bad_state")
    if forwarded_to is None or forwarded_to.pk not in path_ids(entry.unit.path)[:-1]:
        raise ValidationError({"forwarded_to": _("Chọn cơ quan, đơn vị cấp trên của đơn vị đề xuất.")})
    _check_date(forwarded_on, field="forwarded_on", earliest=timezone.localdate(entry.created_at), today=today)
    entry.status, entry.forwarded_to, entry.forwarded_on = RegisterEntry.Status.FORWARDED, forwarded_to, forwarded_on
    entry.save(update_fields=["status", "forwarded_to", "forwarded_on"])
    audit_record(action="register_forward", obj=entry, actor=by, role=position.role, unit=position.unit,
                 from_state=RegisterEntry.Status.PROPOSED, to_state=entry.status,
                 payload={"forwarded_to": forwarded_to.pk, "forwarded_on": forwarded_on})
    return entry


@transaction.atomic
def register_entry_decide(
    *, entry: RegisterEntry, by, accepted: bool, response: str, decided_on: datetime.date,
) -> RegisterEntry:
    """forwarded → accepted / not accepted, answered by the leadership of the unit it went to (or above)."""
    entry = _lock_entry(entry)
    today = timezone.localdate()
    position = rules.register_decider(user=by, entry=entry, today=today)
    if entry.status != RegisterEntry.Status.FORWARDED:
        raise ValidationError(_("Kiến nghị đã được trả lời hoặc chưa được chuyển."), code="bad_state")
    response = _require(response, field="response", message=_("Ghi ý kiến trả lời."), max_chars=NOTE_MAX_CHARS)
    _check_date(decided_on, field="decided_on", earliest=entry.forwarded_on, today=today)
    entry.status = RegisterEntry.Status.ACCEPTED if accepted else RegisterEntry.Status.NOT_ACCEPTED
    entry.response, entry.decided_on = response, decided_on
    entry.save(update_fields=["status", "response", "decided_on"])
    audit_record(action="register_decide", obj=entry, actor=by, role=position.role, unit=position.unit,
                 from_state=RegisterEntry.Status.FORWARDED, to_state=entry.status, payload={"decided_on": decided_on})
    return entry

