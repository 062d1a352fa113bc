"""Document numbers: each unit keeps one register per document type and year (documents.md "Numbering").

`next_number` must run inside the caller's transaction: the counter row stays locked until commit, so two
decisions issued at once get consecutive numbers and a rolled-back one gives its number back.
"""

from dataclasses import dataclass

from django.db import transaction

from ..models import DocumentCounter

# A letter (công văn) carries no type abbreviation; after the issuer comes the abbreviation of the unit that drafted
# it (Decree 30/2020, Appendix I; documents.md "123/UBND-VP", review finding 3): "Số: 12/SNV-VP".
LETTER_REGISTER = "CV"
# The drafting unit (đơn vị soạn thảo) of the documents the product issues: the issuer's office (văn phòng), which
# keeps the register. It is also the second entry of every "Lưu: VT, VP" line.
DRAFTING_UNIT = "VP"


@dataclass(frozen=True)
class DocumentNumber:
    register: str
    year: int
    seq: int
    text: str


def next_number(*, unit, register: str, year: int, drafting: str = DRAFTING_UNIT) -> DocumentNumber:
    """The next number of `unit`'s `register` in `year`: "12/QĐ-SNV"; a letter "12/SNV-VP" (`drafting`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must be called inside transaction.atomic()")
    DocumentCounter.objects.get_or_create(unit=unit, doc_type=register, year=year)
    counter = DocumentCounter.objects.select_for_update().get(unit=unit, doc_type=register, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    issuer = unit.abbreviation or unit.code
    text = (f"{counter.last_number}/{issuer}-{drafting}" if register == LETTER_REGISTER
            else f"{counter.last_number}/{register}-{issuer}")
    return DocumentNumber(register=register, year=year, seq=counter.last_number, text=text)
