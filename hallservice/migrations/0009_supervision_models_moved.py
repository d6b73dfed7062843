"""The supervision rows now belong to the supervision app (supervision/migrations/0001_initial.py).

State only: the tables stay as they are, with their names (the statistics triggers write them by name).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hallservice", "0008_merge_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="dailyfigure",
                    name="centre",
                ),
                migrations.RemoveField(
                    model_name="ledgergap",
                    name="centre",
                ),
                migrations.RemoveField(
                    model_name="ledgergap",
                    name="request",
                ),
                migrations.RemoveField(
                    model_name="monthlyfigure",
                    name="centre",
                ),
                migrations.RemoveField(
                    model_name="monthlyreport",
                    name="centre",
                ),
                migrations.RemoveField(
                    model_name="monthlyreport",
                    name="requested_by",
                ),
                migrations.DeleteModel(
                    name="StaleDay",
                ),
                migrations.DeleteModel(
                    name="StaleRequest",
                ),
                migrations.DeleteModel(
                    name="DailyFigure",
                ),
                migrations.DeleteModel(
                    name="LedgerGap",
                ),
                migrations.DeleteModel(
                    name="MonthlyFigure",
                ),
                migrations.DeleteModel(
                    name="MonthlyReport",
                ),
            ],
            database_operations=[],
        ),
    ]
