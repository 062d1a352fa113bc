"""The plan form's fields as crispy-forms prints them (issue 10: proposals.templatetags.plan_form writes the same
HTML without crispy's templates): every field, blank and with errors, compared as HTML with `as_crispy_field`."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test.html import parse_html
from django.utils import timezone

from proposals import selectors, services
from proposals.forms import ProposalPlanForm
from proposals.templatetags.plan_form import _uses_crispy, plan_field

WRONG = {"title": "", "start_date": "31/02/2026", "end_date": "cuối năm", "co_authors": ["0"], "position": "0",
         "pilot_legal_document": "có lẽ", "necessity": "x" * 40_000}


def plan_form(proposer, data):
    """The create page's form (proposals.views.proposal_create), validated when bound."""
    today = timezone.localdate()
    profile = selectors.current_profile(on_date=today)
    positions = selectors.positions_eligible_to_propose(user=proposer, profile=profile, on_date=today)
    held = list(positions)
    form = ProposalPlanForm(data, user=proposer, units=[p.unit for p in held], positions=positions,
                            initial={"position": held[0]}, required_on_submit=services.required_for_submission(profile))
    form.is_bound and form.is_valid()
    return form


@pytest.mark.parametrize("data", [None, WRONG], ids=["blank", "with errors"])
def test_every_field_of_the_plan_form_prints_as_crispy_prints_it(proposer, data):
    ours, theirs = plan_form(proposer, data), plan_form(proposer, data)
    assert set(ours.errors) >= ({"title", "start_date", "end_date", "co_authors", "position", "necessity"} if data else set())

    for name in ours.fields:
        assert parse_html(plan_field(ours[name])) == parse_html(as_crispy_field(theirs[name])), name
    # The fast path is the one taken: all but the radio buttons of the Art. 1 question.
    assert [name for name in ours.fields if _uses_crispy(ours[name])] == ["pilot_legal_document"]
