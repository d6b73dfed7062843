import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Complaint and ComplaintEvent now belong to the complaints app (its 0001): removed from this app's state
    only, tables and rows untouched; the outbox's link to a complaint points there."""

    dependencies = [
        ("complaints", "0001_initial"),
        ("requests", "0013_merge_outbox_and_access_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="complaintevent",
                    name="complaint",
                ),
                migrations.AlterField(
                    model_name="notification",
                    name="complaint",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="complaints.complaint",
                    ),
                ),
                migrations.RemoveField(
                    model_name="complaintevent",
                    name="actor",
                ),
                migrations.DeleteModel(
                    name="Complaint",
                ),
                migrations.DeleteModel(
                    name="ComplaintEvent",
                ),
            ],
            database_operations=[],
        ),
    ]
