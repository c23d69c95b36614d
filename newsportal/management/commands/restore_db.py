"""`make restore SET=...`: load a backup set made by backup_db (the database, replacing
its current data, and the media files), or a bare .dump of an older backup."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsportal.backups import BackupError, read_set, restore_database, restore_media


class Command(BaseCommand):
    help = "Restore a backup set (or a .dump) into the configured database and media storage."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup set folder (or a .dump) written by backup_db")
        parser.add_argument(
            "--noinput", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, file, interactive=True, **options):
        source = Path(file)
        if not source.exists():
            raise CommandError(f"No such backup file: {source}")
        try:
            # Every checksum is verified before anything is changed.
            manifest = read_set(source) if source.is_dir() else None
        except BackupError as error:
            raise CommandError(str(error)) from None
        name = settings.DATABASES["default"]["NAME"]
        what = "and the media files " if manifest else ""
        if interactive:
            answer = input(f"Replace the contents of database {name!r} {what}with {source}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Restore cancelled.")
        try:
            restore_database(source / manifest["database"]["file"] if manifest else source)
            restored = restore_media(source, manifest) if manifest else 0
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {source} into {name} ({restored} media files).")
