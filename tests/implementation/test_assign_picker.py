"""The head picks the cadre to assign by search (issue 10, item 4): the form renders only the chosen person; the
search offers the people of the deciding unit and below, to those who may see the proposal, at most 20."""

import pytest
from django.urls import reverse

from implementation.forms import AssignForm
from implementation.selectors import cadre_candidates
from tests.factories import PositionFactory, UserFactory
from tests.implementation import helpers as h
from tests.lifecycle import as_

pytestmark = pytest.mark.frozen_at(h.NOW)

ENDPOINT = reverse("accounts:people-autocomplete")


def found(client, proposal, q: str) -> list[int]:
    response = client.get(ENDPOINT, {"for": "implementers", "proposal": proposal.pk, "q": q})
    assert response.status_code == 200
    return [item["id"] for item in response.json()["results"]]


def test_the_person_picker_renders_only_the_chosen_cadre(approved, department, deputy):
    for person in UserFactory.create_batch(30):
        PositionFactory(person=person, unit=department)
    form = AssignForm({"assign-kind": "cadre", "assign-person": deputy.pk}, candidates=cadre_candidates(proposal=approved),
                      proposal=approved)
    select = form["person"].as_widget()
    assert select.count("<option") == 2  # the empty choice and the chosen one
    assert f'<option value="{deputy.pk}" selected>{deputy.full_name}</option>' in select
    assert f"for=implementers&amp;proposal={approved.pk}" in select


def test_a_cadre_outside_the_deciding_unit_is_refused_in_vietnamese(approved, outsider):
    form = AssignForm({"assign-kind": "cadre", "assign-person": outsider.pk}, candidates=cadre_candidates(proposal=approved),
                      proposal=approved)
    assert not form.is_valid()
    assert form.errors["person"] == [f"Người được chọn (mã {outsider.pk}) không thuộc danh sách được phép chọn."]


def test_the_search_offers_the_deciding_units_people_to_those_who_see_the_proposal(approved, head, deputy, outsider):
    # Generated names may contain one another ("Lê An", "Lê Anh"): the person sought is among the matches.
    assert deputy.pk in found(as_(head), approved, deputy.full_name)
    assert outsider.pk not in found(as_(head), approved, outsider.full_name)
    assert found(as_(outsider), approved, deputy.full_name) == []
