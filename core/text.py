"""Text helpers shared by search, lists and exports."""

import unicodedata

from django.db import connection
from django.db.models import F
from django.db.models.expressions import Expression
from django.db.models.functions import Collate

# PostgreSQL's ICU Vietnamese collation orders "Cải cách" before "Chuyển đổi" and "Đặng" after "Dương"; other
# databases compare code points, which is only an approximation (accented letters sort after "z").
VIETNAMESE_COLLATION = "vi-x-icu"


def fold(text: str) -> str:
    """Lower-case, accent-free Vietnamese: "Cải cách Đô thị" → "cai cach do thi"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


def vietnamese_order(field: str) -> Expression:
    """`field` in the order a Vietnamese reader expects, for order_by() or a keyset key (on PostgreSQL)."""
    return Collate(field, VIETNAMESE_COLLATION) if connection.vendor == "postgresql" else F(field)
