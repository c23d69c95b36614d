"""Files of the image library that no row names: the safety net behind "no file without
its row".

Every path that writes a file removes it again when its row cannot be saved, but one
case cannot clean up after itself: the store keeps an upload whose answer was lost
(the connection broke after the last byte), and then refuses the deletion too because
it went down. `manage.py sweep_media` finds such files under images/ and renditions/
and deletes those older than a grace period (an upload in progress has written its
original but not yet committed its row).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from articles import images
from articles.models import Image

logger = logging.getLogger(__name__)

FOLDERS = ("images", "renditions")


def walk(storage: Storage, folder: str) -> Iterator[str]:
    """Every file name under ``folder``, through the storage API (disk or object store)."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from walk(storage, f"{folder}/{directory}")


def named_by_rows() -> set[str]:
    """The names every image owns: recorded ones and every rendition name it could have."""
    names: set[str] = set()
    for file_name, renditions in Image.objects.values_list("file", "renditions").iterator():
        names.add(file_name)
        names.update(images.planned_names(file_name))
        for rendition in renditions:
            names.update((rendition["webp"], rendition["jpeg"]))
    return names


def sweep_orphans(
    *, older_than: timedelta, storage: Storage | None = None, now: datetime | None = None
) -> list[str]:
    """Delete the files no image names that are older than ``older_than``; return them."""
    storage = storage or default_storage
    cutoff = (now or timezone.now()) - older_than
    owned = named_by_rows()
    swept = []
    for folder in FOLDERS:
        for name in walk(storage, folder):
            if name in owned or storage.get_modified_time(name) > cutoff:
                continue
            storage.delete(name)
            swept.append(name)
            logger.warning("Deleted %s: no image names it", name)
    return swept
