"""`make restore FILE=...`: load a backup made by backup_db, replacing the current data."""

import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsportal.pg_tools import connection_args, program


class Command(BaseCommand):
    help = "Restore a backup_db dump into the configured database (its objects are replaced)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .dump file written by backup_db")
        parser.add_argument(
            "--noinput", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, file, interactive=True, **options):
        dump = Path(file)
        if not dump.is_file():
            raise CommandError(f"No such backup file: {dump}")
        name = settings.DATABASES["default"]["NAME"]
        if interactive:
            answer = input(f"Replace the contents of database {name!r} with {dump}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Restore cancelled.")
        conn_args, env = connection_args()
        command = [
            program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
            "--single-transaction", "--exit-on-error", f"--dbname={name}", *conn_args, str(dump),
        ]  # fmt: skip
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        self.stdout.write(f"Restored {dump} into {name}.")
