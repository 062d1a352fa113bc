"""The handlers' inbox section "Phản ánh chờ xử lý" and the navigation entries ("Phản ánh" for everyone signed
in, "Giám sát" for inspectors and the focal secretariat)."""

import pytest
from django.urls import reverse

from incidents.inbox import inbox_sections
from tests.lifecycle import as_
from tests.proposals.helpers import walked

from .helpers import NOW, TODAY, closed, report, url

pytestmark = pytest.mark.frozen_at(NOW)


def section(user):
    [only] = inbox_sections(user=user, today=TODAY)
    return only


def test_the_handler_finds_reports_awaiting_handling_in_the_inbox(incident, inspector, submitted):
    found = section(inspector)
    assert str(found.heading) == "Phản ánh chờ xử lý"
    [item] = found.items
    assert (item.proposal, item.anchor, item.target) == (submitted, "phan-anh", incident)
    assert str(item.expected) == "Tiếp nhận, xem xét phản ánh"
    body = as_(inspector).get(reverse("proposals:inbox")).content.decode()
    assert "Phản ánh chờ xử lý" in body and reverse("incidents:detail", args=[incident.pk]) in body
    # The home page's task box leads to the handlers' full list, reports about no proposal included.
    home = as_(inspector).get(reverse("core:home")).content.decode()
    assert f"{url('list')}?xem=can-xu-ly&amp;status=awaiting" in home


def test_a_closed_report_leaves_the_inbox(incident, inspector):
    closed(incident, inspector)
    assert section(inspector).items == []


def test_nobody_but_the_handlers_gets_the_section(incident, proposer, deputy, head, outsider):
    for person in (proposer, deputy, head, outsider):
        assert section(person).items == []


def test_a_report_about_no_proposal_is_in_the_handlers_list(inspector, outsider, other_unit):
    theirs = report(by=outsider, unit=other_unit, reported_text="Ông C")
    listed = as_(inspector).get(url("list"), {"xem": "can-xu-ly", "status": "awaiting"}).context["page"].rows
    assert listed == [theirs]
    [item] = section(inspector).items
    # A row about no proposal leads to the incident's own page.
    assert item.target == theirs and item.url == reverse("incidents:detail", args=[theirs.pk])
    page = as_(inspector).get(reverse("proposals:inbox")).content.decode()
    assert item.url in page and theirs.number in page


@pytest.mark.parametrize("count", [1, 7])
def test_the_section_reads_two_queries_however_many_rows(submitted, proposer, deputy, inspector, count,
                                                          django_assert_num_queries):
    for _ in range(count):
        report(by=proposer, proposal=submitted, reported_people=[deputy])
    # 1 the handler's inspector paths, 2 the incidents awaiting (unit and proposal joined).
    with django_assert_num_queries(2):
        items = section(inspector).items
    assert len(items) == count
    assert [i.target for i in walked(section(inspector))] == [i.target for i in items]  # by keyset, a row at a time


def test_everyone_signed_in_sees_phan_anh_and_only_supervisors_see_giam_sat(proposer, inspector, secretariat, head):
    for person, supervises in ((proposer, False), (head, False), (inspector, True), (secretariat, True)):
        body = as_(person).get(reverse("core:home")).content.decode()
        assert f'href="{url("list")}"' in body
        assert (f'href="{url("supervision_list")}"' in body) is supervises
    # Heads who do not supervise reach the register from the bar.
    assert f'href="{url("register_list")}"' in as_(head).get(reverse("core:home")).content.decode()
    assert f'href="{url("register_list")}"' not in as_(proposer).get(reverse("core:home")).content.decode()


def test_the_public_pages_are_reachable_without_login(client, db):
    assert client.get(url("public_report")).status_code == 200
    assert client.get(url("public_lookup")).status_code == 200
