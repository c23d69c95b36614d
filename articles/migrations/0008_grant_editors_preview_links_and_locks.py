"""Editors get the rights on the editorial models added with the workflow.

Preview links (create, list, revoke) and edit locks (take over) are part of an
editor's day. Revisions need no rights of their own: django-simple-history checks the
article's rights. Permissions are created here first, as 0002 does, because on a fresh
database they would otherwise only appear after all migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEW_EDITOR_MODELS = ["previewlink", "editlock"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", content_type__model__in=NEW_EDITOR_MODELS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="articles", content_type__model__in=NEW_EDITOR_MODELS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_previewlink_editlock"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
