"""A stage plugs into the proposal's pages through the registry alone (core.stages, core.actions)."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.stages import stages
from tests.lifecycle import as_
from tests.stage_app.actions import CONFIRM, LABEL, NOTE, STAGE

pytestmark = pytest.mark.urls("tests.stage_app.urls")


@pytest.fixture
def throwaway_stage():
    stages.register(STAGE)
    yield STAGE
    stages.unregister(LABEL)


def note_url(proposal) -> str:
    return reverse(f"{LABEL}:note", args=[proposal.pk])


def test_a_registered_action_shows_its_button_its_confirmation_and_its_task(throwaway_stage, submitted, proposer):
    page = as_(proposer).get(reverse("proposals:detail", args=[submitted.pk])).content.decode()
    assert 'id="thu-nghiem"' in page and "Thử nghiệm" in page
    assert f'action="{note_url(submitted)}"' in page and f'data-confirm="{CONFIRM}"' in page
    assert "Gửi ghi chú thử nghiệm" in page
    box = page.split('aria-labelledby="viec-cua-ban-heading"')[1].split("</aside>")[0]
    assert 'href="#thu-nghiem"' in box and "Ghi chú thử nghiệm cho đề xuất" in box


def test_its_view_runs_the_service_and_leads_back_to_the_stage(throwaway_stage, submitted, proposer):
    response = as_(proposer).post(note_url(submitted), {"note-text": "Ghi chú đủ dài"})
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:detail", args=[submitted.pk]) + "#thu-nghiem"
    event = AuditEvent.objects.get(action="test_note")
    assert event.payload == {"text": "Ghi chú đủ dài"} and event.actor == proposer
    timeline = as_(proposer).get(reverse("proposals:detail", args=[submitted.pk])).content.decode()
    assert "Ghi chú thử nghiệm" in timeline


def test_its_service_error_is_shown_next_to_the_field_and_asks_again(throwaway_stage, submitted, proposer):
    response = as_(proposer).post(note_url(submitted), {"note-text": "Hm"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ghi chú quá ngắn." in html and f'data-confirm="{CONFIRM}"' in html
    assert not AuditEvent.objects.filter(action="test_note").exists()


def test_who_may_act_is_the_declared_predicate(throwaway_stage, submitted, proposer, head, outsider, client):
    assert as_(head).post(note_url(submitted), {"note-text": "Ghi chú đủ dài"}).status_code == 403
    assert as_(outsider).post(note_url(submitted), {"note-text": "Ghi chú đủ dài"}).status_code == 404
    assert as_(proposer).get(note_url(submitted)).status_code == 405
    assert client.post(note_url(submitted)).status_code == 302  # to the login page
    page = as_(head).get(reverse("proposals:detail", args=[submitted.pk])).content.decode()
    assert "Gửi ghi chú thử nghiệm" not in page
    assert not AuditEvent.objects.filter(action="test_note").exists()


def test_an_unregistered_stage_leaves_no_trace_on_the_page(submitted, proposer):
    page = as_(proposer).get(reverse("proposals:detail", args=[submitted.pk])).content.decode()
    assert "Gửi ghi chú thử nghiệm" not in page and 'id="thu-nghiem"' not in page


def test_the_registry_refuses_a_stage_twice_and_an_action_without_a_panel(throwaway_stage):
    with pytest.raises(ValueError, match="registered already"):
        stages.register(STAGE)
    from core.stages import Stage

    with pytest.raises(ValueError, match="no panel"):
        stages.register(Stage(label="khong_panel", order=1, actions=(NOTE,)))
    assert NOTE.stage == LABEL
