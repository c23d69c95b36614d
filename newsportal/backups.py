"""Backup sets: the database and the media together (`make backup`, `make restore`).

A set is a folder:

    newsportal-20261205-101500/
        manifest.json     what is in the set, with the size and SHA-256 of every file
        database.dump     pg_dump, custom format (pg_restore reads it)
        media/...         every file of the media storage, under its storage name

Media are read and written through Django's storage API (STORAGES["default"]), so the
same commands back up the local disk or an S3 object store, and restore into either.
The database is dumped first and the media copied after it: a file uploaded in between
is one more file in the set, never a row without its file.
A set is written under a temporary name and renamed when complete, and a restore checks
every checksum before it changes anything.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

from newsportal.pg_tools import connection_args, program

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_storage() -> Storage:
    return storages["default"]


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in ``storage``, walking its folders (listdir works on disk and S3)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a media folder on disk that nothing was ever uploaded to
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


def dump_database(target: Path) -> None:
    conn_args, env = connection_args()
    command = [
        program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
        f"--file={target}", *conn_args, settings.DATABASES["default"]["NAME"],
    ]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def restore_database(dump: Path) -> None:
    name = settings.DATABASES["default"]["NAME"]
    conn_args, env = connection_args()
    command = [
        program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
        "--single-transaction", "--exit-on-error", f"--dbname={name}", *conn_args, str(dump),
    ]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def write_set(target: Path) -> dict:
    """Write a backup set into the folder ``target`` (which must not exist); its manifest."""
    if target.exists():
        raise BackupError(f"{target} exists already.")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / MEDIA).mkdir(parents=True)
    try:
        dump_database(partial / DUMP)
        storage = media_storage()
        files = []
        for name in stored_names(storage):
            copy = partial / MEDIA / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as source, copy.open("wb") as output:
                shutil.copyfileobj(source, output, CHUNK)
            files.append({"name": name, "bytes": copy.stat().st_size, "sha256": sha256_of(copy)})
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {
                "name": settings.DATABASES["default"]["NAME"],
                "file": DUMP,
                "bytes": (partial / DUMP).stat().st_size,
                "sha256": sha256_of(partial / DUMP),
            },
            "media": {
                "storage": type(storage).__module__ + "." + type(storage).__name__,
                "files": files,
            },
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    # Renamed only when complete, so a half-written set never looks like a backup.
    partial.rename(target)
    return manifest


def read_set(folder: Path) -> dict:
    """The set's manifest, once every file it names is found with its size and checksum."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} is not a backup set ({MANIFEST}: {error}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: unknown backup format {manifest.get('format')!r}.")
    expected = [(manifest["database"]["file"], manifest["database"]["sha256"])]
    expected += [(f"{MEDIA}/{f['name']}", f["sha256"]) for f in manifest["media"]["files"]]
    for relative, checksum in expected:
        path = folder / relative
        if not path.resolve().is_relative_to(folder.resolve()):
            raise BackupError(f"{folder}: the manifest names a file outside the set: {relative}")
        if not path.is_file():
            raise BackupError(f"{folder}: {relative} is missing.")
        if sha256_of(path) != checksum:
            raise BackupError(f"{folder}: {relative} does not match its checksum.")
    return manifest


def restore_media(folder: Path, manifest: dict) -> int:
    """Put every file of the set back into the media storage under its own name (a file
    of that name is replaced); files the set does not name are left alone."""
    storage = media_storage()
    for entry in manifest["media"]["files"]:
        name = entry["name"]
        if storage.exists(name):
            storage.delete(name)
        with (folder / MEDIA / name).open("rb") as source:
            saved = storage.save(name, File(source, name=name))
        if saved != name:
            raise BackupError(f"the storage kept {name} as {saved}.")
    return len(manifest["media"]["files"])
