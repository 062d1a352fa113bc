"""A proposal's issued documents for the API: the plan of each submitted version (proposals.documents) and every
stage's stored documents (their entries of the evidence dossier, core.stages.DossierEntry), in the order they were
issued, each with the SHA-256 recorded when it was issued. Whoever sees the proposal reads them, as the dossier.
"""

import dataclasses
import datetime
import logging
from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from core.documents import DocumentRenderError, Filenames, StoredDocumentMismatch, ascii_name, display_name
from core.documents.issued import sha256
from core.downloads import attachment_response
from core.stages import stages
from proposals import documents as plan_documents
from proposals.models import PlanDocument

from .problems import problem_response

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class IssuedFile:
    id: int
    title: str
    number: str
    issued_at: datetime.datetime
    sha256: str
    download: str
    read: Callable[..., tuple[bytes, bool]]  # read(by) → (bytes, regenerated)
    filenames: Filenames


def _plan_files(proposal) -> list[tuple]:
    """The plans issued; one the documents queue has not issued yet is issued now, or left out while it cannot be."""
    try:
        plan_documents.plan_issue_pending(proposal)
    except DocumentRenderError:
        logger.exception("Could not issue the pending plan documents of proposal %s", proposal.pk)
    files = []
    for document in (PlanDocument.objects.filter(version__proposal=proposal).exclude(pdf="")
                     .select_related("version__proposal__unit")):
        def read(by, document=document):
            stored = plan_documents.plan_download(document=document, by=by)
            return stored.content, stored.regenerated

        title = _("Kế hoạch đổi mới, sáng tạo, phiên bản %(number)s") % {"number": document.version.number}
        files.append((document.issued_at, title, "", document.pdf_sha256, read,
                      plan_documents.PLAN.filenames(document)))
    return files


def _stage_files(proposal) -> list[tuple]:
    files = []
    for entry in stages.dossier(proposal):
        if entry.pdf is None:
            continue
        name = f"{entry.title} {entry.number}".strip()
        files.append((entry.at, str(entry.title), entry.number, entry.sha256, lambda by, entry=entry: (entry.pdf(), False),
                      Filenames(ascii=f"{ascii_name(name)[:120]}.pdf", display=display_name(f"{name[:120]}.pdf"))))
    return files


def documents_of(proposal) -> list[IssuedFile]:
    files = sorted(_plan_files(proposal) + _stage_files(proposal), key=lambda file: file[0])
    return [
        IssuedFile(id=index, title=title, number=number, issued_at=at, sha256=digest, read=read, filenames=names,
                   download=reverse("api:document_download", args=[proposal.pk, index]))
        for index, (at, title, number, digest, read, names) in enumerate(files, start=1)
    ]


def document_download(proposal, number: int, *, by):
    """The stored bytes, with their SHA-256 in `X-Content-SHA256`; 409 when the file no longer matches its hash."""
    issued = next((file for file in documents_of(proposal) if file.id == number), None)
    if issued is None:
        raise NotFound
    mismatch = _("Tệp lưu trữ không khớp mã SHA-256 ghi nhận khi ban hành nên không được cung cấp.")
    try:
        content, regenerated = issued.read(by)
    except StoredDocumentMismatch:
        return problem_response(409, mismatch)
    except FileNotFoundError:
        raise NotFound(_("Không tìm thấy tệp lưu trữ của văn bản.")) from None
    digest = sha256(content)
    if issued.sha256 and digest != issued.sha256 and not regenerated:
        return problem_response(409, mismatch)
    response = attachment_response(content, issued.filenames.regenerated() if regenerated else issued.filenames,
                                   "application/pdf")
    response["X-Content-SHA256"] = digest
    return response
