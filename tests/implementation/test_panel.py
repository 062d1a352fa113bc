"""The implementation section of the proposal page: what it offers to whom at each step, and that it reads a
fixed number of queries however many resources, implementers, targets and progress entries there are.
"""

import pytest

from core.stages import stages
from implementation import services
from tests.implementation import helpers as h
from tests.lifecycle import PDF_BYTES, as_, uploaded_file

pytestmark = pytest.mark.frozen_at(h.NOW)


def test_the_stage_is_registered_after_the_decision_with_its_panel_and_labels():
    stage = stages.get("implementation")
    assert stage.order == 30 and stage.panel.anchor == "trien-khai" and str(stage.panel.heading) == "Triển khai thực hiện"
    assert stage.inbox is not None and stage.dossier is not None
    assert str(stage.event_labels["assignment_refuse"]) == "Từ chối nhiệm vụ thực hiện"
    assert [s.label for s in stages].index("approvals") < [s.label for s in stages].index("implementation")


def test_before_the_decision_nothing_is_offered_nor_read(submitted, head, django_assert_num_queries):
    proposal = h.fresh(submitted)
    with django_assert_num_queries(0):
        found = h.section(proposal, head, loaded=True)
    assert found.offers == [] and found.context == {"started": False, "decided": False}
    assert "Đề xuất chưa được quyết định cho triển khai thực hiện." in h.panel_html(submitted, head)


def test_after_the_decision_the_head_allocates_assigns_and_the_secretariat_allocates(approved, head, secretariat, deputy, proposer):
    assert set(h.offered(approved, head)) == {"resource_record", "implementer_assign"}
    assert set(h.offered(approved, secretariat)) == {"resource_record"}
    assert h.offered(approved, deputy) == {} and h.offered(approved, proposer) == {}


def test_while_implementing_the_lead_records_progress_and_completes(approved, head, proposer, deputy):
    h.start(approved, head, proposer)
    h.assign(approved, head, deputy)
    assert set(h.offered(approved, proposer)) == {"progress_record", "implementation_complete"}
    assert set(h.offered(approved, deputy)) == {"assignment_answer"}
    assert set(h.offered(approved, head)) == {"resource_record", "implementer_assign", "implementation_complete"}


def test_the_task_lines_name_what_each_person_has_to_do(approved, head, proposer):
    h.assign(approved, head, proposer, lead=True)
    html = as_(proposer).get(h.detail(approved)).content.decode()
    box = html.split('aria-labelledby="viec-cua-ban-heading"')[1].split("</aside>")[0]
    assert "Xác nhận nhận nhiệm vụ thực hiện đề xuất, hoặc từ chối (nêu lý do)" in box


def test_irreversible_steps_ask_for_confirmation(approved, head, proposer):
    h.assign(approved, head, proposer, lead=True)
    html = h.panel_html(approved, head)
    assert 'data-confirm="Bắt đầu triển khai thực hiện?' in html
    assert html.count("data-confirm=") == 1  # resources and assignments are not irreversible in that way


def test_the_timeline_names_the_stage_events(approved, head, proposer):
    h.start(approved, head, proposer)
    html = as_(head).get(h.detail(approved)).content.decode()
    for label in ("Phân công người thực hiện", "Nhận nhiệm vụ thực hiện", "Bắt đầu triển khai thực hiện",
                  "Cập nhật mốc, chỉ tiêu theo kế hoạch được phê duyệt"):
        assert label in html


def _fill(proposal, head, proposer, secretariat, rows: int):
    for n in range(rows):
        services.resource_record(proposal=proposal, by=secretariat, kind="funds", description=f"Kinh phí {n}",
                                 amount=1_000_000 * (n + 1), budget_source="Ngân sách tỉnh")
        h.assign(proposal, head, name=f"Công ty {n}")
    h.start(proposal, head, proposer)
    for target in h.targets(proposal):
        for n in range(rows):
            services.progress_record(proposal=proposal, by=proposer, target=target, status="in_progress", note=f"Lần {n}",
                                     evidence=uploaded_file("a.pdf", PDF_BYTES))


@pytest.mark.parametrize("rows", [1, 3])
def test_the_panel_reads_a_fixed_number_of_queries_while_implementing(approved_with_lines, head, proposer, secretariat,
                                                                     rows, django_assert_num_queries):
    _fill(approved_with_lines, head, proposer, secretariat, rows)
    proposal = h.fresh(approved_with_lines)
    # 1 resources (+ decision, recorder), assignments (+ people), the run of implementation, targets with their
    # progress entries (+ recorder) and the report (none yet), folded into one query of the proposal (core.folding;
    # the proposal page's own query carries them), 2 the plan version in force (its end date), 3 the head's
    # positions in the deciding unit, read once for every action offered.
    with django_assert_num_queries(3):
        h.section(proposal, head, loaded=True)


@pytest.mark.parametrize("rows", [1, 3])
def test_the_panel_reads_two_queries_before_the_start(approved, head, secretariat, rows, django_assert_num_queries):
    for n in range(rows):
        services.resource_record(proposal=approved, by=secretariat, kind="people", description=f"Nhân lực {n}")
        h.assign(approved, head, name=f"Công ty {n}")
    proposal = h.fresh(approved)
    # 1 resources, assignments (and the run, targets and report, none yet) in one folded query, 2 the head's positions.
    with django_assert_num_queries(2):
        found = h.section(proposal, head, loaded=True)
    assert len(found.context["resources"]) == len(found.context["assignments"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_the_panel_reads_a_fixed_number_of_queries_once_reported(approved_with_lines, head, proposer, secretariat, deputy,
                                                                rows, django_assert_num_queries):
    _fill(approved_with_lines, head, proposer, secretariat, rows)
    h.complete(approved_with_lines, proposer)
    h.file_report(approved_with_lines, proposer, evidence=[uploaded_file(f"{n}.pdf", PDF_BYTES) for n in range(rows)])
    proposal = h.fresh(approved_with_lines)
    # 1 resources, assignments, the run, targets with entries, the report (+ implementer, filer) with its results and
    # evidence, in one folded query. Nothing is offered once reported, so no position is read.
    with django_assert_num_queries(1):
        found = h.section(proposal, deputy, loaded=True)
    assert found.offers == []
