"""`make backup` / `make restore`: a dump restored into a fresh database has the same rows."""

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

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


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows(
    tmp_path, fresh_database, monkeypatch, settings
):
    for i in range(5):
        ArticleFactory(headline=f"Άρθρο για αντίγραφο ασφαλείας {i}", tags=["ΕΚΤ", "ομόλογα"])
    with connection.cursor() as cursor:
        original = checksums(cursor)
    assert original["articles_article"][0] == 5

    dump = tmp_path / "portal.dump"
    call_command("backup_db", output=str(dump), stdout=None)
    assert dump.stat().st_size > 0
    assert not list(tmp_path.glob("*.partial"))

    name, params = fresh_database
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", name)
    call_command("restore_db", str(dump), interactive=False, stdout=None)

    restored_connection = psycopg2.connect(**{**params, "dbname": name})
    with restored_connection.cursor() as cursor:
        restored = checksums(cursor)
    restored_connection.close()
    assert restored == original


def test_restore_refuses_a_missing_file():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No such backup file"):
        call_command("restore_db", "/nonexistent/backup.dump", interactive=False)
