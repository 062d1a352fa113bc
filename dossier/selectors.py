"""What a proposal's evidence dossier holds (spec README §5), read and checked before anything is rendered.

- the plan versions as submitted (`proposals.models.PlanVersion`) with the files submitted with each;
- every stage's records (`core.stages.stages.dossier`), in the order they happened, each stored document
  read back and checked against the SHA-256 recorded when it was issued (`check_entry`);
- the event log of the proposal (`proposals.selectors.proposal_timeline`), each event checked against its
  own hash.
"""

import dataclasses
import hashlib
import io
import logging

from django.utils.translation import gettext_lazy as _

from core.audit import compute_hash
from core.documents import StoredDocumentMismatch
from core.stages import DossierEntry, stages
from proposals.diff import plan_sections
from proposals.models import Attachment, PlanVersion, Proposal
from proposals.selectors import proposal_timeline

logger = logging.getLogger(__name__)


class Check:
    """What became of an entry's stored document (`CheckedEntry.check`)."""

    RECORD = "record"  # a record without a document: its lines only
    MATCHED = "matched"  # read back, matches the recorded hash: its pages follow the entry's sheet
    UNRECORDED = "unrecorded"  # no hash was recorded at issue: merged, marked as not verifiable
    MISMATCH = "mismatch"  # does not match the recorded hash: left out
    MISSING = "missing"  # the stored file is gone: left out
    UNREADABLE = "unreadable"  # not a PDF the dossier can read: left out
    OVER_LIMIT = "over_limit"  # the dossier has reached its page limit: left out, downloadable on its own


INCLUDED = (Check.MATCHED, Check.UNRECORDED)
LEFT_OUT = (Check.MISMATCH, Check.MISSING, Check.UNREADABLE, Check.OVER_LIMIT)

CHECK_LABELS = {
    Check.RECORD: "",
    Check.MATCHED: _("Đã đối chiếu: khớp mã kiểm tra; văn bản lưu trữ được đưa vào hồ sơ."),
    Check.UNRECORDED: _("Không có mã kiểm tra ghi nhận khi ban hành nên không đối chiếu được; văn bản lưu trữ được "
                        "đưa vào hồ sơ để tham khảo."),
    Check.MISMATCH: _("Tệp lưu trữ không khớp mã kiểm tra ghi nhận khi ban hành: không đưa vào hồ sơ. Đề nghị "
                      "quản trị hệ thống khôi phục bản gốc từ bản sao lưu."),
    Check.MISSING: _("Không tìm thấy tệp lưu trữ của văn bản: không đưa vào hồ sơ."),
    Check.UNREADABLE: _("Không đọc được tệp lưu trữ của văn bản: không đưa vào hồ sơ."),
    Check.OVER_LIMIT: _("Hồ sơ đã đến giới hạn số trang: văn bản không đưa vào đây, tải riêng trên trang đề xuất."),
}

# A proposal has tens of documents of a few pages each; this bounds the time and size of one download.
MAX_STORED_PAGES = 400


@dataclasses.dataclass
class CheckedEntry:
    entry: DossierEntry
    check: str
    content: bytes = b""
    page_count: int = 0
    served_sha256: str = ""
    # Set when the dossier is laid out: where the entry's sheet and its stored pages are in the final file.
    page: int = 0
    first_stored_page: int = 0
    last_stored_page: int = 0

    @property
    def included(self) -> bool:
        return self.check in INCLUDED

    @property
    def check_label(self) -> str:
        return CHECK_LABELS[self.check]

    @property
    def left_out(self) -> bool:
        """A stored document the dossier does not merge: its sheet says why."""
        return self.check in LEFT_OUT


def _pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def check_entry(entry: DossierEntry, *, pages_left: int) -> CheckedEntry:
    """Read the entry's stored document and check it against the SHA-256 recorded when it was issued.

    A stage's `pdf()` may refuse a changed file itself (StoredDocumentMismatch, as `core.documents.read_issued`
    does) or hand back whatever bytes it has: the dossier compares the digest either way, so a changed file is
    never merged, whichever stage kept it.
    """
    if entry.pdf is None:
        return CheckedEntry(entry, Check.RECORD)
    try:
        content = entry.pdf()
    except StoredDocumentMismatch:
        return CheckedEntry(entry, Check.MISMATCH)
    except FileNotFoundError:
        return CheckedEntry(entry, Check.MISSING)
    except OSError:
        logger.exception("Dossier entry %s %s: the stored file could not be read.", entry.title, entry.number)
        return CheckedEntry(entry, Check.UNREADABLE)
    digest = hashlib.sha256(content).hexdigest()
    if entry.sha256 and digest != entry.sha256:
        logger.error("Dossier entry %s %s: the stored file does not match its recorded SHA-256.", entry.title, entry.number)
        return CheckedEntry(entry, Check.MISMATCH, served_sha256=digest)
    try:
        count = _pages(content)
    except Exception:  # pypdf raises many kinds of errors on a damaged file; none of them is the reader's fault
        logger.exception("Dossier entry %s %s: the stored file is not a readable PDF.", entry.title, entry.number)
        return CheckedEntry(entry, Check.UNREADABLE, served_sha256=digest)
    if count > pages_left:
        return CheckedEntry(entry, Check.OVER_LIMIT, served_sha256=digest)
    check = Check.MATCHED if entry.sha256 else Check.UNRECORDED
    return CheckedEntry(entry, check, content=content, page_count=count, served_sha256=digest)


def checked_entries(proposal: Proposal) -> list[CheckedEntry]:
    """Every stage's entries in the order they happened, each stored document read and checked."""
    checked, pages_left = [], MAX_STORED_PAGES
    for entry in stages.dossier(proposal):
        result = check_entry(entry, pages_left=pages_left)
        pages_left -= result.page_count
        checked.append(result)
    return checked


@dataclasses.dataclass
class VersionRecord:
    version: PlanVersion
    sections: list
    attachments: list[Attachment]
    approved: bool
    page: int = 0


def plan_versions(proposal: Proposal) -> list[VersionRecord]:
    """Each plan version as submitted, with the files submitted with it. Queries: versions (1), files (1)."""
    versions = list(PlanVersion.objects.filter(proposal=proposal).select_related("submitted_by").order_by("number"))
    files: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(proposal=proposal, version__isnull=False).order_by("uploaded_at", "pk"):
        files.setdefault(attachment.version, []).append(attachment)
    return [
        VersionRecord(version=v, sections=plan_sections(v), attachments=files.get(v.number, []),
                      approved=v.number == proposal.approved_version)
        for v in versions
    ]


def event_log(proposal: Proposal) -> list[dict]:
    """The proposal's events in order, labelled as on its page, each with whether it still matches its hash."""
    rows = proposal_timeline(proposal)
    for row in rows:
        row["intact"] = compute_hash(row["event"]) == row["event"].hash
    return rows


def status_path(rows: list[dict]) -> list[str]:
    """The statuses the proposal went through, in order, from its event log ("Dự thảo → Đã nộp → …")."""
    path: list[str] = []
    for row in rows:
        for state in (str(row["from_state"]), str(row["to_state"])):
            if state and (not path or path[-1] != state):
                path.append(state)
    return path
