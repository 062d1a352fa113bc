"""ENC-4: per cadre and period, the proposals evaluated and what recognised them, as evidence for the annual
evaluation and rating of cadres (after-approval.md ENC-4 [P]; addendum N18–N19, N26).

One row per person and conclusion: the proposer and co-authors of every proposal concluded in the year, and every
other person a protection or encouragement record names (implementers, the approving head). Scoped like every
list (`Proposal.objects.visible_to`): a cadre exports their own record, a secretariat its units'.
"""

import csv
import dataclasses
import io

from django.utils.translation import gettext as _

from proposals.models import Proposal

from .models import Conclusion, EncouragementRecord, PartyKind, ProtectionRecord


@dataclasses.dataclass
class Recognition:
    person_id: int
    name: str
    roles: list[str]
    conclusion: Conclusion
    encouragements: list[EncouragementRecord] = dataclasses.field(default_factory=list)
    protections: list[ProtectionRecord] = dataclasses.field(default_factory=list)


def recognitions(*, user, year: int, person_id: int | None = None) -> list[Recognition]:
    """Five queries whatever the number of rows: the scope rule's reader paths, conclusions (+ proposal, proposer,
    unit), co-authors, protection records, encouragement records."""
    conclusions = list(
        Conclusion.objects.filter(proposal__in=Proposal.objects.visible_to(user), issued_on__year=year)
        .select_related("proposal__proposer", "proposal__unit")
        .prefetch_related("proposal__co_authors")
        .order_by("issued_on", "pk")
    )
    ids = [c.pk for c in conclusions]
    rows: dict[tuple[int, int], Recognition] = {}

    def row(conclusion, person, role) -> Recognition:
        key = (person.pk, conclusion.pk)
        if key not in rows:
            rows[key] = Recognition(person_id=person.pk, name=person.get_full_name(), roles=[], conclusion=conclusion)
        if role and role not in rows[key].roles:
            rows[key].roles.append(role)
        return rows[key]

    for conclusion in conclusions:
        row(conclusion, conclusion.proposal.proposer, str(PartyKind.PROPOSER.label))
        for person in conclusion.proposal.co_authors.all():
            row(conclusion, person, str(PartyKind.CO_AUTHOR.label))
    by_pk = {c.pk: c for c in conclusions}
    for model, attribute in ((ProtectionRecord, "protections"), (EncouragementRecord, "encouragements")):
        for record in model.objects.filter(conclusion_id__in=ids, person__isnull=False).select_related("person").order_by("pk"):
            target = row(by_pk[record.conclusion_id], record.person, record.get_party_kind_display())
            getattr(target, attribute).append(record)
    found = sorted(rows.values(), key=lambda r: (r.name, r.conclusion.issued_on, r.conclusion.pk))
    return [r for r in found if person_id is None or r.person_id == person_id]


def _cell(value) -> str:
    """A cell Excel will not run: text starting with = + - @ is neutralised (style.md, CSV)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def recognitions_csv(rows: list[Recognition]) -> bytes:
    """UTF-8 with a BOM, so that Excel shows Vietnamese."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([
        _("Cán bộ"), _("Vai trò"), _("Mã hồ sơ"), _("Tên đề xuất"), _("Cơ quan, đơn vị"), _("Số kết luận"),
        _("Ngày kết luận"), _("Kết quả"), _("Khuyến khích"), _("Bảo vệ"),
    ])
    for r in rows:
        c, p = r.conclusion, r.conclusion.proposal
        writer.writerow([_cell(v) for v in (
            r.name, "; ".join(r.roles), p.code, p.title, p.unit.name, c.number, c.issued_on.strftime("%d/%m/%Y"),
            c.get_outcome_display(),
            "; ".join(f"{e.get_form_display()} ({e.number})" for e in r.encouragements),
            "; ".join(f"{x.get_measure_display()} ({x.number}{', ' + x.final_number if x.final_number else ''})"
                      for x in r.protections),
        )])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
