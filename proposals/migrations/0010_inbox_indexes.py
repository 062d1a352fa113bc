"""The deciding unit's inbox sections read from indexes in their order (issue 10): (decision_unit, status) carries
created_at and id, so a section of one status reads its first page and stops; the proposals awaiting a decision have
a partial index in the order of their section (the earliest review deadline first)."""

import datetime

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_orgunit_search_name'),
        ('proposals', '0009_list_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='proposal',
            name='proposal_decider_status_idx',
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['decision_unit', 'status', 'created_at', 'id'], name='proposal_decider_oldest_idx'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(models.F('decision_unit'), django.db.models.functions.comparison.Coalesce('review_due', models.Value(datetime.date(9999, 12, 31))), models.F('created_at'), models.F('id'), condition=models.Q(('status__in', ['collective_failed', 'collective_passed', 'in_review', 'submitted'])), name='proposal_to_decide_idx'),
        ),
    ]
