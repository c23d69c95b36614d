"""The job queue: tasks are rows on the primary, enqueued with the change that asks for
them (a rolled-back change leaves no task), and run by `manage.py db_worker`."""

import pytest
from django.db import transaction
from django_tasks import task
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db(transaction=True)


@task()
def write_down(word):
    return word.upper()


def test_a_task_enqueued_in_a_rolled_back_change_is_never_run(settings, run_tasks):
    class Abandoned(Exception):
        pass

    def change_that_fails():
        with transaction.atomic():
            write_down.enqueue("χαμένη")
            raise Abandoned

    with pytest.raises(Abandoned):
        change_that_fails()
    kept = write_down.enqueue("κρατημένη")

    assert DBTaskResult.objects.count() == 1
    assert run_tasks() == 1
    kept.refresh()
    assert kept.return_value == "ΚΡΑΤΗΜΈΝΗ"


def test_the_worker_runs_each_task_once(run_tasks):
    results = [write_down.enqueue(f"λέξη {n}") for n in range(5)]

    assert run_tasks() == 5
    assert run_tasks() == 0
    for result in results:
        result.refresh()
        assert result.status.name == "SUCCESSFUL"
        assert len(result.worker_ids) == 1
