"""The navigation's badge of pending tasks keeps its compiled SQL (core.badges.CompiledStatements), never its count.

Each page runs the count, exact; the inbox sections are built and compiled again only when what their SQL is made of
changes: the person, the day, the positions held (with their units' paths), or the organisation's generation.
"""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import OrgUnit, Position
from core.stages import stages
from incidents.models import Incident
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.incidents.helpers import report
from tests.lifecycle import HANOI, as_, draft_proposal, submitted_proposal
from tests.proposals.helpers import url

NOW = datetime.datetime(2026, 3, 5, 9, 0, tzinfo=HANOI)  # a Thursday
pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("cache_of_its_own")]


@pytest.fixture
def builds(monkeypatch) -> list:
    """Every time a page builds the inbox sections (to compile the badge's SQL), the person's id."""
    built = []
    inbox = stages.inbox

    def counted(*, user, today, held=None):
        built.append(user.pk)
        return inbox(user=user, today=today, held=held)

    monkeypatch.setattr(stages, "inbox", counted)
    return built


def tasks_badge(client) -> str:
    """The count next to "Việc cần xử lý" in the navigation bar of a page that builds no inbox section itself."""
    found = re.search(r'nav-count">([^<]+)<', client.get(url("list")).content.decode())
    return found.group(1) if found else ""


def test_the_count_follows_every_transition_with_the_sql_compiled_once(head, proposer, submitted, builds):
    client = as_(head)
    assert tasks_badge(client) == "1"
    submitted_proposal(proposer=proposer, title="Đề xuất thứ hai")
    assert tasks_badge(client) == "2"
    assert tasks_badge(client) == "2"
    assert builds == [head.pk]  # the second and third pages reused the SQL of the first


def test_a_position_that_starts_or_ends_counts_at_once(department, submitted):
    person = UserFactory(username="tochuc2")
    client = as_(person)
    assert tasks_badge(client) == ""
    position = PositionFactory(person=person, unit=department, role=Position.Role.SECRETARIAT,
                               start_date=datetime.date(2026, 3, 1))
    assert tasks_badge(client) == "1"  # the secretariat's proposals to decide on
    position.end_date = datetime.date(2026, 3, 4)
    position.save()
    assert tasks_badge(client) == ""


def test_a_handler_s_unit_that_moves_keeps_its_incidents_counted(province, other_unit, outsider):
    """The incidents section filters on the handler's unit paths: moving the unit moves its subtree, and the badge
    follows the unit's new path (read with the positions on every page), not the path it was compiled with."""
    inspection = OrgUnitFactory(code="TT-QN", name="Thanh tra tỉnh Quảng Ninh", parent=province)
    inspector = UserFactory(username="thanhtra2")
    PositionFactory(person=inspector, unit=inspection, role=Position.Role.INSPECTOR, start_date=datetime.date(2025, 1, 1))
    report(by=outsider, unit=inspection, reported_text="Ông C")
    client = as_(inspector)
    assert tasks_badge(client) == "1"
    inspection.parent = other_unit
    inspection.save()
    assert OrgUnit.objects.get(pk=inspection.pk).path.startswith(other_unit.path)
    assert Incident.objects.filter(unit__path__startswith=OrgUnit.objects.get(pk=inspection.pk).path).count() == 1
    assert tasks_badge(client) == "1"


def test_the_next_day_compiles_again_and_counts_what_the_day_holds(head, department, submitted, builds, time_machine):
    # The head leaves tonight: tomorrow the proposals to decide on are someone else's.
    Position.objects.filter(person=head).update(end_date=NOW.date())
    client = as_(head)
    assert tasks_badge(client) == "1"
    time_machine.move_to(datetime.datetime(2026, 3, 5, 23, 59, tzinfo=HANOI), tick=False)
    assert tasks_badge(client) == "1"
    time_machine.move_to(datetime.datetime(2026, 3, 6, 0, 1, tzinfo=HANOI), tick=False)
    assert tasks_badge(client) == ""
    assert builds == [head.pk, head.pk]


def test_a_committed_change_of_the_organisation_compiles_again(head, department, submitted, builds,
                                                               django_capture_on_commit_callbacks):
    client = as_(head)
    tasks_badge(client)
    tasks_badge(client)
    assert builds == [head.pk]
    with django_capture_on_commit_callbacks(execute=True):
        department.name = "Sở Nội vụ (sáp nhập)"
        department.save()
    assert tasks_badge(client) == "1"
    assert builds == [head.pk, head.pk]


def test_with_nothing_pending_the_home_page_builds_no_section(proposer, builds):
    client = as_(proposer)
    assert tasks_badge(client) == ""  # the badge's SQL compiled: the sections built once
    home = client.get(reverse("core:home")).content.decode()
    assert "Hiện không có việc nào cần bạn xử lý." in home and builds == [proposer.pk]
    draft = draft_proposal(proposer=proposer)
    assert draft.title in client.get(reverse("core:home")).content.decode()  # "Đề xuất của tôi cần hoàn thiện"
    assert builds == [proposer.pk, proposer.pk]
