"""nginx's upstream list (deploy/nginx.conf.template) in front of two app servers, one of
which drops every connection it accepts (a server that dies with the request in hand).

Two small servers of our own stand in for gunicorn, so that each one's log says exactly
which requests reached it: a reader's GET that met the dead server is answered by the
other one (proxy_next_upstream), and a POST that met it is never sent a second time.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cluster.servers import PrivateNginx
from tests.faults.servers import FAULTS_DIR, request


class Dropper:
    """Accepts a connection, reads the request line and closes without an answer."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.seen: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(2)
                data = b""
                try:
                    while b"\r\n" not in data:
                        chunk = connection.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                except OSError:
                    pass
                if data:
                    self.seen.append(data.split(b"\r\n", 1)[0].decode())

    def close(self) -> None:
        self.sock.close()


class Answering:
    """Answers 200 to everything, noting each request line."""

    def __init__(self) -> None:
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                seen.append(f"{self.command} {self.path} {self.request_version}")
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                body = b"ok"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def two_app_servers():
    dropper, answering = Dropper(), Answering()
    upstreams = [f"127.0.0.1:{dropper.port}", f"127.0.0.1:{answering.port}"]
    with PrivateNginx(home=FAULTS_DIR, upstream=upstreams, static_root=FAULTS_DIR) as nginx:
        yield nginx, dropper, answering
    dropper.close()
    answering.close()


def paths_seen(lines: list[str], method: str) -> list[str]:
    return [line.split()[1] for line in lines if line.startswith(method + " ")]


def test_a_post_that_reached_a_dying_server_is_never_sent_again(two_app_servers, record_figure):
    nginx, dropper, answering = two_app_servers
    answers = {}
    for number in range(6):
        path = f"/comments/post/{number}/"
        answers[path] = request(
            nginx.port, "POST", path, body=b"body=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10,
        ).status  # fmt: skip
    dropped, answered = paths_seen(dropper.seen, "POST"), paths_seen(answering.seen, "POST")
    record_figure(
        "6 POSTs, one of two servers dropping connections: taken by it / answered 502",
        f"{len(dropped)} / {list(answers.values()).count(502)}",
    )
    assert dropped  # the dying server was tried
    assert set(answers.values()) == {200, 502}
    # Each POST reached one server once: those the dead server took answer 502 and were
    # never replayed on the other one.
    assert sorted(dropped + answered) == sorted(answers)
    assert all(answers[path] == 502 for path in dropped)
    assert all(answers[path] == 200 for path in answered)


def test_a_get_that_met_a_dying_server_is_answered_by_the_next(two_app_servers, record_figure):
    nginx, dropper, answering = two_app_servers
    statuses = [request(nginx.port, "GET", f"/page/{n}/", timeout=10).status for n in range(6)]
    # The dropping server is left out for fail_timeout (2 s), then tried again.
    time.sleep(2.5)
    statuses += [request(nginx.port, "GET", f"/page/{n}/", timeout=10).status for n in range(6, 9)]
    tried_on_the_dead_one = paths_seen(dropper.seen, "GET")
    record_figure("9 GETs with one of two servers dropping connections: answers 200",
                  f"{statuses.count(200)} of 9 (retried on the other: "
                  f"{len(tried_on_the_dead_one)})")  # fmt: skip
    assert statuses == [200] * 9
    assert tried_on_the_dead_one  # and each time the other server answered
    assert sorted(paths_seen(answering.seen, "GET")) == sorted(f"/page/{n}/" for n in range(9))
