"""The Editors group gets every right on live blogs and their entries.

Permissions are created here first, as in 0004, so that a fresh database gets a complete
group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["liveblog", "liveentry"]


def live_blog_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="articles", content_type__model__in=MODELS
    )


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*live_blog_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(*live_blog_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0025_live_blogs_and_entries"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
