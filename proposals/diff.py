"""Showing a plan as text and comparing two versions of it field by field (word-level, escaped)."""

import dataclasses
import datetime
import difflib
import re

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import PLAN_SECTIONS
from .models import PlanContent, Proposal

# Words, punctuation marks and the whitespace between them: "tỉnh" → "tỉnh," shows only the added comma,
# and the diff keeps line breaks and spacing.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


# Answers that are not commitments: the Art. 1 question (None: not answered; D-2), the Art. 4(2) declaration (D-5)
# and the Art. 8(2) flag (D-15).
ANSWERS = {
    "pilot_legal_document": {None: gettext_lazy("Chưa trả lời"), True: gettext_lazy("Có"), False: gettext_lazy("Không")},
    "competence_declared": {True: gettext_lazy("Có (đã xác nhận)"), False: gettext_lazy("Chưa xác nhận")},
    "wide_scope": {True: gettext_lazy("Có"), False: gettext_lazy("Không")},
}


def field_label(name: str) -> str:
    return capfirst(Proposal._meta.get_field(name).verbose_name)


def field_text(plan: PlanContent, name: str) -> str:
    """A plan field as the reader sees it: labels for choices, dd/mm/yyyy for dates, words for ticks."""
    value = getattr(plan, name)
    if name == "field":
        return plan.get_field_display() if value else ""
    if name in ANSWERS:
        return str(ANSWERS[name].get(value, ""))
    if isinstance(value, bool):
        return _("Có (đã cam kết đáp ứng)") if value else _("Chưa cam kết")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value or ""


def plan_sections(plan: PlanContent) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """[(anchor, heading, [(field name, label, text)])] in the order of the decree."""
    return [
        (key, title, [(name, field_label(name), field_text(plan, name)) for name in names])
        for key, title, names in PLAN_SECTIONS
    ]


def diff_words(old: str, new: str) -> SafeString:
    """`new` against `old` word by word: removed words in <del>, added words in <ins>; all text escaped."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    removed, added = _("đã bỏ:"), _("đã thêm:")
    pieces = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(format_html('<del><span class="visually-hidden">{} </span>{}</del>', removed, "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(format_html('<ins><span class="visually-hidden">{} </span>{}</ins>', added, "".join(b[j1:j2])))
    # format_html_join escapes the plain pieces and keeps the ones built by format_html above.
    return format_html_join("", "{}", ((piece,) for piece in pieces))


@dataclasses.dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    changed: bool
    html: SafeString


def compare_plans(old: PlanContent, new: PlanContent) -> list[FieldDiff]:
    rows = []
    for _key, _title, names in PLAN_SECTIONS:
        for name in names:
            before, after = field_text(old, name), field_text(new, name)
            rows.append(FieldDiff(name=name, label=field_label(name), changed=before != after, html=diff_words(before, after)))
    return rows
