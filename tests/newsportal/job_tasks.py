"""Tasks for the worker tests, importable by a real worker process (`run_worker`)."""

import time
from pathlib import Path

from django_tasks import task


@task()
def hold_while_told(folder: str) -> str:
    """Notes each start in ``folder``/started, stays while ``folder``/hold exists (until
    the test kills its worker; 60 s at most), then notes its end in ``folder``/done."""
    folder_path = Path(folder)
    with open(folder_path / "started", "a") as started:
        started.write("started\n")
    deadline = time.monotonic() + 60
    while (folder_path / "hold").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with open(folder_path / "done", "a") as done:
        done.write("done\n")
    return "done"
