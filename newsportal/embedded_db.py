"""The embedded PostgreSQL that development and tests use when DATABASE_URL is unset.

pgserver ships the PostgreSQL binaries as a wheel and runs the server on a Unix socket
inside ``var/pgdata``, so a fresh machine needs nothing but Python. The server is left
running when the process exits (``cleanup_mode=None``): the next command reuses it at
once, and ``python -m newsportal.embedded_db stop`` shuts it down.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / "var" / "pgdata"
DATABASE_NAME = "newsportal"


def _server():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (as in CI); /tmp is fine for a lock.
        warnings.simplefilter("ignore")
        import pgserver  # imported lazily: production settings never need it

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    return pgserver.get_server(PGDATA, cleanup_mode=None)


def _ensure_database(server) -> None:
    from newsportal.pg_tools import create_database

    marker = PGDATA / f".database-{DATABASE_NAME}"
    if marker.exists():
        return
    create_database(server.get_uri("postgres"), DATABASE_NAME)
    marker.touch()


def database_url() -> str:
    """Start the embedded server if needed and return a URL for the project database."""
    server = _server()
    _ensure_database(server)
    return server.get_uri(DATABASE_NAME)


def stop() -> None:
    import subprocess

    from pgserver._commands import POSTGRES_BIN_PATH

    if not (PGDATA / "postmaster.pid").exists():
        print("embedded PostgreSQL is not running")
        return
    user = _server().system_user
    command = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(PGDATA), "-w", "stop"]
    if user:
        command = ["su", user, "-s", "/bin/sh", "-c", " ".join(command)]
    subprocess.run(command, check=True)  # noqa: S603 - fixed argument list


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "start"
    if action == "start":
        try:
            url = database_url()
        except Exception as error:  # a one-line message, not a traceback wall
            print(f"error: the embedded PostgreSQL did not start: {error}", file=sys.stderr)
            print(f"       its log is in {PGDATA / 'log'}", file=sys.stderr)
            return 1
        print(f"embedded PostgreSQL ready: {url}")
        return 0
    if action == "stop":
        stop()
        return 0
    print(f"usage: python -m newsportal.embedded_db [start|stop], not {action!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
