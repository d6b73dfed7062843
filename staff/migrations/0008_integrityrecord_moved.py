"""IntegrityRecord now belongs to the supervision app (supervision/migrations/0001_initial.py).

State only: the table staff_integrityrecord stays as it is.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0007_merge_0005_window_automatic_minimum_0006_text_limits"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IntegrityRecord")],
            database_operations=[],
        ),
    ]
