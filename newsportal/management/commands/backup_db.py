"""`make backup`: the database and the media as one set under var/backups/ (see
newsportal/backups.py for what a set holds)."""

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsportal.backups import BackupError, write_set


class Command(BaseCommand):
    help = "Write a backup set (pg_dump of the database, the media, a manifest); prints its path."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="Folder to write (default var/backups/newsportal-<time>)"
        )

    def handle(self, *args, output=None, **options):
        if output:
            target = Path(output)
        else:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            target = settings.VAR_DIR / "backups" / f"newsportal-{stamp}"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            manifest = write_set(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = manifest["media"]["files"]
        self.stderr.write(
            f"database {manifest['database']['bytes']} bytes, "
            f"{len(files)} media files ({sum(f['bytes'] for f in files)} bytes)"
        )
        self.stdout.write(str(target))
