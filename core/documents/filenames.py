"""The names a downloaded document is saved under: an ASCII one for old clients, the Vietnamese one for the others."""

import re
import unicodedata
from dataclasses import dataclass

# Starts the name of a copy rendered again (see `issued.read_issued`): whoever keeps the file sees it is not the
# original.
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


def display_name(text: str) -> str:
    """"Quyết định 1/QĐ-SNV.pdf" → "Quyết định 1-QĐ-SNV.pdf": the Vietnamese name without what no file name holds."""
    return re.sub(r'[/\\:*?"<>|]+', "-", text)
