"""Media on an S3-compatible object store, for real: a private SeaweedFS (cluster/seaweed.py)
behind django-storages' S3Storage, as MEDIA_STORAGE=s3 configures it.

Uploads store the original and the row, the job worker writes the renditions; readers
fetch every file anonymously from its public URL; the picker, the protection of images in
use and deletion work on the store; a store that is stopped or out of room is a clear
page in the admin, with no row without its files and no file without its row."""

from __future__ import annotations

import io
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from storages.backends.s3 import S3Storage

from articles import images, services
from articles.models import Image
from cluster.seaweed import SeaweedS3
from tests.factories import ArticleFactory, sample_upload

pytestmark = pytest.mark.django_db(transaction=True)  # the job worker commits


def public_get(url: str) -> tuple[int, str, bytes]:
    """An anonymous reader's GET: no credentials, no signature."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def upload_in_admin(admin_client, size=(1100, 700), alt="Το λιμάνι"):
    return admin_client.post(
        reverse("admin:articles_image_add"), {"upload": sample_upload(size), "alt_text": alt}
    )


def keys_of(image: Image) -> list[str]:
    return sorted(f"media/{name}" for name in image.stored_names())


def test_an_upload_is_stored_on_the_store_and_readers_get_it_by_public_urls(
    media_on_seaweed, admin_client, client, run_tasks, monkeypatch
):
    store = media_on_seaweed
    before = store.stored_keys()
    response = upload_in_admin(admin_client)
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.renditions == []
    assert store.stored_keys() == sorted([*before, f"media/{image.file.name}"])
    article = ArticleFactory(hero_image=image)

    # Before the worker has run: the original at its stored size, never a broken image.
    page = client.get(article.get_absolute_url()).content.decode()
    original_url = store.public_url(f"media/{image.file.name}")
    assert image.file.url == original_url
    assert f'src="{original_url}"' in page
    assert public_get(original_url)[:2] == (200, "image/jpeg")

    assert run_tasks() == 1
    image.refresh_from_db()
    assert [r["width"] for r in image.renditions] == [320, 640, 1024]
    assert store.stored_keys() == sorted([*before, *keys_of(image)])

    # Pages print the URLs recorded on the row: not one request to the store.
    def no_store(*args, **kwargs):
        raise AssertionError("the object store was asked while rendering a page")

    for name in ("exists", "open", "size", "listdir", "_open", "_save", "delete"):
        monkeypatch.setattr(S3Storage, name, no_store)
    page = client.get(article.get_absolute_url()).content.decode()
    for rendition in image.renditions:
        for kind, content_type in (("webp", "image/webp"), ("jpeg", "image/jpeg")):
            url = store.public_url(f"media/{rendition[kind]}")
            assert url in page
            status, served_type, body = public_get(url)
            assert (status, served_type) == (200, content_type)
            assert len(body) > 100


def test_the_rendition_task_run_twice_leaves_the_same_files(media_on_seaweed, run_tasks):
    from articles import renditions

    store = media_on_seaweed
    image = services.create_image(source=sample_upload((700, 400)), alt_text="Δύο φορές")
    assert run_tasks() == 1
    image.refresh_from_db()
    files = store.stored_keys()
    recorded = image.renditions
    assert renditions.write_renditions(image_id=image.pk) == "already written"
    Image.objects.filter(pk=image.pk).update(renditions=[])  # as if the first run was lost
    assert renditions.write_renditions(image_id=image.pk) == "written"
    image.refresh_from_db()
    assert image.renditions == recorded
    assert store.stored_keys() == files  # the same names, replaced: no duplicate


def test_the_picker_uploads_to_the_store_and_lists_what_is_there(
    media_on_seaweed, admin_client, run_tasks
):
    url = reverse("admin:articles_image_picker")
    response = admin_client.post(
        f"{url}?CKEditorFuncNum=3",
        {"upload": sample_upload((700, 400)), "alt_text": "Σύνταγμα", "caption": "Η Βουλή"},
    )
    assert response.status_code == 302
    assert run_tasks() == 1
    image = Image.objects.get(caption="Η Βουλή")
    html = admin_client.get(url, {"CKEditorFuncNum": "3", "q": "Βουλή"}).content.decode()
    assert f'data-url="{image.fallback_url}"' in html  # what the body editor receives
    assert image.fallback_url.endswith("-640.jpg")
    assert public_get(image.fallback_url)[0] == 200


def test_an_image_in_use_keeps_its_files_and_a_deleted_one_takes_them_all(
    media_on_seaweed, admin_client, run_tasks
):
    store = media_on_seaweed
    used = services.create_image(source=sample_upload((700, 400)), alt_text="Σε χρήση")
    unused = services.create_image(source=sample_upload((700, 400)), alt_text="Αχρησιμοποίητη")
    assert run_tasks() == 2
    used.refresh_from_db()
    unused.refresh_from_db()
    ArticleFactory(hero_image=used)

    response = admin_client.post(
        reverse("admin:articles_image_delete", args=[used.pk]), {"post": "yes"}
    )
    assert response.status_code == 200  # the "cannot delete" page
    assert set(keys_of(used)) <= set(store.stored_keys())

    gone = keys_of(unused)
    response = admin_client.post(
        reverse("admin:articles_image_delete", args=[unused.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Image.objects.filter(pk=unused.pk).exists()
    assert not set(gone) & set(store.stored_keys())
    assert all(public_get(store.public_url(key))[0] == 404 for key in gone)
    assert set(keys_of(used)) <= set(store.stored_keys())


def test_a_stopped_store_is_a_clear_503_in_the_admin_and_nothing_is_half_stored(
    media_on_seaweed, admin_client, record_figure
):
    store = media_on_seaweed
    before = store.stored_keys()
    store.stop()
    try:
        response = upload_in_admin(admin_client)
    finally:
        seconds = store.restart()
    html = response.content.decode()
    assert response.status_code == 503
    assert "η αποθήκη πολυμέσων δεν απάντησε" in html
    assert not Image.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert store.stored_keys() == before  # no orphan once it is back
    record_figure("object store stopped: admin upload answer, store back after (s)",
                  f"{response.status_code}, {seconds:.1f}")  # fmt: skip


def test_a_store_out_of_room_refuses_the_upload_with_a_clear_page_and_keeps_nothing(
    settings, admin_client, tmp_path, record_figure
):
    from newsportal import media_store

    # SeaweedFS keeps this share of its disk free: asked for all of it, it has no room.
    with SeaweedS3(tmp_path / "full", extra_args=("-volume.minFreeSpace=99.99",)) as full:
        env = {**full.django_env(), "AWS_S3_READ_TIMEOUT": "3", "AWS_S3_MAX_ATTEMPTS": "1"}
        for name, value in media_store.object_store_settings(env).items():
            setattr(settings, name, value)
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": media_store.BACKEND}}
        response = upload_in_admin(admin_client)
        keys = full.stored_keys()
    html = response.content.decode()
    # SeaweedFS says nothing of room: it retries, then fails the write (503 here); a
    # store that names it (HTTP 507, MinIO's XMinioStorageFull...) gets the 507 page.
    assert response.status_code == 503
    assert "να μην έχει χώρο" in html
    assert not Image.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert keys == []
    record_figure("object store out of room: admin upload answer", response.status_code)


@pytest.mark.parametrize(
    ("status", "code", "full"),
    [(507, "XMinioStorageFull", True), (507, "Whatever", True), (400, "QuotaExceeded", True),
     (503, "SlowDown", False), (500, "InternalError", False)],
)  # fmt: skip
def test_a_store_that_says_it_is_full_gets_the_507_page(status, code, full):
    answer = {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
    error = images.ImageStorageError.from_error(ClientError(answer, "PutObject"))
    assert error.full is full
    assert error.object_store
    assert ("η αποθήκη πολυμέσων είναι γεμάτη" in str(error)) is full


def test_sweep_media_removes_files_left_on_the_store_without_a_row(media_on_seaweed, run_tasks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    store = media_on_seaweed
    image = services.create_image(source=sample_upload((700, 400)), alt_text="Κρατιέται")
    assert run_tasks() == 1
    image.refresh_from_db()
    lost = default_storage.save("images/2026/01/an-upload-whose-answer-was-lost.jpg",
                                ContentFile(b"stored, answer lost"))  # fmt: skip
    call_command("sweep_media", "--older-than", "0", stdout=io.StringIO())
    assert f"media/{lost}" not in store.stored_keys()
    assert set(keys_of(image)) <= set(store.stored_keys())
