"""The lines Decree 30/2020/NĐ-CP (Appendix I) prescribes around a document's text: the header block, the
place and date, the authority above a decision's preamble.

Legal formats of Vietnamese documents, not interface text: never translated.

A unit is duck-typed: anything with `name`, `place_name`, `parent`, `parent_id` (the parent having a `name`) and
`print_parent_line`, as `accounts.OrgUnit` has; a position, with `signing_title` and `title`, as
`accounts.Position`. Core knows no stage app and no organisation model.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from ..text import fold


def long_date(day: datetime.date) -> str:
    """"ngày 05 tháng 4 năm 2026": a leading zero for days below 10 and for months 1 and 2 (Decree 30/2020)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(unit, day: datetime.date) -> str:
    """"Quảng Ninh, ngày 05 tháng 4 năm 2026"; without a place name, "Ngày 05 tháng 4 năm 2026"."""
    text = long_date(day)
    return f"{unit.place_name}, {text}" if unit.place_name else text[:1].upper() + text[1:]


# Decree 30/2020, Appendix I: the parent body's name may shorten its common phrases ("UBND TỈNH QUẢNG NINH").
PARENT_ABBREVIATIONS = (
    (re.compile(r"\bỦy ban nhân dân\b|\bUỷ ban nhân dân\b", re.IGNORECASE), "UBND"),
    (re.compile(r"\bHội đồng nhân dân\b", re.IGNORECASE), "HĐND"),
)
# A province's People's Committee and its locality: the parent of the province's departments (sở).
PROVINCIAL_COMMITTEE = re.compile(r"^(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+((?:tỉnh|thành phố)\s.+)$", re.IGNORECASE)
# A People's Committee or People's Council at any level: it has no managing body ("cơ quan chủ quản trực tiếp"), so
# its header carries its own name only (review finding 1: "ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN", 34/2024/QĐ-UBND).
PEOPLES_BODY = re.compile(r"^(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Hội đồng nhân dân|HĐND)\b", re.IGNORECASE)
# The words that open a locality's proper name in a unit's name ("tỉnh Quảng Ninh", "phường Hạ Long"), longest first.
LOCALITY_WORDS = (("thành", "phố"), ("thị", "xã"), ("thị", "trấn"), ("đặc", "khu"), ("tỉnh",), ("phường",), ("xã",),
                  ("huyện",), ("quận",))
NO_BREAK_SPACE = "\u00a0"


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


def prints_parent_line(unit) -> bool:
    """Whether the header names `unit`'s managing body above it (Decree 30/2020: "tên cơ quan chủ quản trực tiếp
    (nếu có)"): never for a People's Committee or Council (review finding 1), else where the unit is set to."""
    return bool(unit.parent_id) and unit.print_parent_line and not PEOPLES_BODY.match(unit.name.strip())


def issuer_name(unit) -> str:
    """The unit as the header's issuing-unit line (and the authority line) name it: shortened only under a parent
    line that names its locality already ("Sở Nội vụ" under "UBND tỉnh Quảng Ninh"), else whole."""
    return short_unit_name(unit.name, unit.parent.name) if prints_parent_line(unit) else unit.name


def unbroken_locality(name: str) -> str:
    """`name` with no line break allowed inside its locality ("Ủy ban nhân dân phường Hạ\u00a0Long" never breaks
    as "PHƯỜNG HẠ / LONG"; review finding 9): the words from the first locality word ("tỉnh", "phường" ...) to the
    end, or to a parenthesis, are joined by no-break spaces, so that a long name breaks before its locality."""
    words = name.split()
    lowered = [unicodedata.normalize("NFC", word).lower() for word in words]
    for start in range(len(words)):
        if any(tuple(lowered[start:start + len(phrase)]) == phrase for phrase in LOCALITY_WORDS):
            end = next((i for i in range(start, len(words)) if words[i].startswith("(")), len(words))
            return " ".join([*words[:start], NO_BREAK_SPACE.join(words[start:end]), *words[end:]])
    return name


def signature_title(position, *, head=None) -> str:
    """The title printed over a signature: the title only, without the agency the header names (review finding 2:
    "Giám đốc", "Chủ tịch"): the position's signing title, else its title. A deputy signing for the head
    ("ký thay", `head` given) prints "KT." and the head's title above their own: "KT. Chủ tịch\nPhó Chủ tịch".

    Printed in capitals by the stylesheet; empty when the position has neither title (the caller names the role).
    """
    own = position.signing_title or position.title
    if head is None:
        return own
    return f"KT. {head.signing_title or head.title}\n{own}"


@dataclass(frozen=True)
class Header:
    """The header block of `templates/documents/base.html`."""

    parent: str
    issuer: str
    number: str
    place_date: str
    letter_subject: str = ""

    @property
    def issuer_line(self) -> str:
        """The issuer as printed: never broken inside its locality's name (`unbroken_locality`)."""
        return unbroken_locality(self.issuer)


def header(unit, *, number: str, day: datetime.date, letter_subject: str = "") -> Header:
    """The header of a document `unit` issues on `day` under `number`; a letter (công văn) adds its subject line."""
    return Header(
        parent=parent_body_line(unit.parent.name) if prints_parent_line(unit) else "", issuer=issuer_name(unit), number=number,
        place_date=place_date(unit, day), letter_subject=letter_subject,
    )


# Decree 30/2020, Appendix I ("Lưu: VT, <đơn vị soạn thảo> (<số bản lưu>)"; review finding 5): one copy with the
# clerical office (VT), one with the drafting unit; not the file's code, which the subject and the body give.
ARCHIVE_COPIES = 2


def archive_line():
    """The last line of "Nơi nhận:" on every document the units issue."""
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    from .numbers import DRAFTING_UNIT

    return format_lazy(gettext_lazy("Lưu: VT, {drafting} ({copies}b)"), drafting=DRAFTING_UNIT, copies=f"{ARCHIVE_COPIES:02d}")
