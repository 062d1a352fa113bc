"""Plain helpers of the deciding unit's tests: the clock of its pages, their URLs, a meeting whose votes give
their own reasons, the rendered panel, the vote choices.

The pages' clock is Thursday 05/02/2026 09:00 in Hà Nội (`pytestmark = pytest.mark.frozen_at(NOW)`), so
documents are dated "ngày 05 tháng 02 năm 2026" (leading zeros). The rule tests stop it on `friday` instead.
"""

import datetime

from django.template.loader import render_to_string
from django.urls import reverse

from approvals import services
from approvals.models import Consultation, Meeting, Vote
from proposals.models import Proposal
from tests.lifecycle import HANOI, REASONS, SECRETARY, STARTS_AT, deciding_panel

NOW = datetime.datetime(2026, 2, 5, 9, 0, tzinfo=HANOI)
TODAY = "05/02/2026"
FOR, AGAINST, ABSTAIN = Vote.Choice.FOR, Vote.Choice.AGAINST, Vote.Choice.ABSTAIN


def url(name, *args) -> str:
    return reverse(f"approvals:{name}", args=args)


def detail(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def consult(proposal, by, *, document=None) -> Consultation:
    return services.consultation_record(
        proposal=proposal, by=by, committee="Đảng ủy Sở Nội vụ", opinion_date=NOW.date(),
        opinion="Nhất trí chủ trương; đề nghị bảo đảm an toàn thông tin.", document=document,
    )


def meeting(proposal, by, attendees, votes=(), *, close=False) -> Meeting:
    """Consult, open the meeting and cast `votes` ((person, choice, reason), ...) through the services."""
    if not proposal.consultations.exists():
        consult(proposal, by)
    opened = services.meeting_open(
        proposal=proposal, by=by, held_on=NOW.date(), starts_at=STARTS_AT, attendees=attendees,
        location="Phòng họp số 1", secretary_name=SECRETARY,
    )
    for person, choice, reason in votes:
        services.vote_cast(meeting=opened, by=person, choice=choice, reason=reason)
    return services.meeting_close(meeting=opened, by=by) if close else opened


def passed(proposal, head, deputy, deputy2) -> Meeting:
    return meeting(proposal, head, [head, deputy, deputy2],
                   [(head, "for", ""), (deputy, "for", ""), (deputy2, "against", REASONS)], close=True)


def failed(proposal, head, deputy, deputy2) -> Meeting:
    return meeting(proposal, head, [head, deputy, deputy2],
                   [(head, "for", ""), (deputy, "against", REASONS), (deputy2, "against", "Chưa khả thi về nhân lực.")],
                   close=True)


def panel_html(proposal, user) -> str:
    proposal = Proposal.objects.get(pk=proposal.pk)
    section = deciding_panel(proposal=proposal, user=user)["section"]
    return render_to_string("proposals/partials/stage_section.html", {"proposal": proposal, "section": section})
