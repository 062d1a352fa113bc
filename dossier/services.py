"""Handing a proposal's evidence dossier to a reader, recorded in the audit log (spec README §5, §6)."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from proposals.models import Proposal

from .documents import Dossier, dossier_pdf

DOWNLOAD_ACTION = "dossier_download"


def _described(checked) -> dict:
    return {"number": checked.entry.number, "title": str(checked.entry.title), "check": checked.check,
            "recorded_sha256": checked.entry.sha256, "served_sha256": checked.served_sha256}


def dossier_download(*, proposal: Proposal, by) -> Dossier:
    """Generate the dossier for `by` and record who received which file: its SHA-256 goes into the hash-chained
    log, so a printed or forwarded copy can be shown to be the one handed out, and when.

    `by` must see the proposal (the one scope rule, `Proposal.objects.visible_to`); the view has answered 404
    already to anyone else, this refuses them again whoever calls. Each generation differs (its cover names the
    moment and the reader), so each download has its own digest.
    """
    if not Proposal.objects.visible_to(by).filter(pk=proposal.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền xem hồ sơ đề xuất này."))
    now = timezone.now()
    dossier = dossier_pdf(proposal, by=by, now=now)
    audit_record(
        action=DOWNLOAD_ACTION, obj=proposal, actor=by,
        payload={
            "sha256": dossier.sha256, "pages": dossier.pages, "generated_at": now, "entries": len(dossier.entries),
            # The stored documents left out (and why), and those merged without a hash recorded to check them by.
            "excluded": [_described(checked) for checked in dossier.left_out],
            "unverified": [_described(checked) for checked in dossier.unverified],
        },
    )
    return dossier
