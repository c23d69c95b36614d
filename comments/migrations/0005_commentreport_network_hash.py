from django.db import migrations, models


class Migration(migrations.Migration):
    # Earlier reports keep "" (their address was never stored): they count by address hash.
    dependencies = [
        ("comments", "0004_comment_body_skeleton_md5"),
    ]

    operations = [
        migrations.AddField(
            model_name="commentreport",
            name="network_hash",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="The keyed hash of the reporter's network (IPv4 /24, IPv6 /48).",
                max_length=64,
                verbose_name="network hash",
            ),
        ),
    ]
