"""The implementation records of the evidence dossier (core.stages.DossierEntry, spec README §5): each resource and
each implementer as lines, the completion report as the document stored when it was filed."""

import pytest

from core.stages import stages
from implementation import services
from implementation.models import CompletionReport
from tests.implementation import helpers as h
from tests.lifecycle import sha256

pytestmark = pytest.mark.frozen_at(h.NOW)


def test_the_dossier_holds_resources_implementers_and_the_report_in_order(approved, head, proposer, secretariat, deputy):
    services.resource_record(proposal=approved, by=secretariat, kind="funds", description="Kinh phí thí điểm",
                             amount=1_500_000, budget_source="Ngân sách tỉnh")
    h.start(approved, head, proposer)
    refused = h.assign(approved, head, deputy)
    services.assignment_answer(assignment=refused, by=deputy, accept=False, reason="Đang đi học dài hạn.")
    h.complete(approved, proposer)
    report = CompletionReport.objects.get(pk=h.file_report(approved, proposer).pk)

    entries = stages.get("implementation").dossier(approved)

    titles = [str(e.title) for e in entries]
    assert titles == ["Bố trí nguồn lực thực hiện", "Phân công người thực hiện", "Phân công người thực hiện",
                      "Báo cáo kết quả thực hiện đề xuất"]
    resource = entries[0]
    assert resource.number == "1/QĐ-SNV"
    assert "Kinh phí: Kinh phí thí điểm" in resource.lines
    assert "Số tiền: 1.500.000 đ; nguồn kinh phí: Ngân sách tỉnh" in resource.lines
    lead, refusal = entries[1], entries[2]
    assert f"{proposer.get_full_name()} (Cán bộ, công chức, viên chức) — chủ trì" in lead.lines
    assert "Lý do từ chối: Đang đi học dài hạn." in refusal.lines
    document = entries[3]
    assert (document.number, document.sha256) == ("1/BC-SNV", report.pdf_sha256)
    assert sha256(document.pdf()) == report.pdf_sha256
    assert "1/BC-SNV" in [e.number for e in stages.dossier(approved)]  # the registry gathers it with the other stages


def test_a_proposal_without_implementation_has_no_entries(approved):
    assert stages.get("implementation").dossier(approved) == []
