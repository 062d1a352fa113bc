"""The folded `User.search_name` of the people pickers, filled for existing people, with a trigram index on PostgreSQL.

The index serves `search_name LIKE '%word%'` (accounts.views.people_autocomplete); SQLite has no such index and
scans, which is fine in development.
"""

from django.db import migrations, models

import accounts.models
from core.migration_ops import trigram_index


def fill_search_names(apps, schema_editor):
    from core.text import fold

    User = apps.get_model("accounts", "User")
    batch = []
    for user in User.objects.only("pk", "full_name", "username").iterator(chunk_size=2000):
        user.search_name = fold(" ".join(filter(None, (user.full_name, user.username))))
        batch.append(user)
        if len(batch) == 2000:
            User.objects.bulk_update(batch, ["search_name"])
            batch = []
    User.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_review_document_settings"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", accounts.models.UserManager()),
            ],
        ),
        migrations.AddField(
            model_name="user",
            name="search_name",
            field=models.CharField(default="", editable=False, max_length=310),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
        trigram_index(table="accounts_user", column="search_name", name="accounts_user_search_name_trgm"),
    ]
