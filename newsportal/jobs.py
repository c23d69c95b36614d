"""The job queue's reaper: tasks that a killed worker left RUNNING.

django-tasks-db claims a task by marking it RUNNING (and appending the worker's id to
``worker_ids``) in a short transaction, then runs it. A worker killed meanwhile (SIGKILL,
the machine lost, out of memory) leaves the row RUNNING for ever: nobody else picks it
up. The reaper puts such a task, RUNNING for longer than TASKS_ABANDONED_AFTER seconds,
back to READY once; a task abandoned a second time (two claims) is marked FAILED, so a
task that kills its worker cannot take the workers down one after the other.

`manage.py run_worker` (the worker of the production profile and of `make cluster`) runs
it every TASKS_REAP_EVERY seconds beside django-tasks-db's worker loop; any number of
workers on any number of hosts may do so at once (rows are locked, skipped when taken).
Our tasks are written to be run twice safely (articles/renditions.py): the timeout only
has to be longer than a task normally takes, not a guarantee that none is still running.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Claims after which an abandoned task is given up: the first run and one retry.
MAX_CLAIMS = 2


class AbandonedTask(Exception):
    """Recorded as the error of a task given up after its workers died twice."""


@dataclass
class Reaped:
    retried: int = 0
    failed: int = 0


def reap_abandoned(*, abandoned_after: float | None = None, now=None) -> Reaped:
    """Put back (or give up) the tasks RUNNING for longer than ``abandoned_after`` seconds."""
    seconds = settings.TASKS_ABANDONED_AFTER if abandoned_after is None else abandoned_after
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=seconds)
    reaped = Reaped()
    with transaction.atomic(using=DBTaskResult.objects.db):
        stale = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
            .order_by()
        )
        for result in stale:
            if len(result.worker_ids) < MAX_CLAIMS:
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
                reaped.retried += 1
                logger.warning(
                    "Task %s (%s) abandoned by worker %s: queued again",
                    result.id, result.task_path, result.worker_ids[-1:],
                )  # fmt: skip
            else:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = f"{__name__}.{AbandonedTask.__qualname__}"
                result.traceback = (
                    f"AbandonedTask: RUNNING for more than {seconds:g} s after each of "
                    f"{len(result.worker_ids)} claims ({', '.join(result.worker_ids)}); "
                    "its workers stopped while running it. Given up."
                )
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                reaped.failed += 1
                logger.error(
                    "Task %s (%s) abandoned %d times: marked failed",
                    result.id, result.task_path, len(result.worker_ids),
                )  # fmt: skip
    return reaped
