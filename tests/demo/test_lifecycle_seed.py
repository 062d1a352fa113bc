"""`seed_demo` after the organisation: one demo proposal in every status the lifecycle reaches, an incident and a
published proposal, all made through the services; a second run changes nothing (the issue's demo-data acceptance:
the command's two runs are in test_seed_demo_command.py)."""

from django.utils import timezone

from accounts.demo import seed_demo
from core.models import AuditEvent
from demo.lifecycle import PROPOSALS, PUBLISHED_TITLE, seed_lifecycle
from incidents.models import Incident
from proposals.models import Proposal
from proposals.transitions import TRANSITIONS, Status
from publication.models import Publication
from reports.models import QuarterlyReport
from reports.periods import previous_quarter

# Every status the transition table reaches, and DRAFT where every proposal starts.
REACHABLE = {Status.DRAFT} | {str(target) for target in TRANSITIONS.values()}


def test_every_reachable_status_has_a_demo_proposal_made_through_the_services(db):
    seed_demo()
    seeded = seed_lifecycle()

    assert seeded.proposals == len(PROPOSALS)
    assert set(Proposal.objects.values_list("status", flat=True)) == REACHABLE == set(Status.values)
    for spec in PROPOSALS:
        assert Proposal.objects.get(title=spec.title).status == spec.status, spec.title
    # The states were reached through the services: the closed one carries the whole audit trail.
    closed = Proposal.objects.get(status=Status.CLOSED)
    actions = set(AuditEvent.objects.filter(object_type="proposals.proposal", object_id=str(closed.pk)).values_list("action", flat=True))
    assert {"submit", "open_meeting", "close_passed", "approve", "start_implementation", "suspend", "continue",
            "complete", "report", "open_evaluation", "close_evaluation", "conclude", "close_case"} <= actions
    # One incident, taken up by the province's inspector; the closed proposal is published.
    incident = Incident.objects.get()
    assert (incident.status, incident.taken_up_by.username) == (Incident.Status.HANDLING, "thanhtra")
    assert Publication.objects.get().proposal.title == PUBLISHED_TITLE
    # Last quarter's internal report exists for the units with proposals, so a new user sees one (issue 9).
    assert seeded.quarterly_reports == QuarterlyReport.objects.count() > 0
    year, quarter = previous_quarter(timezone.localdate())
    assert set(QuarterlyReport.objects.values_list("year", "quarter")) == {(year, quarter)}
    assert QuarterlyReport.objects.filter(unit=closed.unit).exists()


def test_command_help_prints_in_vietnamese():
    """`manage.py help seed_demo` (argparse needs a str, not a lazy translation)."""
    from demo.management.commands.seed_demo import Command

    assert "Nạp dữ liệu mẫu" in Command().create_parser("manage.py", "seed_demo").format_help()
