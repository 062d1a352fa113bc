"""Publishing, correcting and withdrawing a proposal's summary on the public register (decree73.md Art. 4(4)).

The head of the deciding unit acts (publication.rules); every act is in the hash-chained audit log with what was
published, and the proposer is told. The summary is the head's: the public never reads the proposal itself.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.actions import Situation
from core.audit import audit_record, field_changes
from core.notifications import notify
from proposals.models import Proposal

from . import rules
from .apps import PANEL
from .forms import CONFIRM_REQUIRED, MAX_SUMMARY_CHARS
from .models import Publication
from .selectors import approval_decision

CONTENT_FIELDS = ("title", "summary", "outcome")


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("decision_unit", "unit", "proposer")
        .get(pk=proposal.pk)
    )


def _proposal_url(proposal: Proposal) -> str:
    return f"{reverse('proposals:detail', args=[proposal.pk])}#{PANEL}"


def _live(proposal: Proposal) -> Publication | None:
    return Publication.objects.live().select_for_update().filter(proposal=proposal).first()


def _clean_content(*, proposal: Proposal, title: str, summary: str, outcome: str, confirmed: bool) -> dict:
    """The checked text; a ValidationError naming the field otherwise. The confirmation comes first: nothing is
    published, nor corrected, that its head did not confirm free of state secrets."""
    errors = {}
    if confirmed is not True:
        errors["confirmed"] = CONFIRM_REQUIRED
    title, summary, outcome = title.strip(), summary.strip(), outcome.strip()
    if not title:
        errors["title"] = _("Cần nhập tên đề xuất công khai.")
    if not summary:
        errors["summary"] = _("Cần nhập nội dung tóm tắt công khai.")
    elif len(summary) > MAX_SUMMARY_CHARS:
        errors["summary"] = _("Nội dung tóm tắt không quá %(n)s ký tự.") % {"n": MAX_SUMMARY_CHARS}
    if outcome and not rules.evaluated(proposal.status):
        errors["outcome"] = _("Chỉ công khai kết quả đánh giá khi đề xuất đã có kết luận đánh giá.")
    if errors:
        raise ValidationError(errors)
    return {"title": title[:300], "summary": summary, "outcome": outcome}


@transaction.atomic
def publication_publish(*, proposal: Proposal, by, title: str, summary: str, confirmed: bool,
                        outcome: str = "") -> Publication:
    """Art. 4(4): the head of the deciding unit publishes a summary of an approved (or later) proposal."""
    proposal = _lock(proposal)
    position = rules.publisher(Situation(proposal=proposal, user=by))
    if not rules.publishable(proposal.status):
        raise ValidationError(
            _("Chỉ công khai đề xuất đã có quyết định cho triển khai thực hiện (Điều 4 khoản 4)."), code="bad_state"
        )
    if _live(proposal) is not None:
        raise ValidationError(
            _("Đề xuất đang được công khai; có thể cập nhật hoặc gỡ nội dung đã công khai."), code="duplicate"
        )
    content = _clean_content(proposal=proposal, title=title, summary=summary, outcome=outcome, confirmed=confirmed)
    decision = approval_decision(proposal)
    if decision is None:
        raise ValidationError(_("Chưa có quyết định cho triển khai thực hiện để công khai."), code="no_decision")
    publication = Publication(
        proposal=proposal, unit=proposal.unit, field=proposal.field, decision_number=decision.number,
        decision_date=decision.issued_on, confirmed_not_secret=True, published_at=timezone.now(), published_by=by,
        **content,
    )
    try:
        with transaction.atomic():
            publication.save()
    except IntegrityError:
        # Another request published it between our check and our insert (the constraint, not the lock, decided).
        raise ValidationError(_("Đề xuất đang được công khai."), code="duplicate") from None
    audit_record(
        action="publication_publish", obj=proposal, actor=by, role=position.role, unit=position.unit,
        payload={"publication": publication.pk, "decision": decision.number, "confirmed_not_secret": True, **content},
    )
    notify(recipients=[proposal.proposer], message=gettext_noop("Tóm tắt đề xuất “%(title)s” đã được công khai."),
           params={"title": proposal.title}, url=_proposal_url(proposal))
    return publication


@transaction.atomic
def publication_update(*, proposal: Proposal, by, title: str, summary: str, confirmed: bool,
                       outcome: str = "") -> Publication:
    """The head corrects the live summary or adds the evaluation outcome; the log keeps what changed."""
    proposal = _lock(proposal)
    position = rules.publisher(Situation(proposal=proposal, user=by))
    publication = _live(proposal)
    if publication is None:
        raise ValidationError(_("Đề xuất không có nội dung đang công khai."), code="not_published")
    content = _clean_content(proposal=proposal, title=title, summary=summary, outcome=outcome, confirmed=confirmed)
    before = Publication(**{name: getattr(publication, name) for name in CONTENT_FIELDS})
    for name, value in content.items():
        setattr(publication, name, value)
    changes = field_changes(before, publication, CONTENT_FIELDS)
    if not changes:
        raise ValidationError(_("Nội dung không thay đổi."), code="unchanged")
    publication.updated_at = timezone.now()
    publication.save()
    audit_record(
        action="publication_update", obj=proposal, actor=by, role=position.role, unit=position.unit,
        payload={"publication": publication.pk, "changes": changes, "confirmed_not_secret": True},
    )
    return publication


@transaction.atomic
def publication_withdraw(*, proposal: Proposal, by, reason: str) -> Publication:
    """The head takes the summary off the public register, with the reason; the row stays as the record."""
    proposal = _lock(proposal)
    position = rules.publisher(Situation(proposal=proposal, user=by))
    publication = _live(proposal)
    if publication is None:
        raise ValidationError(_("Đề xuất không có nội dung đang công khai."), code="not_published")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Cần nêu lý do gỡ nội dung công khai.")})
    publication.withdrawn_at = timezone.now()
    publication.withdrawn_by = by
    publication.withdraw_reason = reason
    publication.save()
    audit_record(
        action="publication_withdraw", obj=proposal, actor=by, role=position.role, unit=position.unit,
        payload={"publication": publication.pk, "reason": reason},
    )
    notify(recipients=[proposal.proposer],
           message=gettext_noop("Nội dung công khai của đề xuất “%(title)s” đã được gỡ."),
           params={"title": proposal.title}, url=_proposal_url(proposal))
    return publication
