"""Create the five role groups. Their model permissions are synced after every migrate
by core.roles.sync_role_permissions, so later apps' models are covered too."""

from django.db import migrations

ROLES = ["handläggare", "nämndsekreterare", "controller", "beslutsfattare", "läsare"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
