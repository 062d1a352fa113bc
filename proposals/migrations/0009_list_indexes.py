"""The list's indexes (issue 10): its orders and filters seeked by keyset, and on PostgreSQL the trigram index of
the folded search text and the Vietnamese title order (proposals.selectors)."""

import datetime
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models

from core.migration_ops import PostgreSQLOnly, trigram_index


class Migration(migrations.Migration):

    dependencies = [
        ('proposals', '0008_review_fidelity'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='proposal',
            name='proposal_field_idx',
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='proposal_newest_idx'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(models.F('status'), models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='proposal_status_newest_idx'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(models.F('field'), models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='proposal_field_newest_idx'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(django.db.models.functions.comparison.Coalesce('review_due', models.Value(datetime.date(9999, 12, 31))), models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='proposal_due_idx'),
        ),
        trigram_index(table="proposals_proposal", column="search_text", name="proposal_search_trgm"),
        PostgreSQLOnly(
            'CREATE INDEX IF NOT EXISTS proposal_title_vi_idx ON proposals_proposal (title COLLATE "vi-x-icu", id)',
            "DROP INDEX IF EXISTS proposal_title_vi_idx",
        ),
    ]
