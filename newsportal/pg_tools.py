"""PostgreSQL client programs (pg_dump, pg_restore) and connection arguments for them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings


def program(name: str) -> str:
    """The newest copy at hand: pgserver's binaries (PostgreSQL 16) or the one on PATH."""
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        candidate = Path(POSTGRES_BIN_PATH) / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
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
