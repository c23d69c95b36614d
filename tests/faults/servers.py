"""What the fault tests add to the servers of cluster/servers.py: their folder under
var/faults/, the clean-up after a killed run, and plain HTTP requests that record what
came back (a network error is status 0)."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass, field

from cluster import servers
from cluster.servers import ROOT

FAULTS_DIR = ROOT / "var" / "faults"


def remember(name: str, pid: int) -> None:
    """Note a server's process id, so a run that was killed can be cleaned up by the next."""
    servers.remember(FAULTS_DIR, name, pid)


def clean_up_after_a_killed_run() -> None:
    """Stop the servers an interrupted run of these tests left behind (only ours)."""
    servers.clean_up_after_a_killed_run(FAULTS_DIR)


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict = field(default_factory=dict)
    body: str = ""
    started: float = 0.0
    elapsed: float = 0.0
    error: str = ""

    @property
    def finished(self) -> float:
        return self.started + self.elapsed


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = 30.0,
) -> Answer:
    """One HTTP request on a new connection; network errors and answers cut short (an
    IncompleteRead: the server died while sending) become status 0."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            text,
            started,
            time.monotonic() - started,
        )
    except (OSError, http.client.HTTPException) as error:
        return Answer(0, {}, "", started, time.monotonic() - started, repr(error))
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
