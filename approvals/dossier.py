"""The deciding unit's records in a proposal's evidence dossier (spec README §5; core.stages.DossierEntry).

The party committee's opinions are short records (their scans are kept, with their hash, but not merged:
a scan may be a photograph); each closed meeting contributes its minutes and each decision or letter its
document, both as stored when issued, with the SHA-256 recorded then. The dossier checks the bytes against
that hash and leaves out a file that does not match it.
"""

from django.utils.translation import gettext as _

from core.documents import IssuedDocument, read_issued
from core.stages import DossierEntry
from proposals.models import Proposal

from . import documents
from .models import Consultation, Decision, Meeting
from .selectors import meeting_record, meetings_with_votes


def _stored(document: IssuedDocument, instance):
    """`pdf()` of an entry: the bytes kept when the document was issued.

    A copy rendered again (the stored file is missing) is not the record: the dossier says the file is
    missing (FileNotFoundError) instead of merging a copy that would not match the recorded hash anyway.
    A file that no longer matches its hash raises `StoredDocumentMismatch` (core.documents.read_issued).
    """

    def read() -> bytes:
        stored = read_issued(document, instance)
        if stored.regenerated:
            raise FileNotFoundError(document.what(instance))
        return stored.content

    return read


def _date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def _consultation_entry(consultation: Consultation) -> DossierEntry:
    lines = [
        _("Cấp ủy, tổ chức đảng: %(committee)s") % {"committee": consultation.committee},
        _("Ngày có ý kiến: %(date)s; về kế hoạch phiên bản %(version)s") % {
            "date": _date(consultation.opinion_date), "version": consultation.version},
        _("Nội dung ý kiến: %(opinion)s") % {"opinion": consultation.opinion},
        _("Người ghi nhận: %(name)s") % {"name": consultation.recorded_by.get_full_name()},
    ]
    if consultation.document:
        lines.append(_("Văn bản ý kiến (bản chụp) lưu kèm: %(name)s") % {"name": consultation.document_name})
    return DossierEntry(
        at=consultation.recorded_at, title=_("Ý kiến của cấp ủy trước khi xem xét, quyết định (Điều 4 khoản 3)"),
        sha256=consultation.document_sha256, lines=tuple(lines),
    )


def _meeting_entry(meeting: Meeting, profile) -> DossierEntry:
    record = meeting_record(meeting, profile=profile)
    lines = [
        _("Ngày họp: %(date)s; chủ trì: %(chair)s; thư ký: %(secretary)s") % {
            "date": _date(meeting.held_on), "chair": meeting.chair.get_full_name(),
            "secretary": meeting.secretary_name or "—"},
        _("Thành viên có quyền biểu quyết: %(eligible)s; có mặt: %(present)s") % {
            "eligible": len(record.eligible), "present": len(record.present)},
    ]
    if meeting.excluded_note:
        lines.append(_("Không tham gia biểu quyết: %(note)s") % {"note": meeting.excluded_note})
    lines.append(_("Kết quả: tán thành %(for)s, không tán thành %(against)s, không biểu quyết %(abstain)s "
                   "trên %(denominator)s; %(result)s") % {
        "for": meeting.votes_for, "against": meeting.votes_against, "abstain": meeting.votes_abstain,
        "denominator": meeting.denominator,
        "result": _("thông qua") if meeting.passed else _("không thông qua"),
    })
    lines.append(f"{record.rule}. {record.tie_rule}.")
    for ballot in record.ballots:
        vote = f"{ballot.person.get_full_name()}: {ballot.choice_display}"
        lines.append(f"{vote} — {ballot.reason}" if ballot.reason else vote)
    return DossierEntry(
        at=meeting.closed_at, title=_("Biên bản họp tập thể lãnh đạo xem xét đề xuất"),  # route A or B: the minutes cite the clause (D-3)
        number=meeting.minutes_number, sha256=meeting.minutes_sha256, lines=tuple(lines),
        pdf=_stored(documents.MINUTES, meeting),
    )


def _adjourned_entry(meeting: Meeting) -> DossierEntry:
    return DossierEntry(
        at=meeting.closed_at or meeting.opened_at, title=_("Cuộc họp tập thể lãnh đạo bị hoãn"),
        lines=(_("Ngày họp: %(date)s") % {"date": _date(meeting.held_on)},
               _("Lý do hoãn: %(reason)s") % {"reason": meeting.adjourn_reason or "—"},
               _("Các phiếu đã bỏ tại cuộc họp này không được tính.")),
    )


def _decision_entry(decision: Decision) -> DossierEntry:
    lines = [
        _("Ngày ban hành: %(date)s") % {"date": _date(decision.issued_on)},
        _("Người ký: %(name)s, %(title)s") % {"name": decision.signer.get_full_name(), "title": decision.signer_title},
        _("Về kế hoạch phiên bản %(version)s") % {"version": decision.version},
    ]
    return DossierEntry(
        at=decision.created_at, title=decision.get_kind_display(), number=decision.number, sha256=decision.pdf_sha256,
        lines=tuple(lines), pdf=_stored(documents.DECISION, decision),
    )


def dossier_entries(proposal: Proposal) -> list[DossierEntry]:
    """The consultations, the meetings (closed: minutes with votes; adjourned: why) and the decisions.

    Queries: consultations (1), meetings with votes, voters and attendees (1, +3 when there is a meeting),
    decisions (1). Reading a stored file happens only when the dossier calls an entry's `pdf()`.
    """
    entries = [
        _consultation_entry(c) for c in Consultation.objects.filter(proposal=proposal).select_related("recorded_by")
    ]
    for meeting in meetings_with_votes().filter(proposal=proposal).exclude(state=Meeting.State.OPEN):
        # An open meeting has no record yet: while the vote runs nobody reads the choices (approvals.admin).
        if meeting.state == Meeting.State.CLOSED:
            entries.append(_meeting_entry(meeting, proposal.profile))
        else:
            entries.append(_adjourned_entry(meeting))
    entries += [_decision_entry(d) for d in Decision.objects.filter(proposal=proposal).select_related("signer")]
    return entries
