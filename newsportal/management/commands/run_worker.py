"""`manage.py run_worker`: django-tasks-db's `db_worker`, plus the reaper.

The same options as db_worker (queues, interval, --batch, --max-tasks...). Beside the
worker loop, a thread of its own puts back the tasks that a killed worker left RUNNING
(newsportal/jobs.py) every --reap-every seconds, also while the loop runs a long task.
Run one or more per host; the worker id says which host and process claimed a task.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django_tasks_db.management.commands import db_worker

from newsportal import jobs

logger = logging.getLogger("newsportal.jobs")


class Reaper(threading.Thread):
    def __init__(self, every: float):
        super().__init__(name="task-reaper", daemon=True)  # ends with the worker
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            reap_once()


def reap_once() -> None:
    try:
        jobs.reap_abandoned()
    except DatabaseError as error:  # the database is away: the next round tries again
        logger.warning("Reaping abandoned tasks failed: %s", error)
    finally:
        connections.close_all()  # this thread's own connections


class Command(db_worker.Command):
    help = "Run a job worker (db_worker) that also re-queues tasks abandoned by killed workers."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--reap-every",
            type=float,
            default=settings.TASKS_REAP_EVERY,
            help="Seconds between two looks for abandoned tasks (default: %(default)s).",
        )
        # Which host and process claimed a task, in the queue's admin (unique at any time).
        parser.set_defaults(worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64])

    def handle(self, *args, reap_every: float, **options):
        reap_once()  # at start: what a worker killed before this one left behind
        reaper = Reaper(reap_every)
        if not options.get("batch"):
            reaper.start()
        try:
            super().handle(*args, **options)
        finally:
            reaper.stopped.set()
