from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

# Only comments the duplicate rule still looks at need a digest (it compares the last
# COMMENTS_DUPLICATE_HOURS, six by default): older rows keep "" and match nothing, so the
# migration reads two days of comments however large the table is.
BACKFILL_DAYS = 2


def fill_recent_digests(apps, schema_editor):
    from comments.models import skeleton_digest

    Comment = apps.get_model("comments", "Comment")
    recent = Comment.objects.filter(created_at__gte=timezone.now() - timedelta(days=BACKFILL_DAYS))
    batch = []
    for comment in recent.only("pk", "body").iterator(chunk_size=500):
        comment.body_skeleton_md5 = skeleton_digest(comment.body)
        batch.append(comment)
        if len(batch) == 500:
            Comment.objects.bulk_update(batch, ["body_skeleton_md5"])
            batch = []
    Comment.objects.bulk_update(batch, ["body_skeleton_md5"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_comment_ip_body_index"),
    ]

    operations = [
        # A constant database default: PostgreSQL adds the column without rewriting the
        # table, and rows written by other means than the model get "" too.
        migrations.AddField(
            model_name="comment",
            name="body_skeleton_md5",
            field=models.CharField(
                blank=True, db_default="", default="", editable=False, max_length=32
            ),
        ),
        migrations.RunPython(fill_recent_digests, migrations.RunPython.noop),
    ]
