"""The evaluation stage on the proposal page (panel, offers, "Việc của bạn"), in the work inbox and in the
evidence dossier; each list and panel with its query count pinned (constant in the number of rows)."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from core.actions import Situation
from core.stages import stages
from evaluation import services
from evaluation.models import EncouragementForm, Measure, Outcome
from evaluation.selectors import evaluation_file
from proposals.actions import stage_sections
from proposals.inbox import inbox_for
from proposals.models import LegalProfile, Proposal
from tests.evaluation.helpers import (
    AGAINST,
    FOR,
    NOW,
    TODAY,
    consult,
    detail,
    evaluated,
    held,
    open_meeting,
    reported,
    reported_route_b,
    url,
)
from tests.lifecycle import as_, fresh, new_profile_version
from tests.proposals.helpers import walked

pytestmark = pytest.mark.frozen_at(NOW)


def section_of(proposal, user) -> dict:
    proposal = Proposal.objects.select_related("unit", "decision_unit", "proposer", "proposer_position", "profile").get(pk=proposal.pk)
    [section] = [s for s in stage_sections(Situation(proposal=proposal, user=user)) if s.stage.label == "evaluation"]
    html = render_to_string("proposals/partials/stage_section.html", {"proposal": proposal, "section": section})
    return {**section.context, "actions": {o.action.name: o.form for o in section.offers}, "notes": section.notes,
            "html": html}


# --- The panel -----------------------------------------------------------------------------------------------------


def test_the_stage_registers_its_panel_after_the_approvals(db):
    stage = stages.get("evaluation")
    assert (stage.order, stage.panel.anchor, str(stage.panel.heading)) == (50, "danh-gia", "Đánh giá, khuyến khích, bảo vệ")
    assert stages.get("approvals").order < stage.order


def test_before_the_report_the_panel_reads_nothing(submitted, head, django_assert_num_queries):
    proposal = Proposal.objects.select_related("profile").get(pk=submitted.pk)
    with django_assert_num_queries(0):
        assert evaluation_file(proposal).active is False


def test_evl1_the_panel_asks_for_the_party_opinion_before_the_meeting(report, secretariat, deputy):
    panel = section_of(report, secretariat)
    assert set(panel["actions"]) == {"consultation_record"}
    assert any("Điều 4 khoản 3" in note for note in panel["notes"])
    assert "Hạn" in panel["html"] and "11/03/2026" in panel["html"]  # the evaluation step: 7 working days
    assert section_of(report, deputy)["actions"] == {}


def test_evl2_then_it_offers_the_meeting_with_the_collective_ticked(report, leaders, secretariat, proposer):
    head, deputy, deputy2 = leaders
    consult(report, secretariat)
    form = section_of(report, secretariat)["actions"]["meeting_open"]
    assert set(form.initial["attendees"]) == {head.pk, deputy.pk, deputy2.pk}
    assert proposer not in form.fields["attendees"].queryset


def test_evl2_while_open_the_panel_shows_who_voted_never_how(report, leaders):
    head, deputy, deputy2 = leaders
    meeting = open_meeting(report, head, [head, deputy, deputy2])
    services.evaluation_vote_cast(meeting=meeting, by=deputy, choice=AGAINST, reason="Lý do còn giữ kín đến khi kết thúc")
    panel = section_of(fresh(report), deputy2)
    assert "vote_cast" in panel["actions"] and "Lý do còn giữ kín" not in panel["html"]
    assert "(1/3)" in panel["html"] and f'id="danh-gia-hop-{meeting.pk}"' in panel["html"]
    assert "vote_cast" not in section_of(fresh(report), deputy)["actions"]
    assert {"meeting_close", "meeting_adjourn"} <= set(section_of(fresh(report), head)["actions"])


def test_evl3_after_the_meeting_the_head_is_offered_the_conclusion_prefilled(report, leaders, secretariat):
    head, deputy, _ = leaders
    closed = held(report, head, {head: FOR, deputy: FOR}, proposed_outcome=Outcome.PARTIAL)
    panel = section_of(fresh(report), head)
    assert set(panel["actions"]) == {"conclude"}
    assert panel["actions"]["conclude"].initial["outcome"] == Outcome.PARTIAL
    assert closed.minutes_sha256 in panel["html"] and url("minutes_pdf", report.pk, closed.pk) in panel["html"]
    assert "05/03/2026" in panel["html"] and "chưa xác nhận" in panel["html"]  # the conclusion step, EVL-3 [P]
    assert section_of(fresh(report), secretariat)["actions"] == {}


def test_evl6_a_conclusion_only_path_offers_the_conclusion_straight_after_the_opinion(proposer, leaders):
    head, deputy, _ = leaders
    new_profile_version(stopped_evaluation=LegalProfile.EvaluationPath.CONCLUSION)
    proposal = reported(proposer=proposer, head=head, deputy=deputy, stopped=True)
    panel = section_of(proposal, head)
    assert "conclude" not in panel["actions"] and "meeting_open" not in panel["actions"]
    assert "không họp" in panel["html"]
    consult(proposal, head)
    assert set(section_of(proposal, head)["actions"]) == {"conclude"}


def test_pro1_the_panel_offers_only_the_measure_the_conclusion_allows(report, leaders, proposer):
    head, deputy, _ = leaders
    conclusion = evaluated(report, head, deputy, outcome=Outcome.PARTIAL, damage=True, damage_vnd=10_000_000)
    panel = section_of(fresh(report), head)
    form = panel["actions"]["protection_record"]
    assert [value for value, _label in form.fields["measure"].choices] == [
        Measure.CONSIDER_EXCLUSION, Measure.CONSIDER_EXEMPTION, Measure.CONSIDER_MITIGATION]
    assert f"user:{proposer.pk}" in dict(form.fields["party"].choices)
    assert conclusion.pdf_sha256 in panel["html"] and "khoản 3 Điều 11" in panel["html"]
    assert any("Kết thúc hồ sơ sau khi" in note for note in panel["notes"])


def test_pro1_no_protection_offered_when_a_finding_is_no(report, leaders):
    head, deputy, _ = leaders
    evaluated(report, head, deputy, pure_motive=False)
    panel = section_of(fresh(report), head)
    assert "protection_record" not in panel["actions"] and "encouragement_record" not in panel["actions"]
    assert "Không đủ điều kiện áp dụng Điều 11; xem xét dấu hiệu lạm dụng theo Điều 6 khoản 1." in panel["html"]
    assert set(panel["actions"]) == {"close_case"}


def test_enc2_the_encouragement_form_offers_only_the_allowed_forms(report, leaders):
    head, deputy, _ = leaders
    evaluated(report, head, deputy, outcome=Outcome.NOT_COMPLETED)
    form = section_of(fresh(report), head)["actions"]["encouragement_record"]
    assert {value for value, _label in form.fields["form"].choices} == {
        EncouragementForm.COMMENDATION, EncouragementForm.APPRAISAL_BASIS, EncouragementForm.RANK_PROMOTION,
        EncouragementForm.OTHER}


def test_the_panel_reads_a_fixed_number_of_queries_however_many_records(report, leaders, proposer, deputy3,
                                                                        django_assert_num_queries):
    head, deputy, deputy2 = leaders
    evaluated(report, head, deputy)
    for party in (f"user:{proposer.pk}", f"user:{head.pk}", f"unit:{report.decision_unit_id}"):
        services.protection_record(proposal=report, by=head, party=party, measure=Measure.NO_LIABILITY, addressee="Sở")
        services.encouragement_record(proposal=report, by=head, party=party, form=EncouragementForm.COMMENDATION)
    proposal = Proposal.objects.select_related("unit", "decision_unit", "proposer", "proposer_position", "profile").get(pk=report.pk)
    # 1 completion report (implementation app), 2 consultation (+ recorder), meetings (+ chair, their votes with
    # voters, eligible voters, attendees), conclusion (+ signer, meeting), protection and encouragement records
    # (+ signer), folded into one query of the proposal (core.folding; the proposal page's own query carries them).
    # Parties and positions are read only for the head's offers.
    with django_assert_num_queries(2):
        evaluation_file(proposal)


def test_the_proposal_page_shows_the_panel_and_the_timeline_labels(report, leaders, secretariat):
    head, deputy, _ = leaders
    consult(report, secretariat)
    page = as_(head).get(detail(report)).content.decode()
    assert 'id="danh-gia"' in page and "Đánh giá, khuyến khích, bảo vệ" in page
    assert "Ghi nhận ý kiến cấp ủy về kết quả thực hiện" in page  # the event label in "Diễn biến"
    box = page.split('aria-labelledby="viec-cua-ban-heading"')[1].split("</aside>")[0]
    assert "Tổ chức họp tập thể lãnh đạo đánh giá kết quả thực hiện" in box and 'href="#danh-gia"' in box


def test_an_inspector_reads_the_page_and_is_offered_nothing(report, leaders, inspector):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    response = as_(inspector).get(detail(report))
    assert response.status_code == 200 and "Kết luận số 1/KL-SNV" in response.content.decode()
    assert section_of(fresh(report), inspector)["actions"] == {}


# --- The inbox -----------------------------------------------------------------------------------------------------


def _sections(user, today=TODAY):
    return {section.key: section for section in inbox_for(user=user, today=today).sections}


def test_the_inbox_lists_each_step_with_its_due_badge(proposer, leaders, secretariat):
    head, deputy, deputy2 = leaders
    waiting = reported(proposer=proposer, head=head, deputy=deputy)
    voting = reported(proposer=proposer, head=head, deputy=deputy)
    open_meeting(voting, head, [head, deputy, deputy2])
    concluding = reported(proposer=proposer, head=head, deputy=deputy)
    held(concluding, head, {head: FOR, deputy: FOR})
    settling = reported(proposer=proposer, head=head, deputy=deputy)
    evaluated(settling, head, deputy)

    sections = _sections(secretariat)
    assert [(i.proposal.pk, str(i.expected), i.due) for i in sections["to_evaluate"].items] == [
        (waiting.pk, "Ghi nhận ý kiến cấp ủy về kết quả thực hiện", datetime.date(2026, 3, 11)),
        (voting.pk, "Kết thúc cuộc họp đánh giá", None),
    ]
    assert sections["to_conclude"].items == [] and sections["to_settle"].items == []  # the head's, not the secretariat's
    sections = _sections(head)
    assert [(i.proposal.pk, i.due, i.due_state) for i in sections["to_conclude"].items] == [
        (concluding.pk, datetime.date(2026, 3, 5), "on_time")]
    assert [i.proposal.pk for i in sections["to_settle"].items] == [settling.pk]
    vote = _sections(deputy2)["evaluation_vote"].items
    assert [(i.proposal.pk, i.anchor) for i in vote] == [(voting.pk, f"danh-gia-hop-{voting.evaluation_meetings.get().pk}")]
    assert _sections(deputy)["to_evaluate"].items == []  # a deputy votes; the head and secretariat organise
    # Due soon within the profile's 2 working days; overdue the day after the due date.
    assert _sections(head, today=datetime.date(2026, 3, 3))["to_conclude"].items[0].due_state == "due_soon"
    later = _sections(secretariat, today=datetime.date(2026, 3, 12))
    assert later["to_evaluate"].items[0].due_state == "overdue"


def test_the_inbox_names_the_conclusion_only_path(proposer, leaders):
    head, deputy, _ = leaders
    new_profile_version(stopped_evaluation=LegalProfile.EvaluationPath.CONCLUSION,
                        evaluation_consultation_required=False)
    proposal = reported(proposer=proposer, head=head, deputy=deputy, stopped=True)
    [item] = _sections(head)["to_conclude"].items
    assert item.proposal.pk == proposal.pk and "không họp" in str(item.expected)


def test_the_inbox_follows_the_route_b_setting(head, superior_head):
    """EVL-6: the superior concludes a head's own proposal without a meeting when the profile says so, else meets."""
    meeting = reported_route_b(head=head, superior_head=superior_head)
    new_profile_version(route_b_evaluation=LegalProfile.EvaluationPath.CONCLUSION)
    concluding = reported_route_b(head=head, superior_head=superior_head)
    sections = _sections(superior_head)
    assert [i.proposal.pk for i in sections["to_evaluate"].items] == [meeting.pk]
    assert [(i.proposal.pk, str(i.expected)) for i in sections["to_conclude"].items] == [
        (concluding.pk, "Ghi nhận ý kiến cấp ủy về kết quả thực hiện")]


def test_the_evaluation_sections_compare_the_profile_by_id(head):
    """The profile's settings are read as the profiles making them (`profile_id IN (…)`), never as conditions on the
    joined profile: an OR mixing a proposal's columns with its profile's cost PostgreSQL 12 ms to plan the section
    to evaluate, and 20 ms of the navigation's badge that counts it on every page (issue 10)."""
    sections = _sections(head)
    for key in ("to_evaluate", "to_conclude"):
        query = sections[key].rows.query
        where, _params = query.get_compiler(using="default").compile(query.where)
        assert '"proposals_legalprofile".' not in where, key


@pytest.mark.parametrize("count", [1, 4])
def test_the_inbox_sections_cost_one_query_each_whatever_the_rows(proposer, leaders, count, django_assert_num_queries):
    head, deputy, _ = leaders
    for _n in range(count):
        reported(proposer=proposer, head=head, deputy=deputy)
    stage = stages.get("evaluation")
    # 1: to evaluate, the proposals in the user's units with their due step, the stopped flag and the opinion as
    # subqueries; 2: the calendar, once, for the "due soon" threshold; 3-5: to conclude, to vote, to settle.
    with django_assert_num_queries(5):
        sections = [section.items for section in stage.inbox(user=head, today=TODAY)]
    assert len(sections[0]) == count
    # Read a row at a time by keyset: the same rows in the same order.
    [to_evaluate, *_others] = stage.inbox(user=head, today=TODAY)
    assert [i.proposal.pk for i in walked(to_evaluate)] == [i.proposal.pk for i in sections[0]]


def test_the_inbox_page_shows_the_sections(report, secretariat):
    page = as_(secretariat).get(reverse("proposals:inbox")).content.decode()
    assert "Đề xuất chờ đánh giá kết quả thực hiện" in page and f"{detail(report)}#danh-gia" in page


# --- The dossier -------------------------------------------------------------------------------------------------


def test_the_dossier_holds_every_document_with_its_hash_in_order(report, leaders, proposer, secretariat,
                                                                 django_assert_num_queries):
    head, deputy, _ = leaders
    consult(report, secretariat)
    meeting = open_meeting(report, head, [head, deputy])
    services.evaluation_meeting_adjourn(meeting=meeting, by=head, reason="Thiếu tài liệu.")
    conclusion = evaluated(report, head, deputy)
    protection = services.protection_record(proposal=report, by=head, party=f"user:{proposer.pk}",
                                            measure=Measure.NO_LIABILITY, addressee="Sở Nội vụ")
    services.encouragement_decline(proposal=report, by=head, reason="Đã khen theo đợt.")
    entries = [e for e in stages.dossier(report) if e.number or "đánh giá" in str(e.title) or "cấp ủy" in str(e.title)]
    titles = [str(e.title) for e in stages.get("evaluation").dossier(report)]
    assert titles == [
        "Ý kiến của cấp ủy trước khi đánh giá kết quả (Điều 4 khoản 3)",
        "Cuộc họp đánh giá kết quả bị hoãn",
        "Biên bản họp đánh giá kết quả thực hiện đề xuất (Điều 18)",
        "Kết luận đánh giá kết quả thực hiện đề xuất",
        "Không đề nghị khuyến khích",
        "Văn bản xác nhận kết quả đánh giá, đề nghị áp dụng biện pháp bảo vệ",
    ]
    by_number = {e.number: e for e in entries if e.number}
    assert by_number[conclusion.number].sha256 == conclusion.pdf_sha256
    assert by_number[protection.number].pdf() == protection.pdf.open("rb").read()
    # Queries: consultation (1), meetings (1) with votes (1), conclusion (1), protection (1), encouragement (1).
    with django_assert_num_queries(6):
        stages.get("evaluation").dossier(report)


# --- ENC-4: per cadre and period -----------------------------------------------------------------------------------


def test_enc4_the_years_recognitions_export_per_cadre_in_scope(report, leaders, proposer, outsider, django_assert_num_queries):
    from evaluation.export import recognitions

    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    services.encouragement_record(proposal=report, by=head, party=f"user:{proposer.pk}", form=EncouragementForm.COMMENDATION)
    services.protection_record(proposal=report, by=head, party=f"user:{head.pk}", measure=Measure.NO_LIABILITY,
                               addressee="Sở Nội vụ")
    # 1 the scope rule's subtree-reader paths (proposals.scope), 2 conclusions (+ proposal, proposer, unit),
    # 3 co-authors, 4 protection records, 5 encouragement records.
    with django_assert_num_queries(5):
        rows = recognitions(user=head, year=2026)
    assert {(r.name, tuple(r.roles)) for r in rows} == {
        (proposer.get_full_name(), ("Cán bộ đề xuất",)),
        (head.get_full_name(), ("Người đứng đầu cơ quan đã cho triển khai thực hiện",)),
    }
    response = as_(proposer).get(url("recognitions_csv") + f"?nam=2026&can_bo={proposer.pk}")
    text = response.content.decode("utf-8")
    assert response.status_code == 200 and text.startswith("\ufeffCán bộ,")
    assert "1/KL-SNV" in text and "Biểu dương trước tập thể cơ quan, đơn vị (2/QĐ-SNV)" in text and head.get_full_name() not in text
    assert as_(outsider).get(url("recognitions_csv") + "?nam=2026").content.decode("utf-8").count("\n") == 1  # header only
    assert recognitions(user=head, year=2025) == []


def test_enc4_export_cells_cannot_run_as_formulas(db):
    from evaluation.export import _cell

    assert [_cell(v) for v in ("=1+1", "+84", "-", "@x", "Bình thường")] == ["'=1+1", "'+84", "'-", "'@x", "Bình thường"]
