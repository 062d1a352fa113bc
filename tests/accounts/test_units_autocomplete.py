"""Unit pickers (issue 10, item 4): the incident report forms render only the chosen unit, the public endpoint
searches at most 20 active units, accents optional; the field still refuses any unit that is not active.

Units from tests/conftest.py: `province` (Ủy ban nhân dân tỉnh Quảng Ninh) above `department` (Sở Nội vụ) and
`other_unit` (Sở Tài chính).
"""

import datetime
import re

import factory
import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import OrgUnit
from tests.factories import OrgUnitFactory
from tests.incidents.helpers import DESCRIPTION, NOW, url
from tests.lifecycle import as_

pytestmark = pytest.mark.frozen_at(NOW)

ENDPOINT = reverse("accounts:units-autocomplete")


def search(q: str, client: Client | None = None):
    return (client or Client()).get(ENDPOINT, {"q": q})


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def unit_select(response) -> str:
    return re.search(r'<select name="unit".*?</select>', response.content.decode(), re.S).group(0)


@pytest.fixture(autouse=True)
def _empty_cache(cache_of_its_own):
    """The report forms count posts per address in the cache, which outlives a run: each test starts from zero."""


@pytest.fixture
def communes(province):
    """Thirty "Xã Mẫu …" under the province."""
    return OrgUnitFactory.create_batch(
        30, name=factory.Sequence(lambda n: f"Xã Mẫu {n:03d}"), parent=province, level=OrgUnit.Level.COMMUNE
    )


# --- The folded name ------------------------------------------------------------------------------------------------


def test_the_search_name_folds_name_abbreviation_and_code_and_follows_every_write(province):
    unit = OrgUnitFactory(name="Sở Nội vụ", abbreviation="SNV", code="SNV-QN", parent=province)
    assert unit.search_name == "so noi vu snv snv-qn"
    unit.name = "Sở Đổi mới"
    unit.save(update_fields=["name"])
    unit.refresh_from_db()
    assert unit.search_name == "so doi moi snv snv-qn"
    [created] = OrgUnit.objects.bulk_create([OrgUnit(name="Phường Hồng Gai", code="P-HG", level="commune")])
    created.name = "Phường Hạ Long"
    OrgUnit.objects.bulk_update([created], ["name"])
    assert OrgUnit.objects.get(pk=created.pk).search_name == "phuong ha long p-hg"


# --- The endpoint --------------------------------------------------------------------------------------------------


def test_anyone_may_search_and_each_result_names_the_parent(department, province):
    assert search("noi vu").json() == {
        "results": [{"id": department.pk, "text": "Sở Nội vụ tỉnh Quảng Ninh (Ủy ban nhân dân tỉnh Quảng Ninh)"}]
    }
    assert search("ubnd-qn").json() == {"results": [{"id": province.pk, "text": province.name}]}


def test_search_ignores_accents_and_case_and_needs_every_word(department, other_unit):
    for typed in ("so noi vu", "SỞ NỘI", "nội quang ninh", "snv"):
        assert ids(search(typed)) == [department.pk], typed
    assert ids(search("so quang ninh")) == [department.pk, other_unit.pk]  # in tree order
    assert search("noi tai chinh").json() == {"results": []}


def test_units_not_active_today_are_not_offered(province):
    ended = OrgUnitFactory(name="Sở Mẫu đã giải thể", parent=province, valid_to=datetime.date(2025, 6, 30))
    future = OrgUnitFactory(name="Sở Mẫu sắp thành lập", parent=province, valid_from=datetime.date(2027, 1, 1))
    current = OrgUnitFactory(name="Sở Mẫu đang hoạt động", parent=province)
    assert ids(search("so mau")) == [current.pk]
    assert {ended.pk, future.pk}.isdisjoint(ids(search("giai the")) + ids(search("sap thanh lap")))


def test_at_most_twenty_matches_in_one_query(communes, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = search("xa mau")
    assert ids(response) == [unit.pk for unit in sorted(communes, key=lambda unit: unit.path)][:20]


@pytest.mark.parametrize("typed", ["", " ", "x", " x ", "đ"])
def test_under_two_characters_nothing_is_searched(department, typed, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = search(typed)
    assert response.status_code == 200 and response.json() == {"results": []}


@pytest.mark.parametrize("typed", ["%_%", "'; drop table", "a" * 5000, "\x7f\x01"])
def test_odd_input_finds_nothing_rather_than_failing(department, typed):
    response = search(typed)
    assert response.status_code == 200 and department.pk not in ids(response)


def test_a_nul_byte_is_refused_before_any_search(department):
    # core.input_guard (issue 11 §6): PostgreSQL cannot compare text holding NUL.
    assert search("noi\x00vu").status_code == 400


def test_only_get_is_served(department):
    assert Client().post(ENDPOINT, {"q": "noi vu"}).status_code == 405


@pytest.mark.parametrize("purpose", ["everyone", "co_authors", ""])
def test_an_unknown_purpose_or_one_of_the_people_search_is_a_bad_request(proposer, purpose):
    """The units a purpose offers depend on the user (proposals' list: tests/proposals/test_list_page.py); a purpose
    of the people search names no units."""
    assert as_(proposer).get(ENDPOINT, {"q": "noi vu", "for": purpose}).status_code == 400


# --- The report forms ----------------------------------------------------------------------------------------------


def test_the_public_form_renders_no_unit_but_points_to_the_search(client, department, other_unit):
    select = unit_select(client.get(url("public_report")))
    assert f'data-autocomplete-url="{ENDPOINT}"' in select
    assert 'placeholder="Gõ tên cơ quan, đơn vị để tìm"' in select
    assert re.findall(r"<option[^>]*>", select) == ['<option value="" selected>']


def test_a_refused_form_renders_only_the_chosen_unit(client, department, other_unit):
    response = client.post(url("public_report"), {"kind": "obstruction", "unit": department.pk})
    assert response.status_code == 200
    options = re.findall(r"<option[^>]*>[^<]*", unit_select(response))
    assert options == ['<option value="">', f'<option value="{department.pk}" selected>{department.name_with_parent}']


@pytest.mark.parametrize("forged", ["ended", "999999", "abc"])
def test_an_ended_or_forged_unit_is_refused_next_to_the_field(client, province, forged):
    ended = OrgUnitFactory(name="Sở đã giải thể", parent=province, valid_to=datetime.date(2025, 6, 30))
    unit = str(ended.pk) if forged == "ended" else forged
    data = {"kind": "obstruction", "unit": unit, "reported_text": "Ông A", "description": DESCRIPTION}
    response = client.post(url("public_report"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == ["Cơ quan, đơn vị được chọn không có hoặc không còn hoạt động."]


def test_the_signed_in_form_uses_the_same_picker(outsider, other_unit):
    response = as_(outsider).post(url("report"), {"kind": "evasion", "unit": "999999", "description": DESCRIPTION})
    select = unit_select(response)
    assert f'data-autocomplete-url="{ENDPOINT}"' in select and "<option value=\"999999\"" not in select
    assert response.context["form"].errors["unit"] == ["Cơ quan, đơn vị được chọn không có hoặc không còn hoạt động."]
