"""Every deadline is a dated step (reminders read steps only): open the "review" step of the proposals already
waiting for the collective's meeting, and the "decision" step of those already voted on, as the services now
do at submission and at the close of the vote."""

from django.db import migrations
from django.utils import timezone

REVIEW_LABELS = {
    "A": "Họp tập thể lãnh đạo xem xét đề xuất",
    "B": "Cấp trên xem xét đề xuất của người đứng đầu cơ quan",
}
DECISION_LABEL = "Ban hành văn bản quyết định sau khi tập thể biểu quyết"


def open_steps(apps, schema_editor):
    from core.workdays import add_working_days

    Proposal = apps.get_model("proposals", "Proposal")
    Step = apps.get_model("proposals", "Step")
    Meeting = apps.get_model("approvals", "Meeting")
    has_open = set(Step.objects.filter(closed_at__isnull=True, kind__in=["review", "decision"]).values_list("proposal_id", "kind"))
    steps = []
    waiting = Proposal.objects.filter(status="submitted", review_due__isnull=False, decision_unit__isnull=False)
    for proposal in waiting.only("pk", "route", "review_due", "decision_unit_id"):
        if (proposal.pk, "review") not in has_open:
            steps.append(Step(proposal_id=proposal.pk, kind="review", label=REVIEW_LABELS.get(proposal.route, REVIEW_LABELS["A"]),
                              due_on=proposal.review_due, unit_id=proposal.decision_unit_id))
    voted = Proposal.objects.filter(status__in=["collective_passed", "collective_failed"], decision_unit__isnull=False)
    for proposal in voted.select_related("profile").only("pk", "decision_unit_id", "profile__decision_deadline_wd"):
        if (proposal.pk, "decision") in has_open:
            continue
        meeting = Meeting.objects.filter(proposal_id=proposal.pk, state="closed", closed_at__isnull=False).order_by("-closed_at").first()
        closed_on = timezone.localdate(meeting.closed_at) if meeting else timezone.localdate()
        days = proposal.profile.decision_deadline_wd if proposal.profile_id else 5
        steps.append(Step(proposal_id=proposal.pk, kind="decision", label=DECISION_LABEL,
                          due_on=add_working_days(closed_on, days), unit_id=proposal.decision_unit_id))
    Step.objects.bulk_create(steps)


class Migration(migrations.Migration):

    dependencies = [
        ("reminders", "0001_reminder_ledger"),
        ("proposals", "0007_reminder_and_report_settings"),
        ("approvals", "0004_consultation_document_hash"),
        ("core", "0006_notification_email_and_preference"),
    ]

    operations = [migrations.RunPython(open_steps, migrations.RunPython.noop)]
