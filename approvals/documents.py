"""The deciding unit's documents as PDF: the meeting minutes and each decision or letter.

Layout: Decree 30/2020/NĐ-CP as described in shared/spec/documents.md, kept in the one stylesheet
`templates/documents/document.css`. Contents: decree73.md §4.2 (decision), §4.3 (minutes), T5 (override
with its justification), T7 (rejection and return with reasons).

Each document is rendered from the records (never from typed totals) in Vietnamese whatever the
interface language: it is an administrative document. The font is the vendored Tinos (Times New Roman
metrics, full Vietnamese); nothing else may be fetched while rendering, and a missing font stops the
rendering instead of falling back to a system font that mangles diacritics.

A document is rendered once, by the service that issues it, and kept with its SHA-256 (spec README §6);
downloads serve that stored file (`stored_decision_pdf`, `stored_minutes_pdf`), never a fresh rendering of
it in its place: a stored file that no longer matches its hash is refused, and a copy rendered again because
the file is missing is marked as such on every page and in its file name.

WeasyPrint needs Pango, a system library: it is imported only when a document is rendered, so Django
starts, migrates and serves every other page on a machine without it.
"""

import datetime
import functools
import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Position
from core.text import fold
from proposals.models import PlanVersion

from .models import Consultation, Decision, Meeting
from .selectors import head_first, meeting_record, meetings_with_votes

STYLESHEET = "documents/document.css"
FONT_LICENSE = "fonts/tinos/OFL.txt"

logger = logging.getLogger(__name__)


class DocumentRenderError(RuntimeError):
    pass


class StoredDocumentMismatch(RuntimeError):
    """The stored file of an issued document no longer matches the SHA-256 recorded when it was issued."""


def _weasyprint():
    """The `weasyprint` package, imported on first use; a DocumentRenderError naming the cause if it cannot load."""
    try:
        import weasyprint
        import weasyprint.text.fonts
        import weasyprint.urls
    except (ImportError, OSError) as error:  # OSError: cffi could not open the Pango / GObject libraries
        raise DocumentRenderError(
            "PDF documents cannot be rendered: WeasyPrint could not be loaded, most likely because the Pango "
            f"library is not installed on this server (apt install libpango-1.0-0 libpangoft2-1.0-0). Cause: {error}"
        ) from error
    return weasyprint


@cache
def font_dir() -> Path:
    found = finders.find(FONT_LICENSE)
    if not found:
        raise DocumentRenderError(f"The document font is missing: static/{FONT_LICENSE} not found.")
    return Path(found).resolve().parent


@cache
def _fonts_only_fetcher_class():
    """A WeasyPrint URL fetcher that serves the vendored fonts and refuses every other URL."""
    urls = _weasyprint().urls
    URLFetcher, URLFetcherResponse = urls.URLFetcher, urls.URLFetcherResponse

    class FontsOnly(URLFetcher):
        def __init__(self, root: Path):
            super().__init__(fail_on_errors=True)
            self._root = root

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(url2pathname(parsed.path)).resolve()
                if path.is_relative_to(self._root) and path.suffix == ".ttf" and path.is_file():
                    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": "font/ttf"})
            raise ValueError(f"Documents may only load the vendored fonts, not {url}")

    return FontsOnly


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render an HTML template with the document stylesheet to PDF bytes, in Vietnamese."""
    weasyprint = _weasyprint()
    CSS, HTML = weasyprint.CSS, weasyprint.HTML
    FontConfiguration = weasyprint.text.fonts.FontConfiguration
    FatalURLFetchingError = weasyprint.urls.FatalURLFetchingError

    with translation.override("vi"):
        html = render_to_string(template_name, context)
        stylesheet = render_to_string(STYLESHEET)
    root = font_dir()
    base_url = root.as_uri() + "/"
    fetcher = _fonts_only_fetcher_class()(root)
    fonts = FontConfiguration()
    try:
        css = CSS(string=stylesheet, base_url=base_url, url_fetcher=fetcher, font_config=fonts)
        # NFC: text typed on some systems arrives decomposed; precomposed letters shape best.
        document = HTML(string=unicodedata.normalize("NFC", html), base_url=base_url, url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[css], font_config=fonts)
    except FatalURLFetchingError as error:  # a BaseException: turn it into an ordinary error
        raise DocumentRenderError(str(error)) from error


def long_date(day: datetime.date) -> str:
    """"ngày 05 tháng 4 năm 2026": a leading zero for days below 10 and for months 1 and 2 (Decree 30/2020).

    A legal format of Vietnamese documents, not interface text: never translated.
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(unit: OrgUnit, day: datetime.date) -> str:
    text = long_date(day)
    return f"{unit.place_name}, {text}" if unit.place_name else text[:1].upper() + text[1:]


# Decree 30/2020, Appendix I: the parent body's name may shorten its common phrases ("UBND TỈNH QUẢNG NINH").
PARENT_ABBREVIATIONS = (
    (re.compile(r"\bỦy ban nhân dân\b|\bUỷ ban nhân dân\b", re.IGNORECASE), "UBND"),
    (re.compile(r"\bHội đồng nhân dân\b", re.IGNORECASE), "HĐND"),
)
# A province's People's Committee and its locality: the parent of the province's departments (sở).
PROVINCIAL_COMMITTEE = re.compile(r"^(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+((?:tỉnh|thành phố)\s.+)$", re.IGNORECASE)


def _words(text: str) -> list[str]:
    """Words compared case- and accent-insensitively: "Sở" = "sở", and "Uỷ" (old tone placement) = "Ủy"."""
    return [fold(word) for word in unicodedata.normalize("NFC", text).split()]


def parent_body_line(parent_name: str) -> str:
    """The parent body's line of the header: its name with the common phrases shortened."""
    for pattern, abbreviation in PARENT_ABBREVIATIONS:
        parent_name = pattern.sub(abbreviation, parent_name)
    return parent_name


def short_unit_name(unit_name: str, parent_name: str = "") -> str:
    """The unit's name under its parent body: "Sở Nội vụ tỉnh Quảng Ninh" under "Ủy ban nhân dân tỉnh Quảng Ninh"
    is "Sở Nội vụ", as Decree 30 practice prints it, the line above already naming the province.

    Only a trailing "tỉnh X" / "thành phố X" repeating the locality of a parent People's Committee is left out.
    Any other name is kept whole: a commune's "Ủy ban nhân dân phường Hạ Long", a unit without a parent, and a
    unit under a department, where "tỉnh" belongs to the kind of unit ("Bệnh viện Đa khoa tỉnh Quảng Ninh" under
    "Sở Y tế tỉnh Quảng Ninh" is not the same as a "Bệnh viện Đa khoa").
    """
    match = PROVINCIAL_COMMITTEE.match(parent_name.strip())
    if not match:
        return unit_name
    locality, words = _words(match.group(1)), unit_name.split()
    if len(words) > len(locality) and _words(" ".join(words[-len(locality):])) == locality:
        return " ".join(words[: -len(locality)])
    return unit_name


def authority_line(title: str, unit_name: str) -> str:
    """The authority above a decision's preamble: the signer's title followed by the unit, the words they share
    written once. "Giám đốc Sở" + "Sở Nội vụ" is "Giám đốc Sở Nội vụ" (not "Giám đốc Sở Sở Nội vụ"); "Chủ tịch Ủy
    ban nhân dân phường" + "Ủy ban nhân dân phường Hạ Long" is "Chủ tịch Ủy ban nhân dân phường Hạ Long".

    Shared words: the longest run the title ends with and the unit's name begins with.
    """
    title_words, unit_words = title.split(), unit_name.split()
    folded_title, folded_unit = _words(title), _words(unit_name)
    for size in range(min(len(title_words), len(unit_words)), 0, -1):
        if folded_title[-size:] == folded_unit[:size]:
            return " ".join(title_words + unit_words[size:])
    return " ".join(title_words + unit_words)


def issuer_name(unit: OrgUnit) -> str:
    """The unit as the header's issuing-unit line (and the authority line) name it."""
    return short_unit_name(unit.name, unit.parent.name if unit.parent_id else "")


@dataclass(frozen=True)
class Header:
    parent: str
    issuer: str
    number: str
    place_date: str
    letter_subject: str = ""


def _header(unit: OrgUnit, *, number: str, day: datetime.date, letter_subject: str = "") -> Header:
    return Header(
        parent=parent_body_line(unit.parent.name) if unit.parent_id else "", issuer=issuer_name(unit), number=number,
        place_date=place_date(unit, day), letter_subject=letter_subject,
    )


def _titles(*, unit_id: int, on_date: datetime.date, people) -> dict[int, str]:
    """Each person's title in the unit on that date (the head's title when someone held two posts)."""
    titles: dict[int, str] = {}
    positions = (
        Position.objects.held_on(on_date)
        .filter(unit_id=unit_id, person__in=[p.pk for p in people])
        .order_by(head_first(), "start_date")
    )
    for position in positions:
        titles.setdefault(position.person_id, position.title or position.get_role_display())
    return titles


@dataclass(frozen=True)
class Member:
    name: str
    title: str


def _plan(proposal, number: int) -> PlanVersion | None:
    return PlanVersion.objects.filter(proposal=proposal, number=number).first()


def _in_vietnamese(function):
    """Run `function` with Vietnamese active, not only its template: role names and the voting rule are gettext
    text computed while the context is built (get_role_display, rule_text), in the reader's language otherwise.

    A fresh `translation.override` each call: one shared instance (`@translation.override`) keeps the language to
    restore on itself, which concurrent requests would overwrite.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override("vi"):
            return function(*args, **kwargs)

    return wrapper


@_in_vietnamese
def minutes_pdf(meeting: Meeting, *, regenerated: bool = False) -> bytes:
    """Biên bản họp tập thể lãnh đạo (decree73.md §4.3) of a closed meeting.

    `regenerated`: a copy rendered again because the stored original is missing; every page says so.
    """
    meeting = (
        meetings_with_votes()
        .select_related("proposal__profile", "proposal__proposer", "proposal__proposer_position__unit", "unit__parent")
        .get(pk=meeting.pk)
    )
    proposal = meeting.proposal
    # The rule printed is the one the meeting recorded when it closed, never the profile's of the day.
    record = meeting_record(meeting, profile=proposal.profile)
    titles = _titles(unit_id=meeting.unit_id, on_date=meeting.held_on, people=record.eligible)
    closed_at = timezone.localtime(meeting.closed_at) if meeting.closed_at else None

    def member(person) -> Member:
        return Member(name=person.get_full_name(), title=titles.get(person.pk, ""))

    context = {
        "header": _header(meeting.unit, number=meeting.minutes_number, day=meeting.held_on),
        "meeting": meeting,
        "record": record,
        "chair": member(meeting.chair),
        "eligible": [member(p) for p in record.eligible],
        "present": [member(p) for p in record.present],
        "absent": [member(p) for p in record.absent],
        "ballots": [(member(b.person), b) for b in record.ballots],
        "dissent": [(member(b.person), b) for b in record.dissent],
        "proposal": proposal,
        "proposer": Member(
            name=proposal.proposer.get_full_name(),
            title=proposal.proposer_position.title or proposal.proposer_position.get_role_display(),
        ),
        "plan": _plan(proposal, meeting.version),
        "profile": proposal.profile,
        "voting_rule": record.voting_rule,
        "consultation": Consultation.objects.filter(proposal=proposal, version=meeting.version).first(),
        "closed_at": closed_at,
        "regenerated": regenerated,
    }
    return render_pdf("documents/minutes.html", context)


@_in_vietnamese
def decision_pdf(decision: Decision, *, regenerated: bool = False) -> bytes:
    """The approval or override decision (decree73.md §4.2, T5) or the rejection / return letter (T7).

    `regenerated`: as for `minutes_pdf`.
    """
    decision = Decision.objects.select_related(
        "proposal__proposer", "proposal__proposer_position__unit", "proposal__profile", "unit__parent", "signer",
        "meeting",
    ).get(pk=decision.pk)
    proposal = decision.proposal
    is_letter = decision.kind in (Decision.Kind.REJECTION, Decision.Kind.RETURN)
    subject = ""
    if decision.kind == Decision.Kind.REJECTION:
        subject = _("V/v trả lời đề xuất đổi mới, sáng tạo")
    elif decision.kind == Decision.Kind.RETURN:
        subject = _("V/v trả lại đề xuất để bổ sung, làm rõ")
    context = {
        "header": _header(decision.unit, number=decision.number, day=decision.issued_on, letter_subject=subject),
        "decision": decision,
        "authority": authority_line(decision.signer_title, issuer_name(decision.unit)),
        "is_override": decision.kind == Decision.Kind.OVERRIDE,
        "proposal": proposal,
        "plan": _plan(proposal, decision.version),
        "meeting": decision.meeting,
        "consultation": Consultation.objects.filter(proposal=proposal, version=decision.version).first(),
        "proposer_title": proposal.proposer_position.title or proposal.proposer_position.get_role_display(),
        "superior": decision.unit.parent,
        "recipients": _recipients(decision),
        "regenerated": regenerated,
    }
    template = "documents/letter.html" if is_letter else "documents/decision.html"
    return render_pdf(template, context)


@dataclass(frozen=True)
class StoredPdf:
    """What a download serves: the stored original, or (`regenerated`) a marked copy rendered again."""

    content: bytes
    regenerated: bool = False


def _stored(file, *, sha256: str, render: Callable[[], bytes], what: str) -> StoredPdf:
    """The bytes kept when the document was issued, checked against the SHA-256 recorded then.

    - The file does not match its hash: StoredDocumentMismatch. It is not served: a changed file must not pass
      for the record. Nothing here overwrites it either; the operator restores the original from the backup.
    - The file is missing (deleted, or the document was issued before documents were kept): a copy rendered
      again, marked "BẢN TÁI TẠO" on every page and in its file name, and not stored: its bytes may differ
      from the original's, so it is never evidence in the original's place.
    """
    if not file:
        logger.warning("%s has no stored PDF (issued before documents were kept): serving a regenerated copy.", what)
        return StoredPdf(render(), regenerated=True)
    try:
        with file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        logger.warning("The stored PDF of %s is missing (%s): serving a regenerated copy.", what, file.name)
        return StoredPdf(render(), regenerated=True)
    if sha256 and hashlib.sha256(content).hexdigest() != sha256:
        logger.error(
            "The stored PDF of %s (%s) does not match its recorded SHA-256 %s: refusing to serve it.", what, file.name, sha256
        )
        raise StoredDocumentMismatch(what)
    return StoredPdf(content)


def stored_decision_pdf(decision: Decision) -> StoredPdf:
    return _stored(decision.pdf, sha256=decision.pdf_sha256, render=lambda: decision_pdf(decision, regenerated=True),
                   what=f"decision {decision.pk} ({decision.number})")


def stored_minutes_pdf(meeting: Meeting) -> StoredPdf:
    return _stored(meeting.minutes_pdf, sha256=meeting.minutes_sha256, render=lambda: minutes_pdf(meeting, regenerated=True),
                   what=f"the minutes of meeting {meeting.pk} ({meeting.minutes_number})")


def _recipients(decision: Decision) -> list:
    """"Nơi nhận:" lines; the template adds "- " and the closing ";" or "."."""
    proposal = decision.proposal
    superior = decision.unit.parent
    archive = format_lazy(_("Lưu: VT, hồ sơ {code}"), code=proposal.code)
    if decision.kind in (Decision.Kind.REJECTION, Decision.Kind.RETURN):
        return [_("Như trên"), archive]
    lines = [_("Như Điều 3")]
    if superior is not None:
        # The head answers upward for an override (Art. 8(1)); the superior is informed of every approval.
        lines.append(format_lazy(_("{unit} (để báo cáo)"), unit=superior.name))
    return [*lines, archive]


# Starts the name of a copy rendered again (see `_stored`): whoever keeps the file sees it is not the original.
REGENERATED_PREFIX = "ban-tai-tao-"


@dataclass(frozen=True)
class Filenames:
    ascii: str
    display: str

    def regenerated(self) -> "Filenames":
        return Filenames(ascii=REGENERATED_PREFIX + self.ascii, display=REGENERATED_PREFIX + self.display)


def ascii_name(text: str) -> str:
    """"1/QĐ-SNV" → "1-QD-SNV": letters without accents, anything unsafe in a file name becomes "-"."""
    text = text.replace("Đ", "D").replace("đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")


def _display_name(text: str) -> str:
    return re.sub(r'[/\\:*?"<>|]+', "-", text)


def minutes_filenames(meeting: Meeting) -> Filenames:
    number = meeting.minutes_number or str(meeting.pk)
    display = _("Biên bản họp %(number)s") % {"number": number}
    return Filenames(ascii=f"BB-{ascii_name(number)}.pdf", display=_display_name(f"{display}.pdf"))


DISPLAY_PREFIX = {
    Decision.Kind.APPROVAL: _("Quyết định"),
    Decision.Kind.OVERRIDE: _("Quyết định"),
    Decision.Kind.REJECTION: _("Văn bản trả lời"),
    Decision.Kind.RETURN: _("Văn bản trả lại"),
}


def decision_filenames(decision: Decision) -> Filenames:
    prefix = ascii_name(decision.register)
    return Filenames(
        ascii=f"{prefix}-{ascii_name(decision.number)}.pdf",
        display=_display_name(f"{DISPLAY_PREFIX[decision.kind]} {decision.number}.pdf"),
    )
