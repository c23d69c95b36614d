"""Every account that signed an article gets an author profile, and its articles a byline
to it; the Editors group gets every right on authors and bylines.

Permissions are created here first, as in 0004, so that a fresh database gets a complete
group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils.text import slugify

from articles.transliteration import slugify_greek


def profiles(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Author = apps.get_model("articles", "Author")
    Byline = Article.authors.through
    User = apps.get_model("auth", "User")
    taken = set(Author.objects.values_list("slug", flat=True))
    user_ids = Article.objects.exclude(author=None).values_list("author", flat=True).distinct()
    for user in User.objects.filter(pk__in=user_ids):
        name = f"{user.first_name} {user.last_name}".strip() or user.username
        base = slugify_greek(name, max_length=100) or slugify(user.username) or "syntaktis"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        author = Author.objects.create(name=name, slug=slug, user=user)
        Byline.objects.bulk_create(
            Byline(article_id=pk, author=author)
            for pk in Article.objects.filter(author=user).values_list("pk", flat=True)
        )


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            content_type__model="author",
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="articles",
                content_type__model="author",
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_authors_and_bylines"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(profiles, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
