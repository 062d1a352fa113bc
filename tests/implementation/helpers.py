"""Plain helpers of the implementation tests: the clock, URLs, a proposal driven to each stage through the
services, the rendered panel, a complete report.

The clock stands on Tuesday 28/04/2026 09:00 in Hà Nội (`pytestmark = pytest.mark.frozen_at(NOW)`), two days
before the 30/04 and 01/05 holidays: a report due 5 working days after completing that day is due on 07/05/2026.
The 2026 calendar is seeded by the `calendar_2026` fixture (tests/implementation/conftest.py).
"""

import datetime

from django.template.loader import render_to_string
from django.urls import reverse

from core.actions import Situation, offers
from core.stages import stages
from implementation import services
from implementation.models import PLAN_ORDER, Assignment, CompletionReport, Target
from proposals.actions import StageSection
from proposals.models import Proposal
from tests.lifecycle import HANOI

NOW = datetime.datetime(2026, 4, 28, 9, 0, tzinfo=HANOI)
TODAY = NOW.date()
# complete_plan() has one line of milestones and one of indicators; these have several, bullets included.
MILESTONES = "- Quý II: xây dựng quy trình liên thông\n\n- Quý III: thí điểm tại 02 huyện\n• Quý IV: tổng kết, nhân rộng"
INDICATORS = "1. Tỷ lệ hồ sơ nộp trực tuyến ≥ 80 %\n2. Thời gian giải quyết trung bình ≤ 10 ngày"


def url(name, *args) -> str:
    return reverse(f"implementation:{name}", args=args)


def detail(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def fresh(proposal) -> Proposal:
    return Proposal.objects.select_related("unit", "decision_unit", "proposer", "profile").get(pk=proposal.pk)


def section(proposal, user, *, loaded: bool = False) -> StageSection:
    """The implementation section of the proposal page as `user` sees it (as proposals.actions.stage_sections
    builds it, for this stage alone). The proposal is read again first, unless `loaded` (as the page loads it:
    `fresh`), so that a test counting queries counts the panel's alone."""
    if not loaded:
        proposal = fresh(proposal)
    situation = Situation(proposal=proposal, user=user)
    stage = stages.get("implementation")
    context = stage.panel.context(situation)
    offered, reasons = offers(stage.actions, situation)
    for offer in offered:
        offer.anchor = offer.action.anchor.format(target=offer.situation.target) or stage.panel.anchor
    return StageSection(stage=stage, context=context, offers=offered, notes=reasons)


def offered(proposal, user) -> dict:
    """The implementation actions offered to `user`, by name, with their forms."""
    return {o.action.name: o.form for o in section(proposal, user).offers}


def notes(proposal, user) -> list[str]:
    return section(proposal, user).notes


def panel_html(proposal, user) -> str:
    proposal = fresh(proposal)
    found = section(proposal, user)
    return render_to_string("proposals/partials/stage_section.html", {"proposal": proposal, "section": found})


def assign(proposal, head, person=None, *, lead=False, **fields) -> Assignment:
    if person is not None:
        return services.implementer_assign(proposal=proposal, by=head, kind=Assignment.Kind.CADRE, person=person,
                                           is_lead=lead, **fields)
    fields = {"kind": Assignment.Kind.ORGANISATION, "name": "Công ty Cổ phần Phần mềm Hạ Long",
              "contact_person": "Nguyễn Văn Liên", "phone": "0203 3835 555", **fields}
    return services.implementer_assign(proposal=proposal, by=head, is_lead=lead, **fields)


def accept(assignment, by=None) -> Assignment:
    if by is None:
        return services.assignment_answer(assignment=assignment, by=assignment.person, accept=True)
    return services.assignment_record_answer(assignment=assignment, by=by, accept=True)


def start(proposal, head, lead_person) -> Assignment:
    """Assign `lead_person` (a cadre) as the lead, who accepts; the head starts implementation."""
    lead = accept(assign(proposal, head, lead_person, lead=True, task="Chủ trì xây dựng quy trình"))
    services.implementation_start(proposal=proposal, by=head)
    return lead


def targets(proposal) -> list[Target]:
    return list(Target.objects.filter(proposal=proposal, retired_at__isnull=True).order_by(*PLAN_ORDER))


def report_fields(proposal, **overrides) -> dict:
    """Every field of a complete report on `proposal`: each target met."""
    fields = {
        "attested": True, "overall": CompletionReport.Overall.COMPLETED,
        "results": {t.pk: ("met", f"Đạt: {t.text}") for t in targets(proposal)},
        "results_summary": "Thời gian giải quyết giảm từ 30 xuống 9 ngày; 85 % hồ sơ nộp trực tuyến.",
        "resources_used": "Sử dụng 480 triệu đồng và 05 công chức như được bố trí.",
        "causes": "Sự phối hợp tốt giữa văn phòng đăng ký đất đai và cơ quan thuế.",
        "damage": False, "funds_used": 480_000_000,
    }
    fields.update(overrides)
    return fields


def complete(proposal, by, on=None):
    return services.implementation_complete(proposal=proposal, by=by, completed_on=on or TODAY)


def file_report(proposal, by, **overrides) -> CompletionReport:
    return services.report_file(proposal=proposal, by=by, **report_fields(proposal, **overrides))


def report_post(proposal, **overrides) -> dict:
    """The report form's POST data: every target met, no damage, the attestation ticked."""
    data = {
        "report-overall": "completed", "report-results_summary": "Đạt mục tiêu đề ra.",
        "report-resources_used": "Như được bố trí.", "report-causes": "Phối hợp tốt.", "report-damage": "no",
        "report-attested": "on", "report-funds_used": "1.500.000",
    }
    for target in targets(proposal):
        data[f"report-outcome_{target.pk}"] = "met"
        data[f"report-result_{target.pk}"] = "Hoàn thành đúng hạn."
    data.update(overrides)
    return data
