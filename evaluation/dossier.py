"""The evaluation stage's records in a proposal's evidence dossier (spec README §5; core.stages.DossierEntry).

The party committee's opinion on the results is a short record (its scan is kept with its hash, not merged);
each closed evaluation meeting contributes its minutes, the conclusion and every protection and encouragement
document their stored PDFs with the SHA-256 recorded when issued; an explicit "không đề nghị" is a record.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.documents import IssuedDocument, read_issued
from core.stages import DossierEntry
from proposals.models import Proposal

from . import documents
from .models import (
    Conclusion,
    EncouragementRecord,
    EvaluationConsultation,
    EvaluationMeeting,
    EvaluationVote,
    Outcome,
    ProtectionRecord,
)


def _stored(document: IssuedDocument, instance):
    """`pdf()` of an entry: the bytes kept when issued; a missing file is missing (never a copy rendered again)."""

    def read() -> bytes:
        stored = read_issued(document, instance)
        if stored.regenerated:
            raise FileNotFoundError(document.what(instance))
        return stored.content

    return read


def _date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def _yes_no(value: bool) -> str:
    return _("có") if value else _("không")


def _consultation_entry(consultation: EvaluationConsultation) -> DossierEntry:
    lines = [
        _("Cấp ủy, tổ chức đảng: %(committee)s") % {"committee": consultation.committee},
        _("Ngày có ý kiến: %(date)s") % {"date": _date(consultation.opinion_date)},
        _("Nội dung ý kiến: %(opinion)s") % {"opinion": consultation.opinion},
        _("Người ghi nhận: %(name)s") % {"name": consultation.recorded_by.get_full_name()},
    ]
    if consultation.document:
        lines.append(_("Văn bản ý kiến (bản chụp) lưu kèm: %(name)s") % {"name": consultation.document_name})
    return DossierEntry(
        at=consultation.recorded_at, title=_("Ý kiến của cấp ủy trước khi đánh giá kết quả (Điều 4 khoản 3)"),
        sha256=consultation.document_sha256, lines=tuple(lines),
    )


def _meeting_entry(meeting: EvaluationMeeting) -> DossierEntry:
    if meeting.state == EvaluationMeeting.State.ADJOURNED:
        return DossierEntry(
            at=meeting.closed_at or meeting.opened_at, title=_("Cuộc họp đánh giá kết quả bị hoãn"),
            lines=(_("Ngày họp: %(date)s") % {"date": _date(meeting.held_on)},
                   _("Lý do hoãn: %(reason)s") % {"reason": meeting.adjourn_reason or "—"},
                   _("Các phiếu đã bỏ tại cuộc họp này không được tính.")),
        )
    lines = [
        _("Ngày họp: %(date)s; chủ trì: %(chair)s; thư ký: %(secretary)s") % {
            "date": _date(meeting.held_on), "chair": meeting.chair.get_full_name(), "secretary": meeting.secretary_name},
        _("Nội dung đánh giá: %(outcome)s; thiệt hại: %(damage)s; đúng chủ trương: %(a)s; động cơ trong sáng: %(b)s; "
          "vì lợi ích chung: %(c)s") % {
            "outcome": Outcome(meeting.proposed_outcome).label, "damage": _yes_no(meeting.proposed_damage),
            "a": _yes_no(meeting.proposed_right_policy), "b": _yes_no(meeting.proposed_pure_motive),
            "c": _yes_no(meeting.proposed_common_good)},
        _("Kết quả: tán thành %(for)s, không tán thành %(against)s, không biểu quyết %(abstain)s; %(result)s") % {
            "for": meeting.votes_for, "against": meeting.votes_against, "abstain": meeting.votes_abstain,
            "result": _("thông qua") if meeting.passed else _("không thông qua")},
    ]
    for vote in meeting.votes.all():
        line = f"{vote.voter.get_full_name()}: {vote.get_choice_display()}"
        lines.append(f"{line} — {vote.reason}" if vote.reason else line)
    return DossierEntry(
        at=meeting.closed_at, title=_("Biên bản họp đánh giá kết quả thực hiện đề xuất (Điều 18)"),
        number=meeting.minutes_number, sha256=meeting.minutes_sha256, lines=tuple(lines),
        pdf=_stored(documents.MINUTES, meeting),
    )


def _conclusion_entries(conclusion: Conclusion) -> list[DossierEntry]:
    lines = [
        _("Ngày ban hành: %(date)s; người ký: %(name)s, %(title)s") % {
            "date": _date(conclusion.issued_on), "name": conclusion.signer.get_full_name(), "title": conclusion.signer_title},
        _("Kết quả: %(outcome)s; thiệt hại: %(damage)s") % {
            "outcome": conclusion.get_outcome_display(), "damage": _yes_no(conclusion.damage)},
        _("Đúng chủ trương: %(a)s; động cơ trong sáng: %(b)s; vì lợi ích chung: %(c)s") % {
            "a": _yes_no(conclusion.right_policy), "b": _yes_no(conclusion.pure_motive), "c": _yes_no(conclusion.common_good)},
        _("Căn cứ bảo vệ: %(basis)s") % {"basis": conclusion.get_protection_basis_display()},
    ]
    entries = [DossierEntry(
        at=conclusion.created_at, title=_("Kết luận đánh giá kết quả thực hiện đề xuất"), number=conclusion.number,
        sha256=conclusion.pdf_sha256, lines=tuple(lines), pdf=_stored(documents.CONCLUSION, conclusion),
    )]
    for area, title in (("protection", _("Không đề nghị áp dụng biện pháp bảo vệ")),
                        ("encouragement", _("Không đề nghị khuyến khích"))):
        at = getattr(conclusion, f"{area}_declined_at")
        if at is not None:
            entries.append(DossierEntry(at=at, title=title, lines=(
                _("Lý do: %(reason)s") % {"reason": getattr(conclusion, f"{area}_declined_reason")},)))
    return entries


def _protection_entry(record: ProtectionRecord) -> DossierEntry:
    lines = [
        _("Đối tượng: %(name)s (%(kind)s)") % {"name": record.party_name, "kind": record.get_party_kind_display()},
        _("Biện pháp đề nghị: %(measure)s; căn cứ: %(basis)s") % {
            "measure": record.get_measure_display(), "basis": record.legal_basis},
        _("Kính gửi: %(body)s") % {"body": record.addressee},
    ]
    if record.final_recorded_at:
        lines.append(_("Quyết định của cơ quan có thẩm quyền: %(body)s, số %(number)s ngày %(date)s") % {
            "body": record.final_body, "number": record.final_number, "date": _date(record.final_date)})
    return DossierEntry(
        at=record.created_at, title=_("Văn bản xác nhận kết quả đánh giá, đề nghị áp dụng biện pháp bảo vệ"),
        number=record.number, sha256=record.pdf_sha256, lines=tuple(lines), pdf=_stored(documents.PROTECTION, record),
    )


def _encouragement_entry(record: EncouragementRecord) -> DossierEntry:
    title = _("Văn bản đề nghị khuyến khích") if record.by_proposal else _("Quyết định khuyến khích")
    lines = [
        _("Đối tượng: %(name)s (%(kind)s)") % {"name": record.party_name, "kind": record.get_party_kind_display()},
        _("Hình thức: %(form)s") % {"form": record.get_form_display()},
    ]
    if record.addressee:
        lines.append(_("Kính gửi: %(body)s") % {"body": record.addressee})
    return DossierEntry(
        at=record.created_at, title=title, number=record.number, sha256=record.pdf_sha256, lines=tuple(lines),
        pdf=_stored(documents.ENCOURAGEMENT, record),
    )


def dossier_entries(proposal: Proposal) -> list[DossierEntry]:
    """Queries: consultation (1), meetings (1) with their votes (+1 when there is one), conclusion (1), protection and
    encouragement records (2). An open meeting has no record yet (its votes stay secret until it closes)."""
    entries = [_consultation_entry(c) for c in EvaluationConsultation.objects.filter(proposal=proposal)
               .select_related("recorded_by")]
    meetings = (
        EvaluationMeeting.objects.filter(proposal=proposal).exclude(state=EvaluationMeeting.State.OPEN)
        .select_related("chair")
        .prefetch_related(Prefetch("votes", queryset=EvaluationVote.objects.select_related("voter").order_by("cast_at", "pk")))
        .order_by("opened_at", "pk")  # an adjourned meeting and the one after it may open in the same instant
    )
    entries += [_meeting_entry(m) for m in meetings]
    conclusion = Conclusion.objects.filter(proposal=proposal).select_related("signer").first()
    if conclusion is not None:
        entries += _conclusion_entries(conclusion)
        entries += [_protection_entry(r) for r in ProtectionRecord.objects.filter(proposal=proposal).order_by("pk")]
        entries += [_encouragement_entry(r) for r in EncouragementRecord.objects.filter(proposal=proposal).order_by("pk")]
    return entries
