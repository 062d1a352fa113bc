"""The newest-first index carries the columns of every reader's scope (issue 10): a list page's keys are found by an
index-only scan however few of the rows the reader may see (core.paging, proposals.scope)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('proposals', '0010_inbox_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='proposal',
            name='proposal_newest_idx',
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), include=('proposer', 'unit', 'decision_unit', 'status', 'current_version'), name='proposal_newest_scope_idx'),
        ),
    ]
