"""The supervision rows, moved here from hallservice (reports, figures, ledger gaps) and staff (integrity records).

State only: the tables keep their names and rows (``Meta.db_table``); a database made before the move is
migrated without touching them. The content types move with the models, so the permissions of the rows
(view_statistics, record_integrity, …) keep their ids, their groups and users, and the admin log its links.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = {
    "hallservice": ["monthlyreport", "dailyfigure", "monthlyfigure", "staleday", "ledgergap", "stalerequest"],
    "staff": ["integrityrecord"],
}


def _move_content_types(apps, schema_editor, *, forward: bool) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.db_manager(schema_editor.connection.alias)
    for old_label, names in MOVED.items():
        source, target = (old_label, "supervision") if forward else ("supervision", old_label)
        for name in names:
            # One made already under the new label (e.g. by a run of post_migrate) wins; the old one stays stale.
            if not rows.filter(app_label=target, model=name).exists():
                rows.filter(app_label=source, model=name).update(app_label=target)
    rows.clear_cache()


def move_content_types(apps, schema_editor):
    _move_content_types(apps, schema_editor, forward=True)


def move_content_types_back(apps, schema_editor):
    _move_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("hallservice", "0009_supervision_models_moved"),
        ("requests", "0013_merge_outbox_and_access_log"),
        ("staff", "0008_integrityrecord_moved"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaleDay",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("day", models.DateField(verbose_name="day")),
                    ],
                    options={
                        "verbose_name": "stale day",
                        "verbose_name_plural": "stale days",
                        "db_table": "hallservice_staleday",
                    },
                ),
                migrations.CreateModel(
                    name="StaleRequest",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("request_id", models.BigIntegerField(verbose_name="request")),
                    ],
                    options={
                        "verbose_name": "stale request",
                        "verbose_name_plural": "stale requests",
                        "db_table": "hallservice_stalerequest",
                    },
                ),
                migrations.CreateModel(
                    name="DailyFigure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "measure",
                            models.CharField(
                                choices=[
                                    ("registered", "Registered"),
                                    ("reg_department", "Registered by lead department"),
                                    ("reg_kind", "Registered by kind"),
                                    ("reg_channel", "Registered by channel"),
                                    ("reg_category", "Registered by applicant category"),
                                    ("reg_helper", "Registered by helper"),
                                    ("completed", "Completed"),
                                    ("done_days", "Completed by working days taken"),
                                    ("done_helper", "Completed by helper"),
                                    ("acc_helper", "Accepted by helper"),
                                    ("eval_rating", "Evaluated by rating"),
                                    ("eval_helper", "Evaluated by helper"),
                                    ("consultations", "Consultations"),
                                ],
                                max_length=16,
                                verbose_name="measure",
                            ),
                        ),
                        ("key", models.CharField(blank=True, max_length=32, verbose_name="key")),
                        ("total", models.PositiveIntegerField(default=0, verbose_name="total")),
                        ("accepted", models.PositiveIntegerField(default=0, verbose_name="accepted")),
                        ("refused", models.PositiveIntegerField(default=0, verbose_name="refused")),
                        ("late", models.PositiveIntegerField(default=0, verbose_name="completed late")),
                        ("on_time", models.PositiveIntegerField(default=0, verbose_name="completed by the deadline")),
                        (
                            "without_notice",
                            models.PositiveIntegerField(default=0, verbose_name="without deficiency notice"),
                        ),
                        (
                            "at_most_one_notice",
                            models.PositiveIntegerField(default=0, verbose_name="at most one deficiency notice"),
                        ),
                        ("converted", models.PositiveIntegerField(default=0, verbose_name="became requests")),
                        ("poor", models.PositiveIntegerField(default=0, verbose_name="poor ratings")),
                        ("rating_sum", models.PositiveIntegerField(default=0, verbose_name="sum of ratings")),
                        ("day", models.DateField(verbose_name="day")),
                        (
                            "centre",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="staff.servicecentre",
                                verbose_name="centre",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "daily figure",
                        "verbose_name_plural": "daily figures",
                        "db_table": "hallservice_dailyfigure",
                        "indexes": [
                            models.Index(
                                fields=["measure", "centre", "day"],
                                include=(
                                    "key",
                                    "total",
                                    "accepted",
                                    "refused",
                                    "late",
                                    "on_time",
                                    "without_notice",
                                    "at_most_one_notice",
                                    "converted",
                                    "poor",
                                    "rating_sum",
                                ),
                                name="daily_figure_lookup",
                            ),
                            models.Index(fields=["day"], name="daily_figure_day"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="IntegrityRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("fees", "Asked for fees"),
                                    ("gifts", "Accepted gifts or meals"),
                                    ("rudeness", "Rude or evasive service"),
                                    ("ledger", "Inaccurate ledger"),
                                    ("confidentiality", "Disclosed applicant data"),
                                    ("other", "Other breach"),
                                ],
                                max_length=16,
                                verbose_name="kind",
                            ),
                        ),
                        ("occurred_on", models.DateField(verbose_name="occurred on")),
                        ("description", models.TextField(max_length=2000, verbose_name="what happened")),
                        ("action_taken", models.TextField(blank=True, max_length=2000, verbose_name="action taken")),
                        ("recorded_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded at")),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked at")),
                        (
                            "revoke_reason",
                            models.CharField(blank=True, max_length=300, verbose_name="reason for revoking"),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "request",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="integrity_records",
                                to="requests.servicerequest",
                                verbose_name="request",
                            ),
                        ),
                        (
                            "revoked_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "staff",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="integrity_records",
                                to="staff.staffmember",
                                verbose_name="staff member",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "integrity record",
                        "verbose_name_plural": "integrity records",
                        "db_table": "staff_integrityrecord",
                        "ordering": ["-occurred_on", "-pk"],
                        "permissions": [("record_integrity", "Can record and revoke integrity records")],
                        "indexes": [
                            models.Index(fields=["staff", "occurred_on"], name="staff_integ_staff_i_5f1910_idx")
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("revoked_at__isnull", True),
                                    models.Q(("revoke_reason", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="revoked_integrity_has_reason",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LedgerGap",
                    fields=[
                        (
                            "request",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="ledger_gap",
                                serialize=False,
                                to="requests.servicerequest",
                            ),
                        ),
                        ("applied_at", models.DateTimeField(verbose_name="applied at")),
                        ("completed_at", models.DateTimeField(null=True, verbose_name="completed at")),
                        ("no_summary", models.BooleanField(default=False, verbose_name="no summary")),
                        ("no_delivery_proof", models.BooleanField(default=False, verbose_name="no delivery proof")),
                        ("no_documents", models.BooleanField(default=False, verbose_name="no issued document")),
                        (
                            "no_commission",
                            models.BooleanField(default=False, verbose_name="no signed commission letter"),
                        ),
                        (
                            "centre",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="staff.servicecentre",
                                verbose_name="centre",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ledger gap",
                        "verbose_name_plural": "ledger gaps",
                        "db_table": "hallservice_ledgergap",
                        "indexes": [
                            models.Index(fields=["centre", "applied_at"], name="ledger_gap_centre_applied"),
                            models.Index(fields=["applied_at", "request"], name="ledger_gap_applied"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="MonthlyFigure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "measure",
                            models.CharField(
                                choices=[
                                    ("registered", "Registered"),
                                    ("reg_department", "Registered by lead department"),
                                    ("reg_kind", "Registered by kind"),
                                    ("reg_channel", "Registered by channel"),
                                    ("reg_category", "Registered by applicant category"),
                                    ("reg_helper", "Registered by helper"),
                                    ("completed", "Completed"),
                                    ("done_days", "Completed by working days taken"),
                                    ("done_helper", "Completed by helper"),
                                    ("acc_helper", "Accepted by helper"),
                                    ("eval_rating", "Evaluated by rating"),
                                    ("eval_helper", "Evaluated by helper"),
                                    ("consultations", "Consultations"),
                                ],
                                max_length=16,
                                verbose_name="measure",
                            ),
                        ),
                        ("key", models.CharField(blank=True, max_length=32, verbose_name="key")),
                        ("total", models.PositiveIntegerField(default=0, verbose_name="total")),
                        ("accepted", models.PositiveIntegerField(default=0, verbose_name="accepted")),
                        ("refused", models.PositiveIntegerField(default=0, verbose_name="refused")),
                        ("late", models.PositiveIntegerField(default=0, verbose_name="completed late")),
                        ("on_time", models.PositiveIntegerField(default=0, verbose_name="completed by the deadline")),
                        (
                            "without_notice",
                            models.PositiveIntegerField(default=0, verbose_name="without deficiency notice"),
                        ),
                        (
                            "at_most_one_notice",
                            models.PositiveIntegerField(default=0, verbose_name="at most one deficiency notice"),
                        ),
                        ("converted", models.PositiveIntegerField(default=0, verbose_name="became requests")),
                        ("poor", models.PositiveIntegerField(default=0, verbose_name="poor ratings")),
                        ("rating_sum", models.PositiveIntegerField(default=0, verbose_name="sum of ratings")),
                        ("month", models.DateField(help_text="The first day of the month", verbose_name="month")),
                        (
                            "centre",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="staff.servicecentre",
                                verbose_name="centre",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "monthly figure",
                        "verbose_name_plural": "monthly figures",
                        "db_table": "hallservice_monthlyfigure",
                        "indexes": [
                            models.Index(
                                fields=["measure", "centre", "month"],
                                include=(
                                    "key",
                                    "total",
                                    "accepted",
                                    "refused",
                                    "late",
                                    "on_time",
                                    "without_notice",
                                    "at_most_one_notice",
                                    "converted",
                                    "poor",
                                    "rating_sum",
                                ),
                                name="monthly_figure_lookup",
                            ),
                            models.Index(fields=["month"], name="monthly_figure_month"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("month__day", 1)), name="monthly_figure_first_day"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="MonthlyReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "month",
                            models.DateField(help_text="The first day of the month reported", verbose_name="month"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("done", "Done"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)")),
                        ("xlsx", models.FileField(blank=True, upload_to="reports/", verbose_name="spreadsheet")),
                        ("pdf", models.FileField(blank=True, upload_to="reports/", verbose_name="PDF")),
                        ("error", models.CharField(blank=True, max_length=300, verbose_name="error")),
                        (
                            "attempts",
                            models.PositiveSmallIntegerField(
                                default=0, help_text="Runs started by a worker", verbose_name="attempts"
                            ),
                        ),
                        (
                            "enqueued_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="Empty while the task queue was unreachable",
                                null=True,
                                verbose_name="sent to the queue at",
                            ),
                        ),
                        (
                            "heartbeat_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="last sign of life"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="requested at")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
                        (
                            "centre",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="staff.servicecentre",
                                verbose_name="centre",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                blank=True,
                                help_text="Empty when the monthly timer prepared it",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "monthly report",
                        "verbose_name_plural": "monthly reports",
                        "db_table": "hallservice_monthlyreport",
                        "ordering": ["-month", "-created_at"],
                        "permissions": [
                            ("view_statistics", "Can view supervision statistics and monthly reports"),
                            ("view_assessment", "Can view annual assessments"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("month__day", 1)), name="monthly_report_first_of_month"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
