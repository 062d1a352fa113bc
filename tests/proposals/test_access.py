"""Access rules common to every page of the proposer (spec README §6): login first, GET or POST only where
meant, 404 outside the scope.

Personas come from tests/conftest.py: `proposer` (staff of Sở Nội vụ, Art. 2 category), `head`, `deputy`,
`secretariat` of that department, `outsider` (staff of Sở Tài chính, same province); `draft` and the files come
from tests/proposals/conftest.py. The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội: a plan received that day
is due for review on Thursday 19/03/2026 (tests/proposals/helpers.py).
"""

import pytest
from django.urls import reverse

from tests.lifecycle import as_
from tests.proposals.helpers import NOW, url

pytestmark = pytest.mark.frozen_at(NOW)


@pytest.mark.parametrize("name", ["list", "inbox", "create"])
def test_anonymous_is_sent_to_login_from_list_pages(client, db, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["detail", "edit", "compare"])
def test_anonymous_is_sent_to_login_from_proposal_pages(client, draft, name):
    response = client.get(url(name, draft.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_cannot_download_an_attachment(client, submitted_with_file):
    proposal, attachment = submitted_with_file
    response = client.get(url("attachment_download", proposal.pk, attachment.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["submit", "revise", "attachment_upload"])
def test_state_changes_refuse_get(proposer, draft, name):
    assert as_(proposer).get(url(name, draft.pk)).status_code == 405


def test_attachment_remove_refuses_get(proposer, draft_with_file):
    proposal, attachment = draft_with_file
    assert as_(proposer).get(url("attachment_remove", proposal.pk, attachment.pk)).status_code == 405


def test_attachment_download_refuses_post(proposer, draft_with_file):
    proposal, attachment = draft_with_file
    assert as_(proposer).post(url("attachment_download", proposal.pk, attachment.pk)).status_code == 405


@pytest.mark.parametrize("name", ["detail", "edit", "compare"])
def test_outsider_gets_404_for_proposal_pages(outsider, submitted, name):
    assert as_(outsider).get(url(name, submitted.pk)).status_code == 404


@pytest.mark.parametrize("name", ["submit", "revise", "attachment_upload"])
def test_outsider_gets_404_for_proposal_actions(outsider, draft, name):
    assert as_(outsider).post(url(name, draft.pk)).status_code == 404


def test_unit_leaders_do_not_see_a_draft_before_it_is_submitted(head, draft):
    assert as_(head).get(url("detail", draft.pk)).status_code == 404
