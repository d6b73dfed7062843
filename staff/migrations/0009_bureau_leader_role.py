"""The bureau leader role (局领导): a group holding the permission to designate key projects' agents (seed 000 三.4)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_bureau_leader_role(apps, schema_editor):
    # As in 0002_roles: permissions are normally created after all migrations; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from staff.roles import sync_roles

    sync_roles(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def remove_bureau_leader_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="bureau_leader").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0008_integrityrecord_moved"),
        ("requests", "0017_key_project_designation_and_delivery_at_home"),
    ]

    operations = [migrations.RunPython(create_bureau_leader_role, remove_bureau_leader_role)]
