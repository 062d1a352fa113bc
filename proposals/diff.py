"""Showing a plan as text and comparing two versions of it field by field (word-level, escaped).

The comparison is bounded (issue 11 §5): difflib's SequenceMatcher is quadratic (164 s for two versions of 24,000
words, a worker held past gunicorn's timeout by anyone who may read the proposal). Google's diff-match-patch runs
Myers' O(ND) diff with a deadline; words are mapped to single characters first (its "line mode" trick, per word)
so that it compares words, not letters. A field past PLAN_DIFF_MAX_WORDS, or whose diff runs out of its share of
PLAN_DIFF_TIME_BUDGET_SECONDS, is shown as its two versions side by side instead.
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


def diff_words(old: str, new: str, *, deadline: float | None = None) -> SafeString | None:
    """`new` against `old` word by word: removed words in <del>, added words in <ins>; all text escaped.

    None when either text has more than PLAN_DIFF_MAX_WORDS words or the diff is not done by `deadline`
    (time.time(); default: PLAN_DIFF_TIME_BUDGET_SECONDS from now): the caller shows the two texts instead.
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
    removed, added = _("đã bỏ:"), _("đã thêm:")
    pieces = []
    for op, chars in diffs:
        text = "".join(words[ord(char)] for char in chars)
        if op == diff_match_patch.DIFF_EQUAL:
            pieces.append(text)
        elif op == diff_match_patch.DIFF_DELETE:
            pieces.append(format_html('<del><span class="visually-hidden">{} </span>{}</del>', removed, text))
        else:
            pieces.append(format_html('<ins><span class="visually-hidden">{} </span>{}</ins>', added, text))
    # format_html_join escapes the plain pieces and keeps the ones built by format_html above.
    return format_html_join("", "{}", ((piece,) for piece in pieces))


@dataclasses.dataclass(frozen=True)
class FieldDiff:
    """One field of the comparison: `html` is the word diff, or None when it is shown as `before` and `after`."""

    name: str
    label: str
    changed: bool
    html: SafeString | None
    before: str = ""
    after: str = ""

    @property
    def side_by_side(self) -> bool:
        return self.html is None


def compare_plans(old: PlanContent, new: PlanContent) -> list[FieldDiff]:
    """Every field of the two versions; the changed ones share PLAN_DIFF_TIME_BUDGET_SECONDS, each getting an even
    share of what the ones before it left, so that one long field cannot take the others' time."""
    texts = [(name, field_text(old, name), field_text(new, name)) for _key, _title, names in PLAN_SECTIONS for name in names]
    changed = sum(before != after for _name, before, after in texts)
    end = time.time() + settings.PLAN_DIFF_TIME_BUDGET_SECONDS
    rows = []
    for name, before, after in texts:
        if before == after:
            html = format_html("{}", before)
        else:
            now = time.time()
            html = diff_words(before, after, deadline=now + max(end - now, 0) / changed)
            changed -= 1
        rows.append(FieldDiff(name=name, label=field_label(name), changed=before != after, html=html,
                              before=before, after=after))
    return rows
