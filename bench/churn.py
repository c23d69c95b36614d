"""The churn rows of `make bench`: a page measured while the newsroom writes, against the
same page without it, in alternating windows.

The machine's speed drifts by 15-25% over a run and by several points within a minute,
as much as churn costs. So a page is not measured once quiet and then once under churn:
one newsroom (bench/newsroom.py) is started held, and the page is measured in WINDOWS,
quiet and churn in the order ABBA twice, the newsroom writing during the churn windows
only. Whatever drift there is weighs on both alike, and each figure is the sum of its
windows' requests over their time.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import load
from bench.load import Result

ROOT = Path(__file__).resolve().parent.parent
# The two kinds of window, as load.alternating numbers them, and their names (tags).
QUIET, CHURN = 0, 1
KIND_NAMES = ("quiet", "churn")
WINDOWS = load.ABBA * 2
# Before a churn window, the newsroom writes this long (the workers have seen its changes);
# before a quiet one, what it had in flight has ended and the workers have caught up.
SETTLE_SECONDS = 0.5


def window_seconds(seconds: int) -> int:
    """Each window's length for a page measured ``seconds`` under churn."""
    return load.window_seconds(seconds, WINDOWS.count(CHURN))


class Newsroom:
    """bench/newsroom.py's churn for one article, started held; ``write()`` and ``hold()``
    switch it; its figures (``figures``) once it has stopped."""

    def __init__(self, env: dict, article_id: int, budget: float):
        self.command = [sys.executable, "-m", "bench.newsroom", "churn", str(budget),
                        str(article_id), "held"]  # fmt: skip
        self.env = env
        self.process: subprocess.Popen | None = None
        self.figures: dict = {}

    def __enter__(self) -> Newsroom:
        self.process = subprocess.Popen(  # noqa: S603 - fixed command line
            self.command, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, text=True
        )
        if self.process.stdout.readline().strip() != "ready":
            self.process.kill()
            raise RuntimeError("bench.newsroom churn did not start")
        return self

    def write(self) -> None:
        self.process.send_signal(signal.SIGUSR2)

    def hold(self) -> None:
        self.process.send_signal(signal.SIGUSR1)

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        output, _ = self.process.communicate(timeout=300)
        lines = output.strip().splitlines()
        if self.process.returncode or not lines:
            # The rows are measured; without the newsroom's figures they count for nothing.
            print(f"  bench.newsroom churn failed (exit {self.process.returncode}); see above")
            self.figures = {"failed": True, "comments_per_second": 0, "flash_items": 0}
        else:
            self.figures = json.loads(lines[-1])


def alternate(newsroom: Newsroom, window: Callable[[int], Result]) -> tuple[Result, Result]:
    """The quiet and the churn figures: ``window(kind)`` for each of WINDOWS, the newsroom
    writing during the churn ones, each kind's windows combined."""

    def switched(kind: int) -> Callable[[], Result]:
        def measure() -> Result:
            newsroom.write() if kind == CHURN else newsroom.hold()
            time.sleep(SETTLE_SECONDS)
            return window(kind)

        return measure

    try:
        return load.alternating(switched(QUIET), switched(CHURN), WINDOWS)
    finally:
        newsroom.hold()


def newsroom_totals(runs: list[dict]) -> dict:
    """The newsrooms of the churn rows as one: what they published over the time they
    wrote (any failed: the rows count for nothing)."""
    if not runs or any(run.get("failed") for run in runs):
        return {"failed": True, "comments_per_second": 0, "flash_items": 0}
    seconds = sum(run["seconds"] for run in runs)
    published = sum(run["comments_published"] for run in runs)
    return {
        "seconds": round(seconds, 1),
        "comments_published": published,
        "held_then_approved": sum(run["held_then_approved"] for run in runs),
        "flash_items": sum(run["flash_items"] for run in runs),
        "comments_per_second": round(published / seconds, 1) if seconds else 0,
        "most_late_s": max(run["most_late_s"] for run in runs),
        "newsrooms": len(runs),
    }
