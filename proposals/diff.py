"""Showing a plan as text and comparing two versions of it field by field (word-level, escaped).

The comparison is bounded (issue 11 §5): difflib's SequenceMatcher is quadratic (164 s for two versions of 24,000
words, a worker held past gunicorn's timeout by anyone who may read the proposal). Google's diff-match-patch runs
Myers' O(ND) diff with a deadline; words are mapped to single characters first (its "line mode" trick, per word)
so that it compares words, not letters. A field past PLAN_DIFF_MAX_WORDS, or whose diff runs out of its share of
PLAN_DIFF_TIME_BUDGET_SECONDS, is shown as its two versions unmarked.

Each changed field is shown as its two versions side by side (stacked on a phone): the old one with its removed words
in <del>, the new one with its added words in <ins> (issue 12 §4).
"""

import dataclasses
import datetime
import re
import time

from diff_match_patch import diff_match_patch
from django.conf import settings
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import PLAN_SECTIONS
from .models import PlanContent, Proposal

# Words and punctuation marks, each with the whitespace before it: "tỉnh" → "tỉnh," shows only the added comma, the
# diff keeps line breaks and spacing, and it compares half as many tokens as with the spaces on their own.
_TOKENS = re.compile(r"\s*\w+|\s*[^\w\s]|\s+")


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


def _as_chars(tokens: list[str], codes: dict[str, str]) -> str:
    """Each distinct token as one character, so that diff-match-patch's character diff is a word diff."""
    return "".join(codes.setdefault(token, chr(len(codes))) for token in tokens)


def diff_words(old: str, new: str, *, deadline: float | None = None) -> tuple[SafeString, SafeString] | None:
    """The two texts marked word by word, to be read side by side: `old` with its removed words in <del>, `new` with
    its added words in <ins>. Each keeps its own spacing, so that a rewritten field reads as two texts rather than
    words of both glued together ("ThờiQuý gianI", issue 12 §4). All text is escaped.

    None when either text has more than PLAN_DIFF_MAX_WORDS words or the diff is not done by `deadline`
    (time.time(); default: PLAN_DIFF_TIME_BUDGET_SECONDS from now): the caller shows the two texts unmarked.
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    limit = settings.PLAN_DIFF_MAX_WORDS
    if max(len(a), len(b)) > limit:  # words and punctuation marks (and trailing whitespace)
        return None
    if deadline is None:
        deadline = time.time() + settings.PLAN_DIFF_TIME_BUDGET_SECONDS
    codes: dict[str, str] = {}
    engine = diff_match_patch()
    diffs = engine.diff_main(_as_chars(a, codes), _as_chars(b, codes), checklines=False, deadline=deadline)
    if time.time() > deadline:  # the bisection gave up: what it returned is a rough cut, not the changes
        return None
    words = list(codes)
    before, after = [], []
    for op, chars in diffs:
        text = "".join(words[ord(char)] for char in chars)
        if op == diff_match_patch.DIFF_EQUAL:
            before.append(text)
            after.append(text)
        elif op == diff_match_patch.DIFF_DELETE:
            before.append(_marked("del", _("đã bỏ:"), text))
        else:
            after.append(_marked("ins", _("đã thêm:"), text))
    # format_html_join escapes the plain pieces and keeps the ones built by format_html.
    return tuple(format_html_join("", "{}", ((piece,) for piece in pieces)) for pieces in (before, after))


def _marked(tag: str, label: str, text: str) -> SafeString:
    """<del> or <ins> with what it means for a screen reader, spaced apart from the words around it when read; the
    whitespace before the words stays outside the mark."""
    words = text.lstrip()
    return format_html('{}<{}><span class="visually-hidden"> {} </span>{}</{}>',
                       text[: len(text) - len(words)], tag, label, words, tag)


@dataclasses.dataclass(frozen=True)
class FieldDiff:
    """One field of the comparison: `before` and `after` marked word by word when `marked`, else as written (too
    long to compare, or out of time)."""

    name: str
    label: str
    changed: bool
    marked: bool
    before: SafeString
    after: SafeString


def compare_plans(old: PlanContent, new: PlanContent) -> list[FieldDiff]:
    """Every field of the two versions; the changed ones share PLAN_DIFF_TIME_BUDGET_SECONDS, each getting an even
    share of what the ones before it left, so that one long field cannot take the others' time."""
    texts = [(name, field_text(old, name), field_text(new, name)) for _key, _title, names in PLAN_SECTIONS for name in names]
    changed = sum(before != after for _name, before, after in texts)
    end = time.time() + settings.PLAN_DIFF_TIME_BUDGET_SECONDS
    rows = []
    for name, before, after in texts:
        marks = None
        if before != after:
            now = time.time()
            marks = diff_words(before, after, deadline=now + max(end - now, 0) / changed)
            changed -= 1
        marked_before, marked_after = marks or (format_html("{}", before), format_html("{}", after))
        rows.append(FieldDiff(name=name, label=field_label(name), changed=before != after, marked=marks is not None,
                              before=marked_before, after=marked_after))
    return rows
