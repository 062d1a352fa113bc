"""People pickers (issue 10, item 4): the forms render only the chosen people, the endpoint searches at most 20 of
the form's own candidates, accents optional; the field still refuses any id outside its candidates.

Personas from tests/conftest.py: `proposer` (Sở Nội vụ, Quảng Ninh), `deputy`, `outsider` (Sở Tài chính, same
province); `stranger` works in another province. The clock stands as in the proposer's page tests.
"""

import datetime
import html
import re
from urllib.parse import urlencode

import factory
import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple, ForeignKeyRawIdWidget
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import OrgUnit, User
from incidents.forms import IncidentReportForm
from proposals.models import Proposal
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.lifecycle import as_, draft_proposal, position_of
from tests.proposals.helpers import NOW, url

pytestmark = pytest.mark.frozen_at(NOW)

ENDPOINT = reverse("accounts:people-autocomplete")


@pytest.fixture
def stranger(db):
    elsewhere = OrgUnitFactory(code="UBND-HP", name="Ủy ban nhân dân thành phố Hải Phòng")
    person = UserFactory(username="haiphong", full_name="Nguyễn Văn Hải")
    PositionFactory(person=person, unit=elsewhere)
    return person


@pytest.fixture
def namesakes(department):
    """Thirty "Nguyễn Thị …" on the staff of the proposer's department."""
    people = UserFactory.create_batch(30, full_name=factory.Sequence(lambda n: f"Nguyễn Thị Mẫu {n:03d}"))
    for person in people:
        PositionFactory(person=person, unit=department, title="Chuyên viên")
    return people


def picker_url(response, field: str) -> str:
    """The search URL the page gave the picker of `field`."""
    select = re.search(rf'<select name="{field}"[^>]*>', response.content.decode()).group(0)
    return html.unescape(re.search(r'data-autocomplete-url="([^"]+)"', select).group(1))


def search(client, picker: str, q: str):
    return client.get(f"{picker}&{urlencode({'q': q})}")  # the test client drops the URL's query when given data


def names(response) -> list[str]:
    return [item["text"].split(" — ")[0] for item in response.json()["results"]]


def test_co_author_search_offers_only_people_of_the_province_but_not_the_proposer(proposer, deputy, outsider, stranger):
    client = as_(proposer)
    picker = picker_url(client.get(url("create")), "co_authors")
    found = {item["id"] for item in search(client, picker, "ng").json()["results"]}
    everyone = {item["id"] for item in search(client, picker, proposer.username[:2]).json()["results"]}
    assert stranger.pk not in found and proposer.pk not in everyone
    for person in (deputy, outsider):
        response = search(client, picker, person.full_name)
        assert [item["id"] for item in response.json()["results"]] == [person.pk]
    assert search(client, picker, stranger.full_name).json() == {"results": []}


def test_each_result_names_the_person_with_their_position_and_unit(proposer, deputy):
    client = as_(proposer)
    picker = picker_url(client.get(url("create")), "co_authors")
    [result] = search(client, picker, deputy.username).json()["results"]
    assert result == {"id": deputy.pk, "text": f"{deputy.full_name} — Phó Giám đốc, Sở Nội vụ tỉnh Quảng Ninh"}


def test_search_ignores_accents_and_case_and_needs_every_word(proposer, department):
    person = UserFactory(username="dtl", full_name="Đặng Thị Lưỡng")
    PositionFactory(person=person, unit=department)
    client = as_(proposer)
    picker = picker_url(client.get(url("create")), "co_authors")
    for typed in ("dang thi luong", "ĐẶNG lưỡng", "Luong", "đặng"):
        assert names(search(client, picker, typed)) == ["Đặng Thị Lưỡng"], typed
    assert search(client, picker, "dang van").json() == {"results": []}


def test_at_most_twenty_matches_in_a_stable_order(proposer, namesakes, django_assert_num_queries):
    client = as_(proposer)
    picker = picker_url(client.get(url("create")), "co_authors")
    # Session and user (2), the units the picker was signed for (1), the page of people (1), their positions (1).
    with django_assert_num_queries(5):
        response = search(client, picker, "nguyen thi mau")
    assert names(response) == sorted(person.full_name for person in namesakes)[:20]


@pytest.mark.postgres
def test_matches_come_in_vietnamese_order_on_postgresql(proposer, department):
    """ICU's Vietnamese collation: A < Â < B < D < Đ, where code points put "Ân" and "Đỗ" after every plain letter."""
    written = ["Đỗ Khải Tú", "Dương Khải Nam", "Ân Khải Hòa", "Bùi Khải Nga", "An Khải Bình"]
    for name in written:
        PositionFactory(person=UserFactory(full_name=name), unit=department)
    client = as_(proposer)
    picker = picker_url(client.get(url("create")), "co_authors")
    assert names(search(client, picker, "khai")) == ["An Khải Bình", "Ân Khải Hòa", "Bùi Khải Nga", "Dương Khải Nam",
                                                    "Đỗ Khải Tú"]


def test_the_search_offers_whom_the_form_accepts_and_no_one_else(proposer, deputy, department, stranger):
    """One rule for both: a person of the province holding a position today; not someone whose position has ended,
    not another province, not the proposer."""
    former = UserFactory(full_name="Lê Khải Cựu")
    PositionFactory(person=former, unit=department, start_date=datetime.date(2020, 1, 1),
                    end_date=datetime.date(2025, 12, 31))
    client = as_(proposer)
    create = client.get(url("create"))
    picker = picker_url(create, "co_authors")
    offered = {item["id"] for q in ("khai", deputy.full_name, stranger.full_name, proposer.full_name)
               for item in search(client, picker, q).json()["results"]}
    accepted = set(create.context["form"].fields["co_authors"].queryset.values_list("pk", flat=True))
    assert offered == {deputy.pk} and offered <= accepted
    assert not {former.pk, stranger.pk, proposer.pk} & accepted


@pytest.mark.parametrize("typed", ["", " ", "n", " n ", "đ"])
def test_under_two_characters_nothing_is_searched(proposer, deputy, typed, django_assert_num_queries):
    client = as_(proposer)
    picker = picker_url(client.get(url("create")), "co_authors")
    with django_assert_num_queries(2):  # session and user only
        response = search(client, picker, typed)
    assert response.status_code == 200 and response.json() == {"results": []}


def test_the_search_needs_a_login(proposer):
    picker = picker_url(as_(proposer).get(url("create")), "co_authors")
    response = search(Client(), picker, "nguyen")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "query",
    [{"q": "nguyen"}, {"q": "nguyen", "for": "everyone"}, {"q": "nguyen", "for": "co_authors"},
     {"q": "nguyen", "for": "co_authors", "units": "1"}, {"q": "nguyen", "for": "implementers", "proposal": "x"},
     {"q": "nguyen", "for": "reported_people", "proposal": "-1"}],
)
def test_an_unknown_purpose_or_a_forged_context_is_a_bad_request(proposer, query):
    assert as_(proposer).get(ENDPOINT, query).status_code == 400


def test_a_picker_signed_for_someone_else_is_refused(proposer, deputy):
    picker = picker_url(as_(proposer).get(url("create")), "co_authors")
    assert search(as_(deputy), picker, "nguyen").status_code == 400


def test_only_post_is_refused_on_the_search(proposer):
    assert as_(proposer).post(ENDPOINT, {"for": "co_authors"}).status_code == 405


# --- The form ------------------------------------------------------------------------------------------------------


def co_author_select(response) -> str:
    return re.search(r'<select name="co_authors".*?</select>', response.content.decode(), re.S).group(0)


def test_the_plan_form_renders_only_the_chosen_co_authors_not_the_province(proposer, deputy, department):
    for person in UserFactory.create_batch(100):
        PositionFactory(person=person, unit=department)
    client = as_(proposer)
    create = client.get(url("create"))
    assert create.context["form"].fields["co_authors"].queryset.count() == 101
    assert "<option" not in co_author_select(create)

    proposal = draft_proposal(proposer=proposer, co_authors=[deputy])
    edit = co_author_select(client.get(url("edit", proposal.pk)))
    assert edit.count("<option") == 1
    assert f'<option value="{deputy.pk}" selected>{deputy.full_name} ({deputy.username})</option>' in edit
    assert len(edit) < 1500


def test_a_re_displayed_form_keeps_the_chosen_co_authors(proposer, deputy):
    response = as_(proposer).post(url("create"), {"position": position_of(proposer).pk, "title": " ", "co_authors": [deputy.pk]})
    assert response.status_code == 200 and "title" in response.context["form"].errors
    assert f'<option value="{deputy.pk}" selected>' in co_author_select(response)


@pytest.mark.parametrize("forged", ["stranger", "proposer", "not-a-number"])
def test_a_forged_co_author_is_refused_in_vietnamese_next_to_the_field(proposer, stranger, forged, request):
    value = forged if forged == "not-a-number" else request.getfixturevalue(forged).pk
    response = as_(proposer).post(url("create"), {"position": position_of(proposer).pk, "title": "A", "co_authors": [value]})
    assert response.status_code == 200
    [message] = response.context["form"].errors["co_authors"]
    assert "không thuộc danh sách được phép chọn" in message or "không phải là mã người hợp lệ" in message
    assert "<option" not in co_author_select(response)
    assert not Proposal.objects.exists()


# --- People named in an incident report ----------------------------------------------------------------------------


def test_the_report_form_searches_the_reporters_province_and_the_proposals(proposer, deputy, stranger, head):
    plain = as_(proposer)
    response = plain.get(reverse("incidents:report"))
    assert "<option" not in re.search(r'<select name="reported_people".*?</select>', response.content.decode(), re.S).group(0)
    picker = picker_url(response, "reported_people")
    assert [item["id"] for item in search(plain, picker, deputy.full_name).json()["results"]] == [deputy.pk]
    assert search(plain, picker, stranger.full_name).json() == {"results": []}

    # A proposal of Hải Phòng the reporter may see adds that city's people; one they may not see adds nobody.
    haiphong = OrgUnit.objects.get(code="UBND-HP")
    colleague = UserFactory(username="hp2", full_name="Trần Văn Cảng")
    PositionFactory(person=colleague, unit=haiphong)
    theirs = draft_proposal(proposer=stranger)
    form = IncidentReportForm(user=stranger, proposal=theirs)
    assert colleague in form.fields["reported_people"].queryset
    own = as_(stranger)
    picker = picker_url(own.get(reverse("incidents:report"), {"de_xuat": theirs.pk}), "reported_people")
    assert names(search(own, picker, "tran van cang")) == ["Trần Văn Cảng"]
    assert search(plain, f"{ENDPOINT}?for=reported_people&proposal={theirs.pk}", "tran van cang").json() == {"results": []}


# --- The column behind the search ----------------------------------------------------------------------------------


def test_search_name_follows_the_name_through_save_and_bulk_writes(db):
    person = UserFactory(username="An.Nguyen", full_name="Nguyễn Văn An")
    assert person.search_name == "nguyen van an an.nguyen"
    person.full_name = "Nguyễn Văn Ân"
    person.save(update_fields=["full_name"])
    assert User.objects.get(pk=person.pk).search_name == "nguyen van an an.nguyen"

    [bulk] = User.objects.bulk_create([User(username="ltb", full_name="Lê Thị Bưởi")])
    bulk.full_name = "Lê Thị Đào"
    User.objects.bulk_update([bulk], ["full_name"])
    assert User.objects.get(username="ltb").search_name == "le thi dao ltb"


# --- The admin -----------------------------------------------------------------------------------------------------

LARGE = {User, OrgUnit, Proposal}
SEARCHED_WIDGETS = (AutocompleteSelect, AutocompleteSelectMultiple, ForeignKeyRawIdWidget)


def _form_classes(model_admin, request):
    yield model_admin.get_form(request)
    for inline in model_admin.get_inline_instances(request):
        yield inline.get_formset(request).form


def test_no_admin_form_lists_every_person_unit_or_proposal(admin_user):
    """An admin page that may change a row picks people, units and proposals by search or by id, never from a
    <select> of the whole country; read-only pages show the related row as text."""
    request = RequestFactory().get("/")
    request.user = admin_user
    offenders = []
    for model, model_admin in admin.site._registry.items():
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue
        for form_class in _form_classes(model_admin, request):
            for name, field in form_class.base_fields.items():
                queryset = getattr(field, "queryset", None)
                widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
                if queryset is not None and queryset.model in LARGE and not isinstance(widget, SEARCHED_WIDGETS):
                    offenders.append(f"{model.__name__}.{name}")
    assert offenders == []


def test_the_user_admin_search_ignores_accents(admin_user, deputy):
    deputy.full_name = "Phạm Đức Thắng"
    deputy.save()
    response = as_(admin_user).get(reverse("admin:accounts_user_changelist"), {"q": "pham duc thang"})
    assert list(response.context["cl"].result_list) == [deputy]


@pytest.mark.postgres
def test_postgresql_keeps_a_trigram_index_on_the_folded_name(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'accounts_user_search_name_trgm'")
        [(definition,)] = cursor.fetchall()
    assert "gin (search_name gin_trgm_ops)" in definition
