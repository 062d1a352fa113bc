"""The folded `OrgUnit.search_name` of the unit pickers, filled for existing units, with a trigram index on PostgreSQL.

The index serves `search_name LIKE '%word%'` (accounts.views.units_autocomplete); SQLite has no such index and
scans, which is fine in development.
"""

from django.db import migrations, models

from core.migration_ops import trigram_index


def fill_search_names(apps, schema_editor):
    from core.text import fold

    OrgUnit = apps.get_model("accounts", "OrgUnit")
    batch = []
    for unit in OrgUnit.objects.only("pk", "name", "abbreviation", "code").iterator(chunk_size=2000):
        unit.search_name = fold(" ".join(filter(None, (unit.name, unit.abbreviation, unit.code))))
        batch.append(unit)
        if len(batch) == 2000:
            OrgUnit.objects.bulk_update(batch, ["search_name"])
            batch = []
    OrgUnit.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_user_search_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="orgunit",
            name="search_name",
            field=models.CharField(default="", editable=False, max_length=330),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
        trigram_index(table="accounts_orgunit", column="search_name", name="accounts_orgunit_search_name_trgm"),
    ]
