"""Text helpers shared by search and exports."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free Vietnamese: "Cải cách Đô thị" → "cai cach do thi"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()
