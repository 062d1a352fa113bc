"""Who sees an incident (after-approval.md INC-3; spec README §3: reported confidentially to the inspectors of
the unit's subtree): its reporter and its handlers only. Everyone else — the person reported, a head who is not a
handler, an inspector elsewhere, an outsider — gets 404 for its page, its files and any list.

`incident` (tests/incidents/conftest.py): the proposer reports the deputy for obstructing the proposal; the
province inspector handles it.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Position
from core.actions import Situation
from incidents.models import Incident
from incidents.selectors import incidents_visible_to, proposal_panel
from proposals.actions import stage_sections
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import PDF_BYTES, as_

from .helpers import NOW, report, url

pytestmark = pytest.mark.frozen_at(NOW)


@pytest.fixture
def with_file(submitted, proposer, deputy, inspector):
    return report(by=proposer, proposal=submitted, reported_people=[deputy],
                  evidence=[SimpleUploadedFile("chung-cu.pdf", PDF_BYTES)])


def _all_urls(incident):
    evidence = incident.evidence.first()
    urls = [url("detail", incident.pk)]
    if evidence is not None:
        urls.append(url("evidence", incident.pk, evidence.pk))
    return urls


# --- Who sees it -------------------------------------------------------------------------------------------------------


def test_the_reporter_and_the_handlers_see_the_incident_and_its_files(with_file, proposer, inspector, dept_inspector):
    """INC-3: handlers are inspectors of the incident's unit (dept_inspector) or a unit above it (inspector)."""
    for person in (proposer, inspector, dept_inspector):
        client = as_(person)
        for target in _all_urls(with_file):
            assert client.get(target).status_code == 200, (person.username, target)
    download = as_(inspector).get(_all_urls(with_file)[1])
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Cache-Control"] == "private, no-store"
    assert 'filename="chung-cu.pdf"' in download["Content-Disposition"]


@pytest.mark.parametrize("persona", ["deputy", "head", "deputy2", "secretariat", "superior_head", "other_inspector", "outsider"])
def test_everyone_else_gets_404_for_the_page_and_the_files(request, with_file, persona):
    """INC-3: the person reported (deputy), a head who is not a handler, an inspector of another unit, outsiders."""
    client = as_(request.getfixturevalue(persona))
    for target in _all_urls(with_file):
        assert client.get(target).status_code == 404, (persona, target)
    assert not incidents_visible_to(request.getfixturevalue(persona)).exists()


def test_no_one_else_finds_it_in_any_list(with_file, deputy, head, outsider, other_inspector):
    for person in (deputy, head, outsider, other_inspector):
        client = as_(person)
        for view in ("cua-toi", "can-xu-ly"):
            response = client.get(url("list"), {"xem": view})
            assert response.status_code == 200
            assert with_file.number not in response.content.decode()


def test_anonymous_visitors_see_nothing(client, with_file):
    from django.contrib.auth.models import AnonymousUser

    assert not incidents_visible_to(AnonymousUser()).exists()
    for target in [*_all_urls(with_file), url("list")]:
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.post(url("detail", with_file.pk)).status_code == 302
    assert as_(with_file.reporter).post(url("detail", with_file.pk)).status_code == 405


def test_a_reported_person_who_inspects_above_the_unit_neither_sees_nor_handles_it(submitted, proposer, inspector, dept_inspector):
    """INC-3: a handler named in the report does not see it (they would judge themselves), nor its reporter."""
    incident = report(by=proposer, proposal=submitted, reported_people=[inspector])
    client = as_(inspector)
    assert client.get(url("detail", incident.pk)).status_code == 404
    assert client.post(url("take_up", incident.pk)).status_code == 404
    listing = client.get(url("list"), {"xem": "can-xu-ly"}).content.decode()
    assert incident.number not in listing and proposer.get_full_name() not in listing
    # Another handler of the unit still handles it.
    assert as_(dept_inspector).get(url("detail", incident.pk)).status_code == 200


def test_a_reported_person_who_handles_elsewhere_sees_no_reporter_name(submitted, proposer, deputy, outsider, other_unit):
    """The deputy, reported here, also inspects the other department: their handler list and pages show the
    incidents they handle there, never this one nor the name of the person who reported them."""
    PositionFactory(person=deputy, unit=other_unit, role=Position.Role.INSPECTOR)
    incident = report(by=proposer, proposal=submitted, reported_people=[deputy])
    theirs = report(by=outsider, unit=other_unit, reported_text="Một cán bộ của Sở Tài chính")
    client = as_(deputy)
    listing = client.get(url("list"), {"xem": "can-xu-ly"}).content.decode()
    assert theirs.number in listing and incident.number not in listing
    assert proposer.get_full_name() not in listing
    assert client.get(url("detail", incident.pk)).status_code == 404
    assert proposer.get_full_name() not in client.get(url("detail", theirs.pk)).content.decode()
    # Nor their inbox, home page, or the proposal's page, which they see as a member of its deciding unit.
    for target in (reverse("proposals:inbox"), reverse("core:home"), reverse("proposals:detail", args=[submitted.pk])):
        body = client.get(target).content.decode()
        assert incident.number not in body and url("detail", incident.pk) not in body


def test_a_reported_person_sees_no_incident_on_the_proposal_page(incident, proposer, deputy, inspector, submitted):
    """The proposal page's section: the handler sees the incidents about it; the person reported, none."""
    deputy_page = as_(deputy).get(reverse("proposals:detail", args=[submitted.pk])).content.decode()
    assert incident.number not in deputy_page and url("detail", incident.pk) not in deputy_page
    assert f"{url('report')}?de_xuat={submitted.pk}" in deputy_page
    inspector_page = as_(inspector).get(reverse("proposals:detail", args=[submitted.pk])).content.decode()
    assert url("detail", incident.pk) in inspector_page


def test_the_reporter_sees_the_outcome_but_not_the_handlers_notes_or_names(incident, proposer, inspector):
    from incidents import services

    from .helpers import REASON, TODAY

    services.incident_step_record(incident=incident, by=inspector, happened_on=TODAY, note="Làm việc riêng với người bị phản ánh")
    services.incident_close(incident=incident, by=inspector, outcome="reminder", reason=REASON, outcome_on=TODAY)
    body = as_(proposer).get(url("detail", incident.pk)).content.decode()
    assert "Nhắc nhở, phê bình" in body and "Đã xử lý xong" in body
    for secret in ("Làm việc riêng", REASON, inspector.get_full_name()):
        assert secret not in body


def test_handlers_see_who_reported(incident, proposer, inspector):
    assert proposer.get_full_name() in as_(inspector).get(url("detail", incident.pk)).content.decode()


def test_an_inspector_no_longer_in_office_no_longer_sees_it(incident, inspector):
    Position.objects.filter(person=inspector).update(end_date=NOW.date().replace(day=1))
    assert as_(inspector).get(url("detail", incident.pk)).status_code == 404


def test_evidence_of_another_incident_is_not_served_through_this_one(with_file, proposer, outsider, other_unit):
    other = report(by=outsider, unit=other_unit, reported_text="Ông B",
                   evidence=[SimpleUploadedFile("khac.pdf", PDF_BYTES)])
    evidence = other.evidence.get()
    assert as_(proposer).get(url("evidence", with_file.pk, evidence.pk)).status_code == 404


# --- Query counts -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 6])
def test_the_proposal_panel_reads_two_queries_however_many_incidents(submitted, proposer, deputy, inspector, count,
                                                                       django_assert_num_queries):
    for _ in range(count):
        report(by=proposer, proposal=submitted, reported_people=[deputy])
    # 1 the handler's inspector paths, 2 the incidents about the proposal in scope.
    with django_assert_num_queries(2):
        context = proposal_panel(Situation(proposal=submitted, user=inspector))
    assert len(context["incidents"]) == count


def test_the_panel_is_a_section_of_the_proposal_page(submitted, proposer):
    sections = {s.stage.label: s for s in stage_sections(Situation(proposal=submitted, user=proposer))}
    assert sections["incidents"].panel.anchor == "phan-anh" and sections["incidents"].offers == []


@pytest.mark.parametrize("count", [2, 12])
def test_the_handler_list_is_a_fixed_number_of_queries(submitted, proposer, deputy, inspector, count, django_assert_num_queries):
    for _ in range(count):
        report(by=proposer, proposal=submitted, reported_people=[deputy])
    client = as_(inspector)
    # 1 session, 2 user, 3 inspector paths, 4 one page of incidents (unit and proposal joined), 5 positions held
    # today (navigation bar), 6 the badges (unread notifications, tasks pending). The inbox sections the badge counts
    # read the inspector paths from the positions of 5, not again.
    with django_assert_num_queries(6):
        response = client.get(url("list"), {"xem": "can-xu-ly", "status": "awaiting"})
    assert len(response.context["page"].rows) == count


def test_the_handler_list_pages_by_key_without_counting(submitted, proposer, deputy, inspector):
    for _ in range(23):
        report(by=proposer, proposal=submitted, reported_people=[deputy])
    client = as_(inspector)
    first = client.get(url("list"), {"xem": "can-xu-ly"})
    page = first.context["page"]
    assert len(page.rows) == 20 and page.after == page.rows[-1].pk
    assert "Trang sau" in first.content.decode()
    second = client.get(url("list"), {"xem": "can-xu-ly", "sau": page.after})
    assert len(second.context["page"].rows) == 3 and second.context["page"].after is None
    assert {i.pk for i in page.rows}.isdisjoint({i.pk for i in second.context["page"].rows})


def test_a_person_with_no_inspector_post_only_has_their_own_reports(incident, proposer):
    response = as_(proposer).get(url("list"), {"xem": "can-xu-ly"})
    assert response.context["view"] == "cua-toi"
    assert [i.pk for i in response.context["page"].rows] == [incident.pk]


def test_a_new_inspector_of_a_unit_above_sees_the_incidents_below(incident, province):
    newcomer = UserFactory(username="thanhtramoi")
    PositionFactory(person=newcomer, unit=province, role=Position.Role.INSPECTOR)
    assert list(incidents_visible_to(newcomer)) == [incident]
    assert Incident.objects.count() == 1
