import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without blocking comment posts on a large table (CREATE INDEX CONCURRENTLY
    # cannot run inside a transaction).
    atomic = False

    dependencies = [
        ("comments", "0002_moderators_permissions"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="comment",
            index=models.Index(
                models.F("ip_hash"),
                django.db.models.functions.text.MD5("body"),
                name="comment_ip_body",
            ),
        ),
    ]
