"""Uploads for the image library: validation, re-encoding and responsive renditions.

Nothing an editor uploads is stored as sent. The checks come in the order that keeps a
hostile file cheapest to refuse:

1. size in bytes, before Pillow reads anything;
2. the header only (``Image.open`` is lazy): the decoded format must be JPEG, PNG or WebP
   whatever the file's name says, and width × height at most IMAGE_MAX_PIXELS, so an
   18 KB PNG that declares 151 megapixels is refused before it takes gigabytes to decode
   (Pillow's own DecompressionBomb guard is armed too, as a second line);
3. a full decode, which refuses truncated or corrupt files.

The picture is then turned upright (EXIF orientation), converted to sRGB, and re-encoded
from its pixels alone: EXIF (GPS position, camera serial), ICC, XMP and comments are
gone, and so is anything appended after the image data (a script, a zip archive). It
is stored under a generated name; its renditions at IMAGE_RENDITION_WIDTHS in WebP and
JPEG, never wider than the original, are made from the stored original by a background
task (articles/renditions.py) under names derived from the original's. If the disk or
the object store fills up or stops answering while writing, every file written so far
is removed and `ImageStorageError` says so (507 when full, 503 otherwise).
"""

from __future__ import annotations

import errno
import io
import logging
import uuid
import warnings
from dataclasses import dataclass, field

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Pillow names of the formats we accept, and the extension each is stored with.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


# What a storage raises when the disk or the object store fails: OSError from the disk,
# botocore's errors (no answer, a timeout, an error status) and boto3's failed transfers.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError, Boto3Error)
# Error codes by which S3-compatible stores say they are out of room (MinIO, Ceph, quotas).
STORE_FULL_CODES = {"XMinioStorageFull", "InsufficientStorage", "QuotaExceeded", "StorageFull"}


class ImageStorageError(Exception):
    """Writing the files failed (a full disk, an object store that is down or full);
    nothing was left behind. ``full`` decides the admin's answer: 507, else 503."""

    def __init__(self, *, full: bool, object_store: bool = False):
        self.full = self.disk_full = full
        self.object_store = object_store
        if full and object_store:
            message = _(
                "The image was not saved: the media store is full. Nothing was stored; "
                "tell the technical team."
            )
        elif full:
            message = _(
                "The image was not saved: the server’s disk is full. Nothing was stored; "
                "try again later or tell the technical team."
            )
        elif object_store:
            message = _(
                "The image was not saved: the media store did not answer or refused the file "
                "(it may be down or out of room). Nothing was stored; try again in a few "
                "minutes or tell the technical team."
            )
        else:
            message = _(
                "The image was not saved: the server could not write the file. Nothing was "
                "stored; try again later or tell the technical team."
            )
        super().__init__(message)

    @classmethod
    def from_error(cls, error: BaseException) -> ImageStorageError:
        if isinstance(error, OSError) and not isinstance(error, BotoCoreError):
            return cls(full=error.errno in {errno.ENOSPC, errno.EDQUOT})
        response = getattr(error, "response", None) or {}
        full = (
            response.get("Error", {}).get("Code") in STORE_FULL_CODES
            or response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 507
        )
        return cls(full=full, object_store=True)


@dataclass
class ProcessedImage:
    """A validated upload, re-encoded in memory and ready to be written."""

    extension: str
    content: bytes
    width: int
    height: int
    # (width, height, webp bytes, jpeg bytes), narrowest first.
    renditions: list[tuple[int, int, bytes, bytes]] = field(default_factory=list)


def refuse(message, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def open_checked(upload) -> PILImage.Image:
    """Checks 1-3 of the module docstring; returns the decoded image or raises ValidationError."""
    max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size == 0:
        raise refuse(_("The file is empty."), "empty")
    if size > max_bytes:
        raise refuse(
            _("The file is %(size)s MB; the largest image accepted is %(max)s MB."),
            "too_large",
            size=f"{size / 1_048_576:.1f}",
            max=f"{max_bytes / 1_048_576:.0f}",
        )
    upload.seek(0)
    max_pixels = settings.IMAGE_MAX_PIXELS
    # The same limit for every use of Pillow in the process (set at start-up as well).
    PILImage.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        # Pillow warns past MAX_IMAGE_PIXELS (the size check below refuses those, naming
        # the size) and raises DecompressionBombError past twice that.
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        try:
            # Only these decoders are even tried: other formats are never parsed.
            image = PILImage.open(upload, formats=list(ALLOWED_FORMATS))
        except PILImage.DecompressionBombError:
            raise _too_many_pixels(None, max_pixels) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise refuse(
                _("This file is not a JPEG, PNG or WebP image. Export it as JPEG and try again."),
                "format",
            ) from None
        if image.format not in ALLOWED_FORMATS:
            raise refuse(_("Only JPEG, PNG and WebP images are accepted."), "format")
        width, height = image.size
        if width < 1 or height < 1 or width * height > max_pixels:
            raise _too_many_pixels(image.size, max_pixels)
        try:
            if image.format == "JPEG":
                # Decode big JPEGs at a reduced scale straight away: far less memory.
                side = settings.IMAGE_MASTER_MAX_SIDE
                image.draft("RGB", (side, side))
            image.load()
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise _too_many_pixels(image.size, max_pixels) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise refuse(
                _("The image is damaged or incomplete; export it again and retry."),
                "damaged",
            ) from None
    return image


def _too_many_pixels(size, max_pixels) -> ValidationError:
    limit = f"{max_pixels / 1_000_000:g}"
    if size is None:
        return refuse(
            _("The image declares far more pixels than the limit of %(max)s megapixels."),
            "too_many_pixels",
            max=limit,
        )
    return refuse(
        _(
            "The image is too large (%(width)s × %(height)s pixels); "
            "the limit is %(max)s megapixels."
        ),
        "too_many_pixels",
        width=size[0],
        height=size[1],
        max=limit,
    )


def process_upload(upload, *, renditions: bool = True) -> ProcessedImage:
    """Validate ``upload`` and re-encode it in memory (nothing written), with its
    renditions unless ``renditions`` is false (an upload request leaves them to a task)."""
    image = open_checked(upload)
    source_format = image.format
    icc_profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    image = _to_srgb(image, icc_profile)
    side = settings.IMAGE_MASTER_MAX_SIDE
    if max(image.size) > side:
        image.thumbnail((side, side), PILImage.Resampling.LANCZOS)
    extension = ALLOWED_FORMATS[source_format]
    content = _encode(image, source_format)
    processed = ProcessedImage(
        extension=extension, content=content, width=image.width, height=image.height
    )
    if renditions:
        processed.renditions = _renditions_of(image)
    return processed


def render_renditions(original: bytes) -> list[tuple[int, int, bytes, bytes]]:
    """The renditions of a stored original (already validated and re-encoded by us)."""
    with PILImage.open(io.BytesIO(original), formats=list(ALLOWED_FORMATS)) as image:
        image.load()
        mode = "RGBA" if image.mode in {"RGBA", "LA", "PA"} else "RGB"
        return _renditions_of(image if image.mode == mode else image.convert(mode))


def _renditions_of(image: PILImage.Image) -> list[tuple[int, int, bytes, bytes]]:
    """(width, height, webp bytes, jpeg bytes) at each rendition width, narrowest first."""
    made = []
    for width in rendition_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        resized = (
            image
            if width == image.width
            else image.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        )
        made.append((width, height, _encode(resized, "WEBP"), _encode(resized, "JPEG")))
    return made


def rendition_widths(original_width: int) -> list[int]:
    """The configured widths the original can fill; never upscaled, at least one."""
    widths = [w for w in sorted(settings.IMAGE_RENDITION_WIDTHS) if w <= original_width]
    return widths or [original_width]


def _to_srgb(image: PILImage.Image, icc_profile: bytes | None) -> PILImage.Image:
    """Pixels in RGB(A) sRGB: colours kept even though the ICC profile is not stored."""
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    if icc_profile and image.mode in {"RGB", "RGBA", "CMYK"}:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            target = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            logger.info("Ignoring an unusable ICC profile in an upload.")
    if image.mode != mode:
        image = image.convert(mode)
    # A fresh image from the pixels alone: no EXIF, ICC, XMP, text chunks or comments.
    clean = PILImage.new(mode, image.size)
    clean.paste(image)
    return clean


def _encode(image: PILImage.Image, target: str) -> bytes:
    buffer = io.BytesIO()
    if target == "JPEG":
        if image.mode == "RGBA":
            flat = PILImage.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image.save(
            buffer,
            "JPEG",
            quality=settings.IMAGE_JPEG_QUALITY,
            optimize=True,
            progressive=True,
        )
    elif target == "WEBP":
        image.save(buffer, "WEBP", quality=settings.IMAGE_WEBP_QUALITY, method=4)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@dataclass
class StoredFiles:
    name: str
    renditions: list[dict]
    names: list[str]


def rendition_names(original: str, width: int) -> tuple[str, str]:
    """WebP and JPEG names of a rendition, derived from the original's name
    (images/2026/12/<stem>.jpg -> renditions/2026/12/<stem>-640.webp and .jpg): writing
    them again replaces the same files, so a task run twice leaves no duplicate."""
    folder, _, filename = original.rpartition("/")
    stem = filename.rsplit(".", 1)[0]
    if folder == "images" or folder.startswith("images/"):
        folder = "renditions" + folder[len("images") :]
    else:
        folder = f"renditions/{folder}" if folder else "renditions"
    return f"{folder}/{stem}-{width}.webp", f"{folder}/{stem}-{width}.jpg"


def planned_names(original: str) -> list[str]:
    """Every rendition name the original could ever have (any configured width): what a
    deletion removes besides the recorded ones, so a half-written rendition is not left."""
    names = []
    for width in sorted(settings.IMAGE_RENDITION_WIDTHS):
        names += rendition_names(original, width)
    return names


def store(processed: ProcessedImage, storage: Storage | None = None) -> StoredFiles:
    """Write the original (and renditions, if made) under a generated name; all or nothing."""
    storage = storage or default_storage
    stem = uuid.uuid4().hex
    month = timezone.now().strftime("%Y/%m")
    written: list[str] = []
    try:
        name = _write(storage, f"images/{month}/{stem}.{processed.extension}", processed.content,
                      written)  # fmt: skip
        renditions = _write_renditions(storage, name, processed.renditions, written)
    except STORAGE_ERRORS as error:
        delete_files(written, storage)
        logger.error("Storing an uploaded image failed, nothing kept: %s", error)
        raise ImageStorageError.from_error(error) from error
    return StoredFiles(name=name, renditions=renditions, names=written)


def store_renditions(
    original: str, renditions: list[tuple[int, int, bytes, bytes]], storage: Storage | None = None
) -> list[dict]:
    """Write the renditions of ``original`` under their derived names, replacing files of
    those names; on a failure, what this call wrote is removed and ImageStorageError says why."""
    storage = storage or default_storage
    written: list[str] = []
    try:
        return _write_renditions(storage, original, renditions, written, replace=True)
    except STORAGE_ERRORS as error:
        delete_files(written, storage)
        logger.error("Writing renditions of %s failed, none kept: %s", original, error)
        raise ImageStorageError.from_error(error) from error


def _write_renditions(storage, original, renditions, written, *, replace=False) -> list[dict]:
    records = []
    for width, height, webp, jpeg in renditions:
        webp_name, jpeg_name = rendition_names(original, width)
        records.append(
            {
                "width": width,
                "height": height,
                "webp": _write(storage, webp_name, webp, written, replace=replace),
                "jpeg": _write(storage, jpeg_name, jpeg, written, replace=replace),
            }
        )
    return records


def _write(storage, name: str, content: bytes, written: list[str], *, replace=False) -> str:
    if replace and storage.exists(name):
        storage.delete(name)  # a file a killed run left (maybe half written) is replaced
    written.append(name)  # before writing: a partial file is removed as well
    saved = storage.save(name, ContentFile(content))
    written[-1] = saved
    return saved


def delete_files(names: list[str], storage: Storage | None = None) -> None:
    storage = storage or default_storage
    for name in names:
        try:
            storage.delete(name)
        except STORAGE_ERRORS:
            logger.warning("Could not remove %s", name)
