"""`make backup` / `make restore`: a set restored into a fresh database and an empty media
storage has the same rows and the same files."""

import json

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from newsportal.backups import dump_database, stored_names
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHECKSUMS = {
    "articles_article": "SELECT count(*), md5(string_agg(md5(t::text), '' ORDER BY id)) "
    "FROM articles_article t",
    "articles_taggedarticle": "SELECT count(*), md5(string_agg(md5(t::text), '' ORDER BY id)) "
    "FROM articles_taggedarticle t",
}


def checksums(cursor) -> dict:
    result = {}
    for table, sql in CHECKSUMS.items():
        cursor.execute(sql)
        result[table] = cursor.fetchone()
    return result


@pytest.fixture
def fresh_database():
    params = connection.get_connection_params()
    admin = psycopg2.connect(**{**params, "dbname": "postgres"})
    admin.autocommit = True
    name = f"{connection.settings_dict['NAME']}_restore"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name, params
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


MEDIA_FILES = {
    "images/2026/12/limani-peiraia.jpg": b"\xff\xd8\xff\xe0 photo of the port " * 50,
    "images/2026/12/renditions/limani-peiraia-640.webp": b"RIFF webp rendition " * 20,
    "images/2026/12/βουλή.png": b"\x89PNG a picture with a Greek name",
}


@pytest.fixture
def media(tmp_path, settings):
    """The media storage on a folder of this test's own, with a few files in it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    storage = storages["default"]
    for name, content in MEDIA_FILES.items():
        assert storage.save(name, ContentFile(content)) == name
    return storage


def stored_files(storage) -> dict[str, bytes]:
    found = {}
    for name in stored_names(storage):
        with storage.open(name, "rb") as stored:
            found[name] = stored.read()
    return found


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows(
    tmp_path, fresh_database, media, monkeypatch, settings
):
    for i in range(5):
        ArticleFactory(headline=f"Άρθρο για αντίγραφο ασφαλείας {i}", tags=["ΕΚΤ", "ομόλογα"])
    with connection.cursor() as cursor:
        original = checksums(cursor)
    assert original["articles_article"][0] == 5

    backup = tmp_path / "portal-set"
    call_command("backup_db", output=str(backup), stdout=None, stderr=None)
    assert (backup / "database.dump").stat().st_size > 0
    assert not list(tmp_path.glob("*.partial"))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert sorted(f["name"] for f in manifest["media"]["files"]) == sorted(MEDIA_FILES)

    # An empty database and an empty media storage.
    name, params = fresh_database
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", name)
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    assert stored_files(storages["default"]) == {}
    call_command("restore_db", str(backup), interactive=False, stdout=None)

    restored_connection = psycopg2.connect(**{**params, "dbname": name})
    with restored_connection.cursor() as cursor:
        restored = checksums(cursor)
    restored_connection.close()
    assert restored == original
    assert stored_files(storages["default"]) == MEDIA_FILES


def test_restore_refuses_a_set_whose_file_was_changed(
    tmp_path, fresh_database, media, monkeypatch, settings
):
    ArticleFactory(headline="Άρθρο που δεν πρέπει να επανέλθει")
    backup = tmp_path / "portal-set"
    call_command("backup_db", output=str(backup), stdout=None, stderr=None)
    changed = backup / "media" / "images/2026/12/βουλή.png"
    changed.write_bytes(b"something else")

    name, params = fresh_database
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", name)
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore_db", str(backup), interactive=False, stdout=None)
    # Nothing was changed: the database is still empty, and so is the storage.
    restored_connection = psycopg2.connect(**{**params, "dbname": name})
    with restored_connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone() == (0,)
    restored_connection.close()
    assert stored_files(storages["default"]) == {}


def test_a_bare_dump_of_an_older_backup_still_restores(
    tmp_path, fresh_database, monkeypatch, settings
):
    ArticleFactory(headline="Άρθρο από παλιό αντίγραφο")
    with connection.cursor() as cursor:
        original = checksums(cursor)
    dump = tmp_path / "portal.dump"
    dump_database(dump)

    name, params = fresh_database
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", name)
    call_command("restore_db", str(dump), interactive=False, stdout=None)
    restored_connection = psycopg2.connect(**{**params, "dbname": name})
    with restored_connection.cursor() as cursor:
        assert checksums(cursor) == original
    restored_connection.close()


def test_restore_refuses_a_missing_file():
    with pytest.raises(CommandError, match="No such backup file"):
        call_command("restore_db", "/nonexistent/backup.dump", interactive=False)


def test_a_backup_of_media_on_the_object_store_restores_into_an_emptied_store(
    tmp_path, fresh_database, media_on_seaweed, monkeypatch, settings
):
    """The same set, with media on SeaweedFS (S3) through the storage API."""
    storage = storages["default"]
    for name, content in MEDIA_FILES.items():
        assert storage.save(name, ContentFile(content)) == name
    ArticleFactory(headline="Άρθρο με εικόνες στο αποθετήριο αντικειμένων")
    with connection.cursor() as cursor:
        original = checksums(cursor)
    # The session's bucket may hold other tests' files too: all of them are in the set.
    before = stored_files(storage)
    assert MEDIA_FILES.items() <= before.items()

    backup = tmp_path / "portal-set"
    call_command("backup_db", output=str(backup), stdout=None, stderr=None)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert "S3" in manifest["media"]["storage"]

    # An empty database and an emptied bucket.
    for name in list(stored_names(storage)):
        storage.delete(name)
    assert stored_files(storage) == {}
    name, params = fresh_database
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", name)
    call_command("restore_db", str(backup), interactive=False, stdout=None)

    restored_connection = psycopg2.connect(**{**params, "dbname": name})
    with restored_connection.cursor() as cursor:
        assert checksums(cursor) == original
    restored_connection.close()
    assert stored_files(storage) == before
