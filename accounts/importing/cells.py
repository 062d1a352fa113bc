"""Cell values as typed in the spreadsheet → text, dates and choice values, with the user's message when wrong."""

import datetime
import functools
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from core.text import fold

from ..models import OrgUnit, Position


class CellError(Exception):
    """A cell that cannot be read; the message is for the user."""


def normalize_key(text) -> str:
    """The form in which headers and labels are compared: "Mã Đơn Vị" → "ma_don_vi"."""
    return re.sub(r"[^a-z0-9]+", "_", fold(str(text))).strip("_")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores every number as a float: 1234 arrives as 1234.0
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value:%d/%m/%Y}"
    return unicodedata.normalize("NFC", str(value)).strip()


_DATE_FIELD = forms.DateField()


def parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    # The project's DATE_INPUT_FORMATS (config/formats): day first, 05/04/2026 is 5 April; ISO also accepted.
    try:
        return _DATE_FIELD.clean(text)
    except ValidationError as exc:
        raise CellError(_("«%(value)s» không phải ngày dạng dd/mm/yyyy.") % {"value": text}) from exc


_CHOICE_ALIASES = {
    OrgUnit.Level: {
        "tw": "central",
        "trung_uong": "central",
        "tinh": "province",
        "xa": "commune",
        "phuong": "commune",
        "huyen": "district",
        "cap_huyen": "district",
    },
    OrgUnit.Kind: {
        "co_quan_hanh_chinh": "state_agency",
        "hanh_chinh": "state_agency",
        "su_nghiep": "public_service",
        "don_vi_su_nghiep": "public_service",
        "doanh_nghiep": "enterprise",
    },
    Position.Role: {
        "truong": "head",
        "dung_dau": "head",
        "pho": "deputy",
        "can_bo": "staff",
        "cong_chuc": "staff",
        "vien_chuc": "staff",
        "chuyen_vien": "staff",
        "tham_muu": "secretariat",
        "to_chuc_can_bo": "secretariat",
        "thanh_tra": "inspector",
        "kiem_tra": "inspector",
    },
    Position.Category: {"khac": "other", "khong": "other", "khong_thuoc_dieu_2": "other"},
}


@functools.cache
def _choice_lookup(choices) -> dict[str, str]:
    """Normalised code, Vietnamese label and English label → stored value."""
    lookup = {}
    for value, label in choices.choices:
        lookup[normalize_key(value)] = value
        for language in ("vi", "en"):
            with translation.override(language):
                lookup[normalize_key(label)] = value
    lookup.update(_CHOICE_ALIASES.get(choices, {}))
    return lookup


def parse_choice(value, choices) -> str | None:
    text = cell_text(value)
    if not text:
        return None
    found = _choice_lookup(choices).get(normalize_key(text))
    if found is None:
        allowed = ", ".join(str(label) for label in choices.labels)
        raise CellError(
            _("«%(value)s» không hợp lệ. Dùng một trong: %(allowed)s.") % {"value": text, "allowed": allowed}
        )
    return found


def format_date(value: datetime.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""
