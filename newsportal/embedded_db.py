"""The embedded PostgreSQL that development and tests use when DATABASE_URL is unset.

The pgserver wheel ships PostgreSQL's binaries, so a fresh machine needs nothing but Python.
We run those binaries ourselves (initdb, pg_ctl) rather than through pgserver's server
object: pgserver keeps a list of the processes using the server in
``var/pgdata/.handle_pids.json`` and rewrites it in place, and a process killed mid-write
left an empty file that failed every later start ("Expecting value: line 1 column 1").
Here no file of ours is written while the server is in use, and each state a kill can
leave behind is one the next start recognises:

- The cluster is made by initdb in ``var/pgdata.initdb`` and renamed into place, so an
  interrupted first start leaves no half-made ``var/pgdata``; the next start redoes it.
- Whether the server runs is asked of PostgreSQL (its postmaster.pid, then a connection),
  never of bookkeeping. A postmaster.pid or socket lock whose process is gone, a zombie or
  someone else (a reused pid after a restart) is stale and removed; PostgreSQL's own
  shared-memory interlock still refuses a second server on one data directory.
- One start at a time: ``var/pgdata.lock`` is held with flock, which the kernel releases
  when its process dies, even by SIGKILL, so the lock itself can never be stale.
- The server runs in a session of its own: Ctrl-C in the terminal of ``make run`` does not
  reach it. It is left running for the next command; ``python -m newsportal.embedded_db
  stop`` (``make db-stop``) stops it.

When we run as root, PostgreSQL (which refuses root) runs as the system user ``pgserver``,
the user pgserver itself chose, so data directories it created keep working.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / "var" / "pgdata"
DATABASE_NAME = "newsportal"
SUPERUSER = "postgres"
PORT = 5432
SYSTEM_USER = "pgserver"
# Crash recovery after a kill can take a while on a large cluster; a start never waits longer.
START_TIMEOUT = 120
START_ATTEMPTS = 5
# Files a directory may hold without being a cluster: what pgserver or we put there before
# initdb finished (its process list, its log, our database marker).
HARMLESS_LEFTOVERS = {".handle_pids.json", "log", f".database-{DATABASE_NAME}"}


class EmbeddedDatabaseError(RuntimeError):
    pass


@dataclass(frozen=True)
class Postmaster:
    """What postmaster.pid says about the running server."""

    pid: int
    socket_dir: Path
    port: int
    status: str  # "starting", "ready", "stopping" or "standby"


class EmbeddedPostgres:
    def __init__(self, pgdata: Path = PGDATA):
        self.pgdata = Path(pgdata).absolute()
        self.lock_path = self.pgdata.with_name(self.pgdata.name + ".lock")
        self.log_path = self.pgdata / "log"

    # --- What callers use ---------------------------------------------------------------

    def url(self, database: str = DATABASE_NAME) -> str:
        """Start the server if needed, create ``database`` if needed, and return its URL."""
        postmaster = self.running()
        marker = self.pgdata / f".database-{database}"
        if postmaster is None or postmaster.status != "ready" or not marker.exists():
            with self._start_lock():
                postmaster = self._ensure_running()
                if not marker.exists():
                    from newsportal.pg_tools import create_database

                    create_database(self._url(postmaster, "postgres"), database)
                    marker.touch()
        return self._url(postmaster, database)

    def running(self) -> Postmaster | None:
        """The server running on this data directory, or None (a stale pid file is None)."""
        postmaster = self._read_pid_file()
        if postmaster is None or not self._is_our_postmaster(postmaster.pid):
            return None
        return postmaster

    def stop(self) -> bool:
        """Stop the server (fast: open sessions are ended); False when it was not running."""
        with self._start_lock():
            if self.running() is None:
                return False
            self._run_pg(
                "pg_ctl", "-D", self.pgdata, "-w", "-t", START_TIMEOUT, "-m", "fast", "stop"
            )
            return True

    # --- Starting -----------------------------------------------------------------------

    @contextlib.contextmanager
    def _start_lock(self):
        import fcntl

        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released by the kernel if we die
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _ensure_running(self) -> Postmaster:
        self._initialise()
        # pgserver's process list: nothing reads it any more, and it is what used to break.
        (self.pgdata / ".handle_pids.json").unlink(missing_ok=True)
        deadline = time.monotonic() + START_TIMEOUT
        failure = ""
        attempts = 0
        while time.monotonic() < deadline:
            postmaster = self.running()
            if postmaster is not None:
                if postmaster.status == "ready" and self._accepts_connections(postmaster):
                    return postmaster
                # Starting (crash recovery after a kill, or a start cut short that goes on
                # without us) or stopping: wait for it to settle.
                time.sleep(0.2)
                continue
            if attempts == START_ATTEMPTS:
                break
            attempts += 1
            self._clear_stale_locks()
            try:
                self._start_server()
            except subprocess.CalledProcessError as error:
                # Another start may have won the race (an orphaned pg_ctl of a killed start),
                # or the processes of a killed server still hold its shared memory for a
                # moment: look again before giving up.
                failure = (error.stdout or "").strip()
                time.sleep(1)
        log_tail = "\n".join(_tail(self.log_path, 5))
        raise EmbeddedDatabaseError(
            f"PostgreSQL on {self.pgdata} is not accepting connections. {failure}\n{log_tail}"
        )

    def _initialise(self) -> None:
        """Make the cluster in a staging directory and rename it into place when complete."""
        if (self.pgdata / "PG_VERSION").exists():
            return
        if self.pgdata.exists():
            unknown = sorted(
                p.name for p in self.pgdata.iterdir() if p.name not in HARMLESS_LEFTOVERS
            )
            if unknown:
                raise EmbeddedDatabaseError(
                    f"{self.pgdata} holds files ({', '.join(unknown[:5])}) but no PG_VERSION, "
                    "so it is not a cluster this program made: move it away and start again."
                )
        staging = self.pgdata.with_name(self.pgdata.name + ".initdb")
        if staging.exists():  # an initdb cut short by a kill
            _remove_tree(staging)
        staging.mkdir(mode=0o700, parents=True)
        self._give_to_system_user(staging)
        self._run_pg(
            "initdb",
            "-D",
            staging,
            "--auth=trust",
            "--auth-local=trust",
            "--encoding=utf8",
            "-U",
            SUPERUSER,
        )
        if self.pgdata.exists():
            _remove_tree(self.pgdata)  # only harmless leftovers, checked above
        staging.rename(self.pgdata)

    def _start_server(self) -> None:
        socket_dir = self._socket_dir()
        server_options = f"-h '' -k {shlex.quote(str(socket_dir))} -p {PORT}"
        self._run_pg(
            "pg_ctl",
            "-D",
            self.pgdata,
            "-l",
            self.log_path,
            "-w",
            "-t",
            START_TIMEOUT,
            "-o",
            server_options,
            "start",
            new_session=True,
        )

    def _socket_dir(self) -> Path:
        """The data directory, unless the socket's path would be too long for the system
        (about 100 bytes); then a short directory of ours under the temporary directory."""
        if len(os.fsencode(self.pgdata / f".s.PGSQL.{PORT}")) < 100:
            return self.pgdata
        digest = hashlib.sha256(os.fsencode(self.pgdata)).hexdigest()[:12]
        short = Path(tempfile.gettempdir()) / f"newsportal-pg-{digest}"
        short.mkdir(mode=0o700, exist_ok=True)
        owner = self._system_user()
        if short.stat().st_uid not in {os.geteuid(), owner.pw_uid if owner else os.geteuid()}:
            raise EmbeddedDatabaseError(f"{short} belongs to another user; remove it.")
        self._give_to_system_user(short)
        return short

    # --- Stale state ----------------------------------------------------------------------

    def _read_pid_file(self) -> Postmaster | None:
        # Lines: pid, data directory, start time, port, socket directory, listen address,
        # shared memory key, status (PostgreSQL's miscadmin.h, LOCK_FILE_LINE_*).
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
            return Postmaster(
                pid=int(lines[0]),
                socket_dir=Path(lines[4].strip()),
                port=int(lines[3]),
                status=lines[7].strip(),
            )
        except (OSError, ValueError, IndexError, UnicodeDecodeError):
            return None  # absent, or written only in part (starting, or garbage)

    def _is_our_postmaster(self, pid: int) -> bool:
        """A live (not zombie) process whose working directory is this data directory: a
        postmaster changes into its data directory, a reused pid almost never does."""
        import psutil

        try:
            process = psutil.Process(pid)
            if process.status() == psutil.STATUS_ZOMBIE:
                return False
            return Path(process.cwd()).resolve() == self.pgdata.resolve()
        except (psutil.Error, OSError):
            return False

    def _clear_stale_locks(self) -> None:
        """Remove postmaster.pid and socket lock files that no live server of ours holds.

        PostgreSQL clears a lock file whose pid is dead by itself, but refuses one whose pid
        is alive (a zombie, or another program after a restart), and one it cannot read.
        """
        pid_file = self.pgdata / "postmaster.pid"
        candidates = [pid_file, *self.pgdata.glob(".s.PGSQL.*.lock")]
        if self._socket_dir() != self.pgdata:
            candidates += self._socket_dir().glob(".s.PGSQL.*.lock")
        for lock_file in candidates:
            pid = _first_int(lock_file)
            if pid is None and lock_file == pid_file and lock_file.exists():
                # Unreadable: maybe a postmaster writing it this very moment. Look again.
                time.sleep(1)
                pid = _first_int(lock_file)
            if pid is not None and self._is_our_postmaster(pid):
                continue
            if lock_file.exists():
                lock_file.unlink(missing_ok=True)
                socket = lock_file.with_suffix("")
                if lock_file != pid_file and socket.is_socket():
                    socket.unlink(missing_ok=True)

    def _accepts_connections(self, postmaster: Postmaster) -> bool:
        import psycopg2

        try:
            psycopg2.connect(self._url(postmaster, "postgres"), connect_timeout=5).close()
        except psycopg2.OperationalError:
            return False
        return True

    # --- Running the binaries ---------------------------------------------------------------

    def _system_user(self):
        """The account PostgreSQL runs as when we are root (it refuses root), else None."""
        if os.geteuid() != 0:
            return None
        import pwd

        try:
            return pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            subprocess.run(  # noqa: S603 - fixed argument list
                ["useradd", "--system", "--no-create-home", SYSTEM_USER],  # noqa: S607
                check=True,
                capture_output=True,
            )
            return pwd.getpwnam(SYSTEM_USER)

    def _give_to_system_user(self, path: Path) -> None:
        owner = self._system_user()
        if owner is None:
            return
        os.chown(path, owner.pw_uid, owner.pw_gid)
        # It must be able to reach the directory and the binaries: traverse bits on parents.
        from newsportal.pg_tools import bundled_bin_dir

        for start in (path, bundled_bin_dir()):
            for parent in start.parents if start else ():
                mode = parent.stat().st_mode
                if mode & 0o011 != 0o011:
                    parent.chmod(mode | 0o011)

    def _run_pg(self, program: str, *args, new_session: bool = False) -> str:
        """Run a bundled PostgreSQL program (as the system user when we are root); its
        output is returned, not printed, and is the message of the error it raises."""
        from newsportal.pg_tools import bundled_bin_dir

        bin_dir = bundled_bin_dir()
        if bin_dir is None:
            raise EmbeddedDatabaseError("pgserver, which ships PostgreSQL, is not installed.")
        owner = self._system_user()
        as_owner = (
            {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []} if owner else {}
        )
        # A file, not a pipe: pg_ctl's server inherits its output until it switches to the log.
        with tempfile.TemporaryFile("w+") as output:
            try:
                subprocess.run(  # noqa: S603 - our own binary, argument list
                    [str(bin_dir / program), *map(str, args)],
                    check=True,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    cwd="/",
                    start_new_session=new_session,
                    timeout=START_TIMEOUT + 30,
                    **as_owner,
                )
            except subprocess.CalledProcessError as error:
                output.seek(0)
                error.stdout = output.read()
                raise
            output.seek(0)
            return output.read()

    @staticmethod
    def _url(postmaster: Postmaster, database: str) -> str:
        port = "" if postmaster.port == PORT else f":{postmaster.port}"
        return f"postgresql://{SUPERUSER}:@{port}/{database}?host={postmaster.socket_dir}"


def _first_int(path: Path) -> int | None:
    try:
        return int(path.read_text().split("\n", 1)[0])
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _tail(path: Path, count: int) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()[-count:]
    except OSError:
        return []


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path)


def database_url() -> str:
    """Start the embedded server if needed and return a URL for the project database."""
    return EmbeddedPostgres().url()


def main(argv: list[str], pgdata: Path = PGDATA) -> int:
    action = argv[1] if len(argv) > 1 else "start"
    server = EmbeddedPostgres(pgdata)
    if action == "start":
        try:
            url = server.url()
        except Exception as error:  # a short message, not a traceback wall
            print(f"error: the embedded PostgreSQL did not start: {error}", file=sys.stderr)
            print(f"       its log is in {server.log_path}", file=sys.stderr)
            return 1
        print(f"embedded PostgreSQL ready: {url}")
        return 0
    if action == "stop":
        print(
            "embedded PostgreSQL stopped" if server.stop() else "embedded PostgreSQL is not running"
        )
        return 0
    print(f"usage: python -m newsportal.embedded_db [start|stop], not {action!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
