"""The Moderators group's rights: comments and their block lists, nothing else.

The group itself is created by articles/0002. Moderators see and decide on comments
(view, change: approve, reject, spam), read reports and the moderation log, and keep
the blocked words and addresses. They cannot add or delete comments, and have no right
on articles, categories, tags, images or users.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = {
    "comment": ["view", "change"],
    "commentreport": ["view"],
    "moderationlogentry": ["view"],
    "blockedword": ["view", "add", "change", "delete"],
    "blockedaddress": ["view", "add", "change", "delete"],
}


def moderator_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model}" for model, actions in MODERATOR_PERMISSIONS.items() for action in actions
    ]
    return Permission.objects.filter(content_type__app_label="comments", codename__in=codenames)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(*moderator_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    moderators = Group.objects.filter(name="Moderators").first()
    if moderators is not None:
        moderators.permissions.remove(*moderator_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0002_create_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
