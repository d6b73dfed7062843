"""The chief representative becomes a registered contact: a member of the department's staff, not a typed name.

The typed name moves to ``chief_representative_note``; where exactly one active member of the department's staff
bears that name, the department points at them and the note is cleared. Otherwise (no one, or two of that name) the
note keeps the name for an administrator to settle, so nothing is lost. Going back writes the member's name into
the note again.
"""

import django.db.models.deletion
from django.db import migrations, models


def link_by_name(apps, schema_editor):
    Department = apps.get_model("staff", "Department")
    StaffMember = apps.get_model("staff", "StaffMember")
    for department in Department.objects.exclude(chief_representative_note=""):
        name = department.chief_representative_note.strip()
        matches = list(
            StaffMember.objects.filter(department=department, is_active=True, name=name).values_list("pk", flat=True)[
                :2
            ]
        )
        if len(matches) == 1:
            department.chief_representative_id = matches[0]
            department.chief_representative_note = ""
            department.save(update_fields=["chief_representative", "chief_representative_note"])


def unlink_to_name(apps, schema_editor):
    Department = apps.get_model("staff", "Department")
    for department in Department.objects.filter(chief_representative__isnull=False, chief_representative_note=""):
        department.chief_representative_note = department.chief_representative.name
        department.save(update_fields=["chief_representative_note"])


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0009_bureau_leader_role"),
    ]

    operations = [
        migrations.RenameField(
            model_name="department",
            old_name="chief_representative",
            new_name="chief_representative_note",
        ),
        migrations.AlterField(
            model_name="department",
            name="chief_representative_note",
            field=models.CharField(
                blank=True,
                help_text="The name typed in before chief representatives were registered, kept until one is chosen",
                max_length=50,
                verbose_name="chief representative (unregistered)",
            ),
        ),
        migrations.AddField(
            model_name="department",
            name="chief_representative",
            field=models.ForeignKey(
                blank=True,
                help_text="The department's registered contact for help and agency in the hall: an active member of "
                "its staff",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="staff.staffmember",
                verbose_name="chief representative",
            ),
        ),
        migrations.RunPython(link_by_name, unlink_to_name),
    ]
