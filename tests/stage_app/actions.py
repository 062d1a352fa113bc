"""A throw-away stage for the registry test: one action, one service, no template of its own.

It proves that a stage plugs into the proposal page (button, confirmation, "Việc của bạn"), gets its view and
URL, and reaches its service, without a line in `proposals/` or in the templates.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.actions import ActionSpec, Situation
from core.audit import audit_record
from core.stages import Panel, Stage
from proposals.models import Proposal

LABEL = "thu_nghiem"
CONFIRM = "Ghi chú thử nghiệm? Không thể hoàn tác."


class NoteForm(forms.Form):
    prefix = "note"
    text = forms.CharField(label="Nội dung ghi chú", required=False)


def proposer_only(situation: Situation) -> None:
    if situation.user.pk != situation.proposal.proposer_id:
        raise PermissionDenied("Chỉ cán bộ đề xuất.")


@transaction.atomic
def note_record(*, proposal: Proposal, by, text: str) -> None:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    proposer_only(Situation(proposal=proposal, user=by))
    if len(text.strip()) < 5:
        raise ValidationError({"text": "Ghi chú quá ngắn."})
    audit_record(action="test_note", obj=proposal, actor=by, payload={"text": text})


def _perform(situation: Situation, data: dict) -> str:
    note_record(proposal=situation.proposal, by=situation.user, text=data["text"])
    return "Đã ghi chú."


NOTE = ActionSpec(
    name="note", route="ghi-chu/", label="Ghi chú thử nghiệm", submit="Gửi ghi chú thử nghiệm",
    task="Ghi chú thử nghiệm cho đề xuất", confirm=CONFIRM, who=proposer_only,
    when=lambda situation: situation.proposal.status == Proposal.Status.SUBMITTED,
    form=lambda situation, data=None, files=None: NoteForm(data), perform=_perform,
)
STAGE = Stage(label=LABEL, order=99, actions=(NOTE,), panel=Panel(anchor="thu-nghiem", heading="Thử nghiệm"),
              event_labels={"test_note": "Ghi chú thử nghiệm"})
