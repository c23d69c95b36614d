"""`make backup`: a compressed pg_dump of the portal's database under var/backups/."""

import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsportal.pg_tools import connection_args, program


class Command(BaseCommand):
    help = "Write a pg_dump (custom format) of the database; prints the file's path."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default var/backups/<time>.dump)")

    def handle(self, *args, output=None, **options):
        if output:
            target = Path(output)
        else:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            target = settings.VAR_DIR / "backups" / f"newsportal-{stamp}.dump"
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".partial")
        conn_args, env = connection_args()
        command = [
            program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
            f"--file={partial}", *conn_args, settings.DATABASES["default"]["NAME"],
        ]  # fmt: skip
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        # Renamed only when complete, so a half-written dump never looks like a backup.
        partial.replace(target)
        self.stdout.write(str(target))
