"""PostgreSQL programs (the bundled server binaries, pg_dump, pg_restore), connection
arguments for them, and creating a database."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from django.conf import settings


def bundled_bin_dir() -> Path | None:
    """Where the pgserver wheel keeps its PostgreSQL 16 binaries, or None without it.

    Found without importing pgserver: we use its binaries, not its Python (see
    newsportal/embedded_db.py), and production installs need neither."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return bin_dir if bin_dir.is_dir() else None


def program(name: str) -> str:
    """The newest copy at hand: pgserver's binaries (PostgreSQL 16) or the one on PATH."""
    bin_dir = bundled_bin_dir()
    if bin_dir is not None and (bin_dir / name).exists():
        return str(bin_dir / name)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} was not found (install postgresql-client).")
    return found


def connection_args(database: dict | None = None) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment naming the database, password kept off argv."""
    db = database or settings.DATABASES["default"]
    args = []
    # A socket directory may arrive as ?host=... in DATABASE_URL, hence in OPTIONS.
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host")
    if host:
        args += ["--host", str(host)]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def create_database(admin_url: str, name: str, *, replace: bool = False) -> None:
    """Create database ``name`` through the server at ``admin_url`` unless it exists; with
    ``replace``, drop it first (closing its connections)."""
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True  # CREATE and DROP DATABASE refuse to run in a transaction
    try:
        with connection.cursor() as cursor:
            identifier = sql.Identifier(name)
            if replace:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier)
                )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    finally:
        connection.close()
