"""The plan's document issued twice at the same moment (issue 10): the documents queue's task redelivered, the
sweep, and a reader's download may all reach one waiting `PlanDocument` at once. PostgreSQL only, with committed
rows and two threads on a barrier (tests.approvals.test_concurrency.together): the row's lock decides."""

import pytest

from core.audit import verify_chain
from core.models import AuditEvent
from proposals import documents
from proposals.models import PlanDocument
from proposals.tasks import issue_plan
from tests.approvals.test_concurrency import together
from tests.lifecycle import submitted_proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_issuings_of_one_plan_at_once_render_store_and_record_it_once(proposer, head, private_media, monkeypatch):
    proposal = submitted_proposal(proposer=proposer)  # committed: its task went to a broker that no worker reads
    document = PlanDocument.objects.get(version__proposal=proposal)
    assert not document.pdf
    rendered = []
    render = documents.render_pdf

    def counted(*args, **kwargs):
        rendered.append(1)
        return render(*args, **kwargs)

    monkeypatch.setattr(documents, "render_pdf", counted)

    outcomes = together(lambda: issue_plan(document.pk), lambda: documents.plan_issue(document.pk))

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    document.refresh_from_db()
    assert len(rendered) == 1
    assert [path.name for path in private_media.rglob("*.pdf")] == [document.pdf.name.rsplit("/", 1)[-1]]
    issued = AuditEvent.objects.for_object(document).get(action=documents.ISSUED_ACTION)
    assert issued.payload["plan_sha256"] == document.pdf_sha256 != ""
    assert verify_chain() == (AuditEvent.objects.count(), None)
