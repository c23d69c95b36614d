#!/usr/bin/env bash
# `make serve-prod`: the production profile for a local trial. nginx (Debian's package,
# installed when missing) on PORT (default 8080) in front of gunicorn on 127.0.0.1:8001,
# DEBUG off, hashed and compressed static files, Redis when REDIS_URL is set, and one job
# worker (manage.py run_worker) for the background tasks.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "error: $*" >&2; exit 1; }

scripts/bootstrap.sh
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "==> installing Debian's nginx"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nginx-light || \
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nginx; } >var/apt-nginx.log 2>&1 \
    || fail "apt-get install nginx failed (log: var/apt-nginx.log)."
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

PORT="${PORT:-8080}"
export GUNICORN_BIND="${GUNICORN_BIND:-127.0.0.1:8001}"
export NEWSPORTAL_PROFILE=production
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1}"
# A local trial speaks plain HTTP; a real deployment terminates TLS in nginx and keeps this on.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
export TRUSTED_PROXY_COUNT=1
export CSRF_TRUSTED_ORIGINS="${CSRF_TRUSTED_ORIGINS:-http://localhost:$PORT,http://127.0.0.1:$PORT}"
mkdir -p var/nginx
# A new start serves nothing kept by the previous one (its copies may carry older headers).
rm -rf var/nginx/cache
if [ -z "${SECRET_KEY:-}" ]; then
  [ -f var/prod-secret-key ] || .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/prod-secret-key
  SECRET_KEY="$(cat var/prod-secret-key)"
  export SECRET_KEY
fi
export STATIC_ROOT="${STATIC_ROOT:-$PWD/var/static}"
export MEDIA_ROOT="${MEDIA_ROOT:-$PWD/var/media}"

# Static files first: the URLconf names a hashed file, so nothing imports it before the manifest.
.venv/bin/python manage.py collectstatic --noinput -v 0
# The deployment checks judge the real production settings, HTTPS redirect included.
SECURE_SSL_REDIRECT=1 .venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo $([ -n "${DEMO_PASSWORD:-}" ] || echo --no-users)
chmod -R a+rX var/static var/media 2>/dev/null || true

user_line=""
[ "$(id -u)" = 0 ] && user_line="user www-data;"
sed -e "s|@RUN_DIR@|$PWD/var/nginx|g" -e "s|@USER_LINE@|$user_line|" \
    -e "s|@LISTEN@|127.0.0.1:$PORT|g" -e "s|@UPSTREAM_SERVERS@|server $GUNICORN_BIND;|" \
    -e "s|@SERVER_NAMES@|${ALLOWED_HOSTS//,/ }|" -e "s|@STATIC_ROOT@|$STATIC_ROOT|" \
    -e "s|@MEDIA_ROOT@|$MEDIA_ROOT|" -e "s|@MAX_BODY@|${NGINX_MAX_BODY:-12m}|" \
    deploy/nginx.conf.template > var/nginx/nginx.conf
"$NGINX" -t -q -c "$PWD/var/nginx/nginx.conf" -p "$PWD/var/nginx" 2>var/nginx/test.log \
  || { cat var/nginx/test.log >&2; fail "the generated nginx configuration is invalid."; }
"$NGINX" -c "$PWD/var/nginx/nginx.conf" -p "$PWD/var/nginx"
# One job worker beside gunicorn (image renditions, e-mail): it also puts back the tasks a
# killed worker left running (README, "Background jobs"). Its log: var/worker.log.
.venv/bin/python manage.py run_worker --queue-name '*' >>var/worker.log 2>&1 &
worker_pid=$!
stop_all() {
  { kill -TERM "$worker_pid" && wait "$worker_pid"; } 2>/dev/null || true
  "$NGINX" -c "$PWD/var/nginx/nginx.conf" -p "$PWD/var/nginx" -s quit 2>/dev/null || true
}
trap stop_all EXIT

echo ""
echo "  Production profile: http://127.0.0.1:$PORT/  (nginx -> gunicorn $GUNICORN_BIND)"
echo "  Job worker: pid $worker_pid (log var/worker.log)"
echo "  Ctrl-C stops them all."
echo ""
.venv/bin/gunicorn -c deploy/gunicorn.conf.py newsportal.wsgi:application
