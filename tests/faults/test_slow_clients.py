"""300 slow connections to nginx for 15 seconds: readers' requests stay fast.

Each slow client opens a connection and sends its request headers a few bytes at a time,
never finishing (slowloris); when nginx drops one (client_header_timeout) it reconnects,
so 300 stay open. Meanwhile a probe asks nginx for the home page every 50 ms. gunicorn's
sync workers never see a slow client: nginx buffers the whole request first.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time

from cluster.servers import PrivateNginx
from tests.faults.servers import FAULTS_DIR, percentile, request

SLOW_CLIENTS = 300
SECONDS = 15
PROBE_EVERY = 0.05
P95_LIMIT_MS = 100


class Slowloris:
    """SLOW_CLIENTS connections that trickle header bytes and never end their request."""

    def __init__(self, port: int):
        self.port = port
        self.selector = selectors.DefaultSelector()
        self.sockets: set[socket.socket] = set()
        self.opened = 0
        self.dropped = 0
        self.stop = threading.Event()

    def _open(self) -> None:
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", self.port))
        self.selector.register(sock, selectors.EVENT_READ)
        self.sockets.add(sock)
        self.opened += 1

    def _close(self, sock: socket.socket) -> None:
        self.selector.unregister(sock)
        self.sockets.discard(sock)
        sock.close()

    def run(self) -> None:
        start = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n"
        for _ in range(SLOW_CLIENTS):
            self._open()
        started = dict.fromkeys(self.sockets, False)
        next_trickle = time.monotonic()
        while not self.stop.is_set():
            for key, _events in self.selector.select(timeout=0.1):
                # nginx answered (408) or closed the connection: a new slow client takes its place.
                self._close(key.fileobj)
                self.dropped += 1
                self._open()
            if time.monotonic() >= next_trickle:
                next_trickle = time.monotonic() + 1.0
                for sock in list(self.sockets):
                    try:
                        sock.send(b"X-a: b\r\n" if started.get(sock) else start)
                        started[sock] = True
                    except OSError:
                        continue
        for sock in list(self.sockets):
            self._close(sock)


def test_three_hundred_slow_connections_do_not_slow_down_readers(fault_site, record_figure):
    static_root = FAULTS_DIR / "static"
    with PrivateNginx(
        home=FAULTS_DIR, upstream=f"127.0.0.1:{fault_site.port}", static_root=static_root
    ) as nginx:
        assert request(nginx.port, "GET", "/", headers={"Host": "127.0.0.1"}).status == 200
        attack = Slowloris(nginx.port)
        attacker = threading.Thread(target=attack.run)
        attacker.start()
        time.sleep(1.0)  # all slow connections open
        probes = []
        deadline = time.monotonic() + SECONDS - 1.0
        while time.monotonic() < deadline:
            probes.append(request(nginx.port, "GET", "/", headers={"Host": "127.0.0.1"}, timeout=5))
            time.sleep(PROBE_EVERY)
        open_at_end = len(attack.sockets)
        attack.stop.set()
        attacker.join()

    latencies = [p.elapsed * 1000 for p in probes]
    failed = [p for p in probes if p.status != 200]
    p95 = percentile(latencies, 0.95)
    record_figure("slow connections held open for 15 s (opened in all)",
                  f"{open_at_end} ({attack.opened})")  # fmt: skip
    record_figure("probe requests through nginx; failed", f"{len(probes)}; {len(failed)}")
    p50, slowest = percentile(latencies, 0.5), max(latencies)
    record_figure("probe latency p50 / p95 / max (ms)", f"{p50:.0f} / {p95:.0f} / {slowest:.0f}")
    assert open_at_end == SLOW_CLIENTS
    assert len(probes) > 100
    assert failed == []
    assert p95 < P95_LIMIT_MS
