"""Version 1 of the Decree 73 legal profile, with the legal defaults, so that reads never have to create it.

Databases that already have it (created on first submission before this migration) keep their row.
"""

import datetime

from django.db import migrations

CODE = "ND73_2023"
# Art. 2: the three categories of "cán bộ" who may propose (accounts.Position.Category).
ELIGIBLE_CATEGORIES = ["state_leader", "public_service_manager", "enterprise"]


def create_default_profile(apps, schema_editor):
    LegalProfile = apps.get_model("proposals", "LegalProfile")
    LegalProfile.objects.get_or_create(
        code=CODE,
        version=1,
        defaults={
            "name": "Nghị định 73/2023/NĐ-CP",
            "effective_from": datetime.date(2023, 9, 29),
            "eligible_categories": ELIGIBLE_CATEGORIES,
        },
    )


class Migration(migrations.Migration):

    dependencies = [
        ("proposals", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the row: proposals may have been decided under it (PROTECT).
        migrations.RunPython(create_default_profile, migrations.RunPython.noop),
    ]
