from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without blocking comment posts or reports on large tables (CREATE and DROP
    # INDEX CONCURRENTLY cannot run inside a transaction).
    atomic = False

    dependencies = [
        ("comments", "0005_commentreport_network_hash"),
    ]

    operations = [
        # The duplicate rule now compares skeletons: (address, digest of the body's
        # skeleton) replaces (address, MD5 of the body) under the same name.
        RemoveIndexConcurrently(model_name="comment", name="comment_ip_body"),
        AddIndexConcurrently(
            model_name="comment",
            index=models.Index(fields=["ip_hash", "body_skeleton_md5"], name="comment_ip_body"),
        ),
        AddIndexConcurrently(
            model_name="commentreport",
            index=models.Index(fields=["network_hash"], name="report_network"),
        ),
    ]
