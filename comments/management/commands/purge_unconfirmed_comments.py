"""Delete the comments never confirmed by e-mail once their link has expired.

Run it hourly (cron or a systemd timer) on sites with COMMENTS_CONFIRM_EMAIL on: an
unconfirmed comment holds a name, an address and a text nobody asked us to keep.
"""

from django.core.management.base import BaseCommand

from comments import confirmation


class Command(BaseCommand):
    help = "Delete unconfirmed comments whose confirmation link has expired."

    def handle(self, *args, **options):
        deleted = confirmation.purge_expired()
        self.stdout.write(f"{deleted} unconfirmed comments deleted.")
