"""Real worker processes (`manage.py run_worker`) on the test database: a worker killed
mid-task (SIGKILL) leaves it RUNNING; the reaper puts it back once and it completes once;
a task abandoned twice is given up; two workers share a queue with no task run twice."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import services
from articles.models import Image
from newsportal import jobs
from tests.factories import sample_upload
from tests.newsportal.job_tasks import hold_while_told
from tests.workers import start_worker, stop, wait_for

pytestmark = pytest.mark.django_db(transaction=True)  # the workers see committed rows


def test_a_task_abandoned_once_is_queued_again_and_twice_is_given_up():
    long_ago = timezone.now() - timedelta(hours=1)
    once = hold_while_told.enqueue("/nonexistent").db_result
    twice = hold_while_told.enqueue("/nonexistent").db_result
    recent = hold_while_told.enqueue("/nonexistent").db_result
    waiting = hold_while_told.enqueue("/nonexistent").db_result
    DBTaskResult.objects.filter(pk=once.pk).update(
        status="RUNNING", started_at=long_ago, worker_ids=["host-a-1"]
    )
    DBTaskResult.objects.filter(pk=twice.pk).update(
        status="RUNNING", started_at=long_ago, worker_ids=["host-a-1", "host-b-7"]
    )
    DBTaskResult.objects.filter(pk=recent.pk).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["host-a-2"]
    )

    reaped = jobs.reap_abandoned(abandoned_after=600)

    assert (reaped.retried, reaped.failed) == (1, 1)
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[once.pk] == "READY"
    assert statuses[twice.pk] == "FAILED"
    assert statuses[recent.pk] == "RUNNING"  # maybe still working: not touched
    assert statuses[waiting.pk] == "READY"
    given_up = DBTaskResult.objects.get(pk=twice.pk)
    assert given_up.exception_class_path == "newsportal.jobs.AbandonedTask"
    assert "host-b-7" in given_up.traceback
    assert jobs.reap_abandoned(abandoned_after=600).retried == 0  # exactly once


def test_a_worker_killed_mid_task_leaves_it_to_the_next_worker_which_completes_it_once(
    tmp_path, record_figure
):
    (tmp_path / "hold").touch()
    result = hold_while_told.enqueue(str(tmp_path))
    log = tmp_path / "workers.log"
    first = start_worker(log=log)
    try:
        wait_for(lambda: (tmp_path / "started").exists(), 60, "the first worker started it")
        os.killpg(first.pid, signal.SIGKILL)  # no clean-up of any kind
        first.wait(10)
    finally:
        stop(first)
    (tmp_path / "hold").unlink()
    result.refresh()
    assert result.status.name == "RUNNING"  # what the killed worker left

    second = start_worker(log=log)
    try:
        seconds = wait_for(
            lambda: DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL",
            60,
            "the second worker completed it",
        )
    finally:
        stop(second)
    result.refresh()
    assert len(result.worker_ids) == 2  # claimed by each worker once
    assert (tmp_path / "started").read_text().count("started") == 2
    assert (tmp_path / "done").read_text().count("done") == 1
    record_figure("killed worker: task completed by the next one after (s)", f"{seconds:.1f}")


def test_two_workers_split_the_rendition_tasks_and_none_runs_twice(
    settings, tmp_path, record_figure
):
    count = 40
    log = tmp_path / "workers.log"
    media = {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    workers = [start_worker(env=media, log=log) for _ in range(2)]
    try:
        # Both polling before the first upload: the split is theirs, not their start-up's.
        wait_for(lambda: log.read_text().count("Starting worker") == 2, 60, "both workers up")
        started = time.monotonic()
        for n in range(count):
            services.create_image(source=sample_upload((700, 400)), alt_text=f"Εικόνα {n}")
        wait_for(
            lambda: DBTaskResult.objects.finished().count() == count, 180, "all tasks finished"
        )
        elapsed = time.monotonic() - started
    finally:
        for worker in workers:
            stop(worker)
    results = list(DBTaskResult.objects.all())
    assert len(results) == count
    assert {r.status for r in results} == {"SUCCESSFUL"}, log.read_text()[-3000:]
    assert all(len(r.worker_ids) == 1 for r in results)  # none claimed twice
    per_worker = {}
    for r in results:
        per_worker[r.worker_ids[0]] = per_worker.get(r.worker_ids[0], 0) + 1
    assert len(per_worker) == 2, per_worker  # both took a share
    files = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert len(files) == count * (1 + 2 * 2)  # original + WebP and JPEG at 320 and 640
    for image in Image.objects.all():
        assert [r["width"] for r in image.renditions] == [320, 640]
    record_figure(
        "two workers, 40 rendition tasks: split, run twice, seconds",
        f"{sorted(per_worker.values())}, 0, {elapsed:.1f}",
    )
