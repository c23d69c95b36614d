"""Delete image files that no library image names (see articles/orphans.py). Safe to
repeat; run it now and then (daily) on one host, or after an outage of the store."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from articles import orphans


class Command(BaseCommand):
    help = "Delete files under images/ and renditions/ that no image row names."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=3600,
            help="Only files older than this many seconds (an upload may be in progress).",
        )

    def handle(self, *args, older_than: float, **options):
        swept = orphans.sweep_orphans(older_than=timedelta(seconds=older_than))
        for name in swept:
            self.stdout.write(f"deleted {name}")
        self.stdout.write(f"{len(swept)} files that no image names were deleted.")
