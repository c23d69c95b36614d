"""The load generator: wrk from Debian's packages, run as a separate process."""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

THREADS = 2
CONNECTIONS = 32
# Two things compared (a page and the ceiling) are measured in this order of windows: a
# steady drift of the machine's speed weighs on both alike.
ABBA = (0, 1, 1, 0)


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx_3xx: int
    requests: int


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if _is_root() else ["sudo"]
    print("==> installing wrk (Debian package) for the benchmark")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, capture_output=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True
    )
    return shutil.which("wrk") or "/usr/bin/wrk"


def _is_root() -> bool:
    import os

    return os.geteuid() == 0


def _milliseconds(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m)", text)
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> Result:
    try:
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        # The latency distribution's lines ("     50%    4.24ms"), not a "+/- Stdev" column
        # that happens to end in 50% or 99% ("87.50%").
        p50 = _milliseconds(re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE).group(1))
        p99 = _milliseconds(re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE).group(1))
    except (AttributeError, ValueError):
        raise RuntimeError(f"could not read wrk's output:\n{output}") from None
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors_match = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = sum(int(g) for g in errors_match.groups()) if errors_match else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Result(rps, p50, p99, errors, int(non_2xx.group(1)) if non_2xx else 0, total)


def run_wrk(wrk: str, url: str, seconds: int, *, headers: dict | None = None,
            script: Path | None = None, connections: int = CONNECTIONS) -> Result:  # fmt: skip
    threads = min(THREADS, connections)
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    for attempt in range(3):
        completed = subprocess.run(  # noqa: S603
            [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
        )
        try:
            return parse_wrk(completed.stdout)
        except RuntimeError:
            # wrk now and then prints no latency statistics for a run; run it again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def probe(url: str, headers: dict | None = None) -> tuple[int, dict]:
    """One request asking for the query count; returns the status and headers."""
    request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 server
        url, headers={"X-Count-Queries": "1", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def combined(results: list[Result]) -> Result:
    """Several wrk runs of one page as one: their requests over their time, the median of
    their p50s, the worst p99."""
    requests = sum(result.requests for result in results)
    seconds = sum(r.requests / r.requests_per_second for r in results if r.requests_per_second)
    p50s = sorted(result.p50_ms for result in results)
    return Result(
        requests_per_second=requests / seconds if seconds else 0.0,
        p50_ms=p50s[len(p50s) // 2],
        p99_ms=max(result.p99_ms for result in results),
        errors=sum(result.errors for result in results),
        non_2xx_3xx=sum(result.non_2xx_3xx for result in results),
        requests=requests,
    )


def window_seconds(seconds: int, windows: int) -> int:
    """The length of each of ``windows`` windows measuring one thing for about ``seconds``
    in all (wrk takes whole seconds; two at least, or connecting would weigh)."""
    return max(2, seconds // windows)


def alternating(first, second, order: tuple[int, ...] = ABBA) -> tuple[Result, Result]:
    """``first()`` and ``second()`` (each one wrk run) in ``order``, each kind combined."""
    runs: tuple[list[Result], list[Result]] = ([], [])
    for which in order:
        runs[which].append((first, second)[which]())
    return combined(runs[0]), combined(runs[1])
