"""The plan's document, issued on the `documents` queue once its submission has committed (issue 10), and beat's
sweep of any whose task was lost or failed. Both idempotent: `documents.plan_issue` holds the row's lock."""

from celery import shared_task

from . import documents


@shared_task(acks_late=True)
def issue_plan(document_id: int) -> str:
    return documents.plan_issue(document_id).pdf_sha256


@shared_task(acks_late=True)
def issue_overdue_plans() -> int:
    return documents.plan_issue_overdue()
