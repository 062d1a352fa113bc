"""Who publishes what, and when (decree73.md Art. 4(4): the process is "công khai, minh bạch"; spec README §1:
"the public register of approved and completed proposals that a head chose to publish").

- only the head of the deciding unit publishes, corrects or withdraws (for a head's own plan, route B, the
  superior unit's head);
- only a proposal with a decision to implement (APPROVED and every later status);
- the head confirms that the summary holds no state secret ("Nội dung công khai không chứa thông tin thuộc bí
  mật nhà nước"); a withdrawal states its reason; each act is in the audit log.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import Decision
from core.audit import verify_chain
from core.models import AuditEvent, Notification
from proposals.transitions import Status
from publication import rules, services
from publication.models import Publication
from tests.lifecycle import drive_to, fresh
from tests.publication.helpers import PATHS, SUMMARY, advance, approve, publish


def events(proposal, action) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(proposal).filter(action=action).order_by("seq"))


def test_the_head_of_the_deciding_unit_publishes_the_summary_of_an_approved_proposal(
        approved, head, proposer, django_capture_on_commit_callbacks):
    decision = Decision.objects.get(proposal=approved)

    with django_capture_on_commit_callbacks(execute=True):
        publication = publish(approved, head, title="Liên thông hồ sơ đất đai", summary=f"  {SUMMARY}  ")

    publication.refresh_from_db()
    assert (publication.title, publication.summary, publication.outcome) == ("Liên thông hồ sơ đất đai", SUMMARY, "")
    assert (publication.unit, publication.field) == (approved.unit, approved.field)
    assert (publication.decision_number, publication.decision_date) == (decision.number, decision.issued_on)
    assert publication.confirmed_not_secret and publication.published_by == head and publication.withdrawn_at is None
    [event] = events(approved, "publication_publish")
    assert (event.actor, event.role, event.unit) == (head, "head", approved.decision_unit)
    assert event.payload == {"publication": publication.pk, "decision": decision.number, "confirmed_not_secret": True,
                             "title": "Liên thông hồ sơ đất đai", "summary": SUMMARY, "outcome": ""}
    assert Notification.objects.filter(recipient=proposer, message__startswith="Tóm tắt đề xuất").exists()
    assert verify_chain() == (AuditEvent.objects.count(), None)


@pytest.mark.parametrize("persona", ["deputy", "secretariat", "proposer", "inspector", "superior_head", "outsider"])
def test_only_the_head_of_the_deciding_unit_may_publish(approved, persona, request):
    with pytest.raises(PermissionDenied):
        publish(approved, request.getfixturevalue(persona))
    assert not Publication.objects.exists() and events(approved, "publication_publish") == []


def test_for_a_heads_own_proposal_the_superior_head_publishes(clock, head, superior_head):
    # Route B (decree73.md T6): the head's plan is decided, and so published, by the superior unit.
    proposal = approve(proposer=head, head=superior_head)
    assert proposal.decision_unit == superior_head.positions.get().unit

    with pytest.raises(PermissionDenied):
        publish(proposal, head)
    publication = publish(proposal, superior_head)

    assert publication.unit == proposal.unit  # the proposer's unit, as the public reads it


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RETURNED, Status.DRAFT, Status.IN_REVIEW,
                                    Status.COLLECTIVE_PASSED, Status.COLLECTIVE_FAILED, Status.REJECTED])
def test_a_proposal_without_a_decision_to_implement_is_not_published(clock, status, proposer, head, deputy, secretariat):
    proposal = drive_to(status, proposer=proposer, head=head, deputy=deputy)

    with pytest.raises(ValidationError) as refused:
        publish(proposal, head)

    assert refused.value.code == "bad_state"
    assert "Điều 4 khoản 4" in refused.value.messages[0]
    assert not Publication.objects.exists()


@pytest.mark.parametrize("status", sorted(PATHS))
def test_approved_and_every_later_status_may_be_published(approved, head, status):
    proposal = advance(approved, status, by=head)
    assert publish(proposal, head).proposal_id == proposal.pk


def test_the_publishable_statuses_are_exactly_approved_and_after():
    before_decision = {Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.IN_REVIEW, Status.COLLECTIVE_PASSED,
                       Status.COLLECTIVE_FAILED, Status.REJECTED, Status.REFERRED}  # referred: never decided here
    assert rules.PUBLISHABLE == set(Status.values) - before_decision == set(PATHS)


def test_the_confirmation_that_nothing_is_a_state_secret_is_required(approved, head):
    with pytest.raises(ValidationError) as refused:
        publish(approved, head, confirmed=False)
    assert refused.value.message_dict == {
        "confirmed": ["Cần xác nhận nội dung công khai không chứa thông tin thuộc bí mật nhà nước."]}
    assert not Publication.objects.exists() and events(approved, "publication_publish") == []


def test_title_and_summary_are_required(approved, head):
    with pytest.raises(ValidationError) as refused:
        publish(approved, head, title="  ", summary="\n")
    assert set(refused.value.message_dict) == {"title", "summary"}


def test_the_outcome_is_published_only_once_the_evaluation_is_concluded(approved, head):
    with pytest.raises(ValidationError) as refused:
        publish(approved, head, outcome="Hoàn thành")
    assert list(refused.value.message_dict) == ["outcome"]

    evaluated = advance(approved, Status.EVALUATED, by=head)
    assert publish(evaluated, head, outcome="Hoàn thành").outcome == "Hoàn thành"


def test_a_proposal_has_one_live_summary_at_a_time(published, approved, head):
    with pytest.raises(ValidationError) as refused:
        publish(approved, head)
    assert refused.value.code == "duplicate"
    assert Publication.objects.count() == 1


def test_the_head_corrects_the_summary_and_the_log_keeps_what_changed(published, approved, head):
    evaluated = advance(approved, Status.EVALUATED, by=head)

    services.publication_update(proposal=evaluated, by=head, title=published.title, summary=SUMMARY + " Đã sửa.",
                                outcome="Hoàn thành", confirmed=True)

    published.refresh_from_db()
    assert published.summary.endswith("Đã sửa.") and published.outcome == "Hoàn thành" and published.updated_at
    [event] = events(approved, "publication_update")
    assert event.payload["changes"] == {"summary": [SUMMARY, SUMMARY + " Đã sửa."], "outcome": ["", "Hoàn thành"]}


def test_a_correction_needs_the_confirmation_again_and_a_change(published, approved, head, deputy):
    with pytest.raises(ValidationError) as refused:
        services.publication_update(proposal=approved, by=head, title=published.title, summary="Khác", confirmed=False)
    assert list(refused.value.message_dict) == ["confirmed"]
    with pytest.raises(ValidationError) as refused:
        services.publication_update(proposal=approved, by=head, title=published.title, summary=SUMMARY, confirmed=True)
    assert refused.value.code == "unchanged"
    with pytest.raises(PermissionDenied):
        services.publication_update(proposal=approved, by=deputy, title="Khác", summary=SUMMARY, confirmed=True)
    assert events(approved, "publication_update") == []


def test_withdrawing_needs_a_reason_and_is_recorded(published, approved, head, proposer,
                                                   django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as refused:
        services.publication_withdraw(proposal=approved, by=head, reason="   ")
    assert list(refused.value.message_dict) == ["reason"]

    with django_capture_on_commit_callbacks(execute=True):
        services.publication_withdraw(proposal=approved, by=head, reason="Nội dung cần rà soát lại.")

    published.refresh_from_db()
    assert (published.withdrawn_by, published.withdraw_reason) == (head, "Nội dung cần rà soát lại.")
    [event] = events(approved, "publication_withdraw")
    assert event.payload == {"publication": published.pk, "reason": "Nội dung cần rà soát lại."}
    assert event.actor == head and event.role == "head"
    assert Notification.objects.filter(recipient=proposer, message__startswith="Nội dung công khai").exists()
    assert not Publication.objects.live().exists()


@pytest.mark.parametrize("persona", ["deputy", "secretariat", "proposer", "outsider"])
def test_only_the_head_of_the_deciding_unit_may_withdraw(published, approved, persona, request):
    with pytest.raises(PermissionDenied):
        services.publication_withdraw(proposal=approved, by=request.getfixturevalue(persona), reason="Lý do bất kỳ.")
    assert Publication.objects.live().count() == 1


def test_nothing_to_correct_or_withdraw_before_publishing(approved, head):
    for call in (lambda: services.publication_withdraw(proposal=approved, by=head, reason="Lý do."),
                 lambda: services.publication_update(proposal=approved, by=head, title="T", summary="S", confirmed=True)):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.code == "not_published"


def test_a_withdrawn_summary_may_be_published_again_as_a_new_record(published, approved, head):
    services.publication_withdraw(proposal=approved, by=head, reason="Tạm gỡ để bổ sung.")
    again = publish(fresh(approved), head)
    assert again.pk != published.pk
    assert list(Publication.objects.live()) == [again] and Publication.objects.count() == 2
