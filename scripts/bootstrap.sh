#!/usr/bin/env bash
# Everything `make run` and `make test` need on a fresh machine with Python 3.11 and git:
# the virtualenv, the project's packages, the embedded database and (for tests) chromium.
# Each step is skipped when already done, and each failure is one clear line.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
[ "${1:-}" = "--with-browser" ] && want_browser=1
# `make cluster` runs PostgreSQL servers of its own: the embedded one is not needed.
want_db=1
[ "${1:-}" = "--no-database" ] && want_db=0

fail() { echo "error: $*" >&2; exit 1; }

PYTHON="${PYTHON:-python3.11}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  fail "Python 3.11 is required but '$PYTHON' is not on PATH (install python3.11, or set PYTHON=/path/to/python3.11)."
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  fail "'$PYTHON' is $("$PYTHON" -V 2>&1), but the project needs Python 3.11."
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv >/dev/null 2>&1 || {
    rm -rf .venv
    fail "could not create a virtualenv with $PYTHON (on Debian/Ubuntu: apt-get install python3.11-venv)."
  }
fi

stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> installing the project and its test tools into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
  if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]" 2>.venv/pip-error.log; then
    tail -n 5 .venv/pip-error.log >&2
    fail "installing the project's packages failed (full log: .venv/pip-error.log)."
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ "$want_db" = 1 ] && [ -z "${DATABASE_URL:-}" ]; then
  .venv/bin/python -m newsportal.embedded_db start >/dev/null || exit 1
fi

if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "==> installing Debian's chromium for the browser tests"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "chromium is missing and installing it needs root (apt-get install chromium)."
    sudo="sudo"
  fi
  command -v apt-get >/dev/null 2>&1 || fail "chromium is missing and this machine has no apt-get; install chromium at /usr/bin/chromium."
  export DEBIAN_FRONTEND=noninteractive
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends chromium; } \
    >var/apt-chromium.log 2>&1 || fail "apt-get install chromium failed (log: var/apt-chromium.log)."
fi
exit 0
