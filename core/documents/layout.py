"""The lines Decree 30/2020/NĐ-CP (Appendix I) prescribes around a document's text: the header block, the
place and date, the authority above a decision's preamble.

Legal formats of Vietnamese documents, not interface text: never translated.

A unit is duck-typed: anything with `name`, `place_name`, `parent` and `parent_id` (the parent having a
`name`), as `accounts.OrgUnit` has. Core knows no stage app and no organisation model.
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


def issuer_name(unit) -> str:
    """The unit as the header's issuing-unit line (and the authority line) name it."""
    return short_unit_name(unit.name, unit.parent.name if unit.parent_id else "")


@dataclass(frozen=True)
class Header:
    """The header block of `templates/documents/base.html`."""

    parent: str
    issuer: str
    number: str
    place_date: str
    letter_subject: str = ""


def header(unit, *, number: str, day: datetime.date, letter_subject: str = "") -> Header:
    """The header of a document `unit` issues on `day` under `number`; a letter (công văn) adds its subject line."""
    return Header(
        parent=parent_body_line(unit.parent.name) if unit.parent_id else "", issuer=issuer_name(unit), number=number,
        place_date=place_date(unit, day), letter_subject=letter_subject,
    )
