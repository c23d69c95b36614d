"""An image's renditions, written by a background task after its upload.

The upload request stores the validated, re-encoded original and the row, and enqueues
`render_image` in the same transaction (no task without its image, no image without its
task). A worker (`manage.py run_worker`) then writes the WebP and JPEG renditions from
the stored original and records them on the row; until then pages show the original at
its stored size (articles/rendering.py). The row records every rendition's name and
width, so pages build their srcsets without asking the storage anything.

The task can run twice (a worker killed mid-task is retried by newsportal/jobs.py) and
give the same result: it locks the image's row, does nothing when the renditions are
already recorded, and writes under names derived from the original's, replacing a file
a killed run left half written. A disk or object store that fails is tried again later.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import override
from django_tasks import task

from articles import images
from articles.models import Article, Author, Image
from articles.sanitize import process_editor_html
from newsportal.caching import scopes

logger = logging.getLogger(__name__)

# Seconds before each new try when the storage fails (down, full): about 40 minutes in all,
# then the task fails and `manage.py make_renditions` fills the gap when it is back.
RETRY_DELAYS = (10, 60, 300, 1800)


def renditions_complete(image: Image) -> bool:
    """The row records the renditions the current widths call for, under derived names."""
    widths = images.rendition_widths(image.width)
    if [r["width"] for r in image.renditions] != widths:
        return False
    return all(
        (r["webp"], r["jpeg"]) == images.rendition_names(image.file.name, r["width"])
        for r in image.renditions
    )


def write_renditions(*, image_id: int) -> str:
    """Write and record the renditions of image ``image_id``; returns what happened."""
    with transaction.atomic():
        # The row lock makes a second run (a retried task) wait, then find them written.
        image = Image.objects.select_for_update().filter(pk=image_id).first()
        if image is None:
            return "gone"  # deleted before its renditions were made
        if renditions_complete(image):
            return "already written"
        try:
            with image.file.open("rb") as original:
                content = original.read()
        except images.STORAGE_ERRORS as error:
            raise images.ImageStorageError.from_error(error) from error
        before = set(image.stored_names())
        image.renditions = images.store_renditions(
            image.file.name, images.render_renditions(content), image.storage
        )
        # An update, not save(): a new image shows nowhere, and the whole site's pages
        # (what an image change moves) need not be rendered again for it.
        Image.objects.filter(pk=image.pk).update(renditions=image.renditions)
        if is_shown_anywhere(image):  # picked for an article before its renditions came
            scopes.changed_on_commit(scopes.SITE)
            refresh_bodies_showing(image=image)
        stale = sorted(before - set(image.stored_names()))  # widths no longer configured
        if stale:
            transaction.on_commit(lambda: images.delete_files(stale, image.storage))
    return "written"


@task()
def render_image(image_id: int, attempt: int = 1) -> str:
    """The background task: `write_renditions`, tried again later when the storage fails."""
    try:
        return write_renditions(image_id=image_id)
    except images.ImageStorageError:
        backend_can_wait = render_image.get_backend().supports_defer
        if attempt > len(RETRY_DELAYS) or not backend_can_wait:
            logger.error("Renditions of image %s not written; giving up", image_id)
            raise
        delay = RETRY_DELAYS[attempt - 1]
        logger.warning("Renditions of image %s not written; next try in %s s", image_id, delay)
        render_image.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            image_id, attempt + 1
        )
        return f"retry in {delay} s"


def is_shown_anywhere(image: Image) -> bool:
    """Whether a reader page can show the image: as a hero, in a body, as an author's
    photo (a new place that shows images belongs here too)."""
    return (
        Article.objects.filter(Q(hero_image=image) | Q(body_images=image)).exists()
        or Author.objects.filter(photo=image).exists()
    )


def refresh_bodies_showing(*, image: Image) -> int:
    """Render again the body of each article showing ``image`` (its credit or alt changed,
    or its files: the stored source points the editor at the image's current file)."""
    count = 0
    for article in Article.objects.filter(body_images=image).only("body", "language"):
        with override(article.language):
            rendered = process_editor_html(article.body)
        Article.objects.filter(pk=article.pk).update(body=rendered.source, body_html=rendered.html)
        count += 1
    return count
