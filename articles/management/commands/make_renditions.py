"""Give renditions to library images that have none (stored before renditions existed,
or after IMAGE_RENDITION_WIDTHS changed, with --all). Safe to repeat."""

from django.core.management.base import BaseCommand

from articles import services
from articles.models import Image


class Command(BaseCommand):
    help = "Write the WebP and JPEG renditions of library images that lack them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Re-process every image (after new widths)."
        )

    def handle(self, *args, all=False, **options):
        images = Image.objects.all() if all else Image.objects.filter(renditions=[])
        done = 0
        for image in images.iterator():
            services.make_renditions(image=image)
            done += 1
        self.stdout.write(f"Renditions written for {done} images.")
