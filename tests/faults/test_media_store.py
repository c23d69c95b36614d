"""The object store (SeaweedFS, cluster/seaweed.py) failing under the portal.

- Stopped during an upload: the editor gets the clear 503 page, and nothing is half
  stored: no row, no task, and no orphan file once the store is back.
- Stopped during page views: pages answer 200, because they print the URLs recorded on
  the rows and never ask the store.
- A job worker SIGKILLed in the middle of a rendition (the store hung under it): the next
  worker's reaper queues the task again and the renditions are written, once.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles import services
from articles.models import Image
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, sample_upload
from tests.workers import start_worker, stop, wait_for

pytestmark = pytest.mark.django_db(transaction=True)  # workers and threads see commits


def test_the_store_stopped_during_an_upload_leaves_nothing_half_stored(
    media_on_seaweed, admin_client, record_figure
):
    store = media_on_seaweed
    before = store.stored_keys()
    answers = []

    def upload():
        answers.append(
            admin_client.post(
                reverse("admin:articles_image_add"),
                {"upload": sample_upload((1600, 1000)), "alt_text": "Κομμένη αποστολή"},
            )
        )

    store.freeze()  # the upload reaches the store and waits there...
    uploading = threading.Thread(target=upload)
    started = time.monotonic()
    uploading.start()
    time.sleep(1.0)
    store.stop()  # ...when the store goes away
    uploading.join(30)
    answered = time.monotonic() - started
    back = store.restart()

    (answer,) = answers
    assert answer.status_code == 503
    assert "η αποθήκη πολυμέσων δεν απάντησε" in answer.content.decode()
    assert not Image.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert store.stored_keys() == before  # no orphan file once it is back
    record_figure(
        "store stopped mid-upload: answer, seconds to answer, store back after (s)",
        f"{answer.status_code}, {answered:.1f}, {back:.1f}",
    )


def test_pages_answer_while_the_store_is_stopped(media_on_seaweed, client, record_figure):
    store = media_on_seaweed
    section = CategoryFactory()
    articles = [
        ArticleFactory(category=section, hero_image=ImageFactory(size=(700, 400))) for _ in range(3)
    ]
    paths = ["/", section.get_absolute_url(), *(a.get_absolute_url() for a in articles)]
    store.stop()
    try:
        statuses = []
        for _ in range(5):
            for path in paths:
                response = client.get(path)
                statuses.append(response.status_code)
        page = client.get(articles[0].get_absolute_url()).content.decode()
    finally:
        store.restart()
    assert set(statuses) == {200}
    hero = articles[0].hero_image
    assert hero.renditions[0]["webp"] in page
    assert store.endpoint in page  # the store's public URLs, as recorded
    record_figure("store stopped: reader pages, answers", f"{len(statuses)}, all 200")


def test_a_worker_killed_mid_rendition_leaves_it_to_the_next_one_which_writes_it_once(
    media_on_seaweed, tmp_path, record_figure
):
    store = media_on_seaweed
    image = services.create_image(source=sample_upload((1200, 800)), alt_text="Μισή απόδοση")
    (task,) = DBTaskResult.objects.all()
    env = {**store.django_env(), "AWS_S3_READ_TIMEOUT": "120", "AWS_S3_MAX_ATTEMPTS": "1"}
    log = tmp_path / "workers.log"

    store.freeze()  # the worker will be stuck reading the original
    first = start_worker(env=env, log=log)
    try:
        wait_for(lambda: DBTaskResult.objects.get(pk=task.pk).status == "RUNNING", 60, "claimed")
        time.sleep(0.5)  # inside the rendition, waiting for the store
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        stop(first)
        store.thaw()
    assert DBTaskResult.objects.get(pk=task.pk).status == "RUNNING"
    image.refresh_from_db()
    assert image.renditions == []

    second = start_worker(env=env, log=log)
    try:
        seconds = wait_for(
            lambda: DBTaskResult.objects.get(pk=task.pk).status == "SUCCESSFUL",
            90,
            "written by the second worker",
        )
    finally:
        stop(second)
    task.refresh_from_db()
    assert len(task.worker_ids) == 2, log.read_text()[-3000:]
    assert DBTaskResult.objects.count() == 1  # no other task appeared
    image.refresh_from_db()
    assert [r["width"] for r in image.renditions] == [320, 640, 1024]
    stem = image.file.name.rsplit("/", 1)[1].split(".")[0]
    mine = sorted(key for key in store.stored_keys() if stem in key)
    # Each file once: the original and two per width, the names recorded on the row.
    assert mine == sorted(f"media/{name}" for name in image.stored_names())
    record_figure("worker killed mid-rendition: written by the next worker after (s)",
                  f"{seconds:.1f}")  # fmt: skip
