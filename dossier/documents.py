"""The evidence dossier of one proposal as one PDF (spec README §5; documents.md "Hồ sơ đề xuất").

In order: a cover in the Decree 30 layout, the table of contents, every plan version as submitted, every
stage's records in the order they happened (each on its sheet, a stored document's own pages right after it)
and the event log. Each stored document is merged as it was kept when issued, only when it matches the
SHA-256 recorded then (`selectors.check_entry`); otherwise its sheet says why it is missing.

How it is laid out, with one rendering of the long part: the body (plans, sheets, log) is rendered once, and
the page each part starts on is read back from the PDF's named destinations (WeasyPrint names one per element
id). The front (cover and contents) is rendered with the page numbers computed from those and from the stored
pages that will be inserted, on the guess that it takes two pages; when it takes more, it is rendered again
with its real length (the numbers sit in fixed cells, so they do not change it). The stored documents are then inserted after their sheets, the front put
before the body, every page stamped with the dossier's code and its number, and the outline written.
"""

import dataclasses
import datetime
import hashlib
import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.documents import Filenames, ascii_name, display_name, header, in_vietnamese, render_pdf

from .selectors import Check, CheckedEntry, checked_entries, event_log, plan_versions, status_path

FRONT_TEMPLATE = "dossier/documents/front.html"
BODY_TEMPLATE = "dossier/documents/body.html"
STAMP_TEMPLATE = "dossier/documents/stamp.html"
MAX_FRONT_PASSES = 3


@dataclasses.dataclass(frozen=True)
class Dossier:
    content: bytes
    sha256: str
    pages: int
    entries: list[CheckedEntry]
    filenames: Filenames

    @property
    def left_out(self) -> list[CheckedEntry]:
        return [checked for checked in self.entries if checked.left_out]

    @property
    def unverified(self) -> list[CheckedEntry]:
        return [checked for checked in self.entries if checked.check == Check.UNRECORDED]


def filenames(proposal) -> Filenames:
    code = proposal.code or str(proposal.pk)
    return Filenames(ascii=f"ho-so-{ascii_name(code)}.pdf", display=display_name(f"Hồ sơ đề xuất {code}.pdf"))


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: quotes and backslashes escaped, no markup, no line break."""
    text = "".join(ch for ch in text if ch not in "<>\n\r")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _reader(content: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(content))


def _anchors(content: bytes) -> dict[str, int]:
    """Each element id of the rendered HTML → the 0-based page it starts on (WeasyPrint names a destination per id)."""
    reader = _reader(content)
    return {
        str(name).lstrip("/"): reader.get_destination_page_number(dest)
        for name, dest in reader.named_destinations.items()
    }


@dataclasses.dataclass
class Layout:
    """Page numbers (1-based, in the final file) of the parts the table of contents lists."""

    toc: int = 0
    plans: int = 0
    entries_heading: int = 0
    log: int = 0
    total: int = 0
    # Where each included entry's stored pages go: (0-based page index in the body, entry).
    inserts: list = dataclasses.field(default_factory=list)


def _lay_out(anchors: dict[str, int], *, front_pages: int, toc: int, body_pages: int, versions,
             entries: list[CheckedEntry]) -> Layout:
    """Page numbers in the final file, from where each part starts in the body (`anchors`, 0-based)."""
    inserts = sorted(
        ((anchors[f"muc-{i}-het"] + 1, checked) for i, checked in enumerate(entries) if checked.included),
        key=lambda item: item[0],
    )

    def final(body_index: int) -> int:
        inserted = sum(checked.page_count for position, checked in inserts if position <= body_index)
        return front_pages + body_index + 1 + inserted

    for i, checked in enumerate(entries):
        checked.page = final(anchors[f"muc-{i}"])
    for position, checked in inserts:
        before = sum(c.page_count for p, c in inserts if p < position)
        checked.first_stored_page = front_pages + position + before + 1
        checked.last_stored_page = checked.first_stored_page + checked.page_count - 1
    for record in versions:
        record.page = final(anchors[f"ke-hoach-{record.version.number}"])
    return Layout(
        toc=toc, plans=final(anchors["ke-hoach"]), entries_heading=final(anchors["van-ban"]),
        log=final(anchors["nhat-ky"]), total=front_pages + body_pages + sum(c.page_count for _p, c in inserts),
        inserts=inserts,
    )


def _render(context: dict, versions, entries) -> tuple[bytes, bytes, Layout]:
    """The front and the body, with the page numbers they will have in the merged file."""
    body = render_pdf(BODY_TEMPLATE, context)
    anchors, body_pages = _anchors(body), len(_reader(body).pages)
    # Guess a one-page cover and a one-page contents (tens of records fit); render again only if wrong.
    front_pages, toc = 2, 2
    front, layout = b"", None
    for _pass in range(MAX_FRONT_PASSES):
        layout = _lay_out(anchors, front_pages=front_pages, toc=toc, body_pages=body_pages, versions=versions,
                          entries=entries)
        front = render_pdf(FRONT_TEMPLATE, {**context, "layout": layout})
        found = (len(_reader(front).pages), _anchors(front)["muc-luc"] + 1)
        if found == (front_pages, toc):
            break
        front_pages, toc = found
    return front, body, layout


def _assemble(front: bytes, body: bytes, layout: Layout, *, proposal, versions, entries: list[CheckedEntry]) -> bytes:
    """Insert the stored documents after their sheets, put the front first, stamp every page with the code and
    its number, write the outline."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(body))
    # From the last to the first, so that each position still counts the body's pages only.
    for position, checked in sorted(layout.inserts, key=lambda item: item[0], reverse=True):
        writer.merge(position=position, fileobj=io.BytesIO(checked.content), import_outline=False)
    writer.merge(position=0, fileobj=io.BytesIO(front), import_outline=False)
    total = len(writer.pages)
    label = _("Hồ sơ %(code)s · Trang ") % {"code": proposal.code} if proposal.code else _("Trang ")
    stamp = _reader(render_pdf(STAMP_TEMPLATE, {"label": css_string(label), "pages": range(total)}))
    for page, mark in zip(writer.pages, stamp.pages, strict=True):
        page.merge_page(mark)

    writer.add_outline_item(title=_("Bìa hồ sơ"), page_number=0)
    writer.add_outline_item(title=_("Mục lục"), page_number=layout.toc - 1)
    plans = writer.add_outline_item(title=_("I. Kế hoạch đề xuất"), page_number=layout.plans - 1)
    for record in versions:
        title = _("Phiên bản %(n)s") % {"n": record.version.number}
        writer.add_outline_item(title=title, page_number=record.page - 1, parent=plans)
    records = writer.add_outline_item(
        title=_("II. Văn bản, hồ sơ theo trình tự thời gian"), page_number=layout.entries_heading - 1
    )
    for number, checked in enumerate(entries, start=1):
        title = f"{number}. {checked.entry.title}" + (f" — {checked.entry.number}" if checked.entry.number else "")
        item = writer.add_outline_item(title=title, page_number=checked.page - 1, parent=records)
        if checked.included:
            writer.add_outline_item(title=_("Văn bản lưu trữ"), page_number=checked.first_stored_page - 1, parent=item)
    writer.add_outline_item(title=_("III. Nhật ký sự kiện"), page_number=layout.log - 1)
    writer.add_metadata({"/Title": _("Hồ sơ đề xuất %(code)s") % {"code": proposal.code or proposal.pk}})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@in_vietnamese
def dossier_pdf(proposal, *, by, now: datetime.datetime | None = None) -> Dossier:
    """The dossier of `proposal` as generated now for `by` (who may read it: the caller has checked)."""
    now = now or timezone.now()
    versions = plan_versions(proposal)
    entries = checked_entries(proposal)
    log = event_log(proposal)
    co_authors = list(proposal.co_authors.order_by("full_name"))
    context = {
        "proposal": proposal,
        "header": header(proposal.unit, number="", day=timezone.localtime(now).date()),
        "proposer_title": proposal.proposer_position.title or proposal.proposer_position.get_role_display(),
        "co_authors": co_authors,
        "status_path": status_path(log),
        "generated_at": now,
        "generated_by": by.get_full_name(),
        "versions": versions,
        "entries": entries,
        "log": log,
        "time_zone": settings.TIME_ZONE,
    }
    front, body, layout = _render(context, versions, entries)
    content = _assemble(front, body, layout, proposal=proposal, versions=versions, entries=entries)
    return Dossier(
        content=content, sha256=hashlib.sha256(content).hexdigest(), pages=layout.total, entries=entries,
        filenames=filenames(proposal),
    )
