#!/usr/bin/env bash
# Production smoke test of the deploy/ bundle (issue 15, item 16), run by `make prod-smoke`.
#
# On one machine, with production settings (DJANGO_DEBUG=0, every key set, SMS off), it starts:
#   - nginx (Debian package; installed here when root and missing) with deploy/nginx/hallservice.conf itself,
#     rewritten only for ports, paths and a throwaway self-signed certificate, on free high ports (never 80/443);
#   - two gunicorn instances on loopback (the upstream of that site), a Celery worker and a Celery beat;
#   - a redis-server of its OWN (SMOKE_REDIS_PORT, default 6391; never the shared 6379);
#   - on the PostgreSQL server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432), a database
#     `smoke` (SMOKE_DB) created and dropped here.
# Then it checks, printing each check:
#   1. one assist request from registration to archive through nginx with an API token (manage.py issue_api_token);
#   2. a ledger PDF export whose worker is killed (SIGKILL, the whole process group) while rendering: after a new
#      worker starts and the outbox sweep passes (the lease is 10 minutes, hallservice/core/outbox.py; the script ages
#      the heartbeat by that much instead of waiting, then runs the sweep task as beat would), the export is done;
#   3. Redis stopped: a monthly report asked for meanwhile answers without a 500 and stays queued; Redis back, the
#      running beat's sweep (every 60 s) sends it and the worker builds it;
#   4. afterwards no report or export is left queued or running, and the servers' logs hold no traceback.
# Everything it started is stopped by PID on exit (trap). Each wait has a timeout with a message; the whole run
# takes about two minutes. Knobs: VENV (.venv), DATABASE_URL, SMOKE_DB, SMOKE_REDIS_PORT, SMOKE_KEEP=1 (keep
# var/smoke and print the logs' paths).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
WORK=$ROOT/var/smoke
DB=${SMOKE_DB:-smoke}
REDIS_PORT=${SMOKE_REDIS_PORT:-6391}
started=$SECONDS

say() { printf 'smoke [%3ds]: %s\n' "$((SECONDS - started))" "$*"; }
check() { printf 'smoke [%3ds]: OK   %s\n' "$((SECONDS - started))" "$*"; }
die() {
  printf 'smoke [%3ds]: FAILED %s\n' "$((SECONDS - started))" "$*" >&2
  exit 1
}
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

test -x "$PY" || die "no virtualenv at $VENV (make install, or VENV=...)"
for tool in redis-server redis-cli psql openssl setsid curl; do
  command -v "$tool" > /dev/null || die "$tool is missing (Debian: apt-get install -y redis-server postgresql-client openssl util-linux curl)"
done
if ! command -v nginx > /dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing nginx (apt-get install -y nginx)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q nginx > /dev/null 2>&1 || { apt-get update -q > /dev/null && apt-get install -y -q nginx > /dev/null; } ||
      die "apt-get install -y nginx failed"
  else
    die "nginx is missing; as root run: apt-get update && apt-get install -y nginx"
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# --- Scratch space, PIDs, cleanup -------------------------------------------------------------------------------
rm -rf "$WORK"
mkdir -p "$WORK"/{nginx/logs,nginx/tmp,media,tls}
REDIS_PID="" LOCK_PID="" NGINX_PID="" WEB1_PID="" WEB2_PID="" WORKER_PID="" BEAT_PID="" PG_ADMIN_URL=""
export PGOPTIONS="-c client_min_messages=warning"

stop() {  # stop PID (and, with "group", its process group) politely, then for good
  local pid=$1 group=${2:-}
  [ -n "$pid" ] || return 0
  local target=$pid
  [ "$group" = group ] && target=-$pid
  kill -TERM -- "$target" 2> /dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL -- "$target" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  release_lock
  stop "$BEAT_PID" group
  stop "$WORKER_PID" group
  stop "$WEB1_PID"
  stop "$WEB2_PID"
  stop "$NGINX_PID"
  stop "$REDIS_PID"
  if [ -n "$PG_ADMIN_URL" ]; then
    psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" > /dev/null 2>&1
  fi
  if [ "$rc" != 0 ]; then
    for log in "$WORK"/*.log "$WORK"/nginx/logs/error.log; do
      [ -s "$log" ] || continue
      echo "----- $log (last 40 lines)" >&2
      tail -n 40 "$log" >&2
    done
    echo "smoke: FAILED after $((SECONDS - started)) s (logs in var/smoke)" >&2
  elif [ "${SMOKE_KEEP:-0}" = 1 ]; then
    echo "smoke: logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

release_lock() {  # the server keeps sleeping after its psql dies: end that backend itself
  [ -n "$LOCK_PID" ] || return 0
  psql "$DATABASE_URL" -tAq -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'smoke-lock'" \
    > /dev/null 2>&1 || true
  stop "$LOCK_PID"
  LOCK_PID=""
}
wait_for() {  # wait_for SECONDS "what" command...: poll every 0.5 s
  local limit=$1 what=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" > /dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out after ${limit} s waiting for $what"
    sleep 0.5
  done
}
alive() { kill -0 "$1" 2> /dev/null || die "$2 exited (see var/smoke/$3)"; }

# --- Production environment -------------------------------------------------------------------------------------
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  server_url=${DATABASE_URL%%\?*}
  server_url=${server_url%/*}
else
  server_url=postgres://postgres@127.0.0.1:5432
fi
key() { "$PY" -c 'import secrets; print(secrets.token_urlsafe(48))'; }
export DJANGO_DEBUG=0 SECRET_KEY="smoke-$(key)" FIELD_ENCRYPTION_KEYS="smoke-enc-$(key)" FIELD_HASH_KEY="smoke-hash-$(key)"
export SMS_BACKEND=none ALLOWED_HOSTS=127.0.0.1 PUBLIC_TRUSTED_PROXY_COUNT=1 LOG_LEVEL=WARNING
HTTP_PORT=$(free_port)
TLS_PORT=$(free_port)
WEB1_PORT=$(free_port)
WEB2_PORT=$(free_port)
[ "$(printf '%s\n' "$HTTP_PORT" "$TLS_PORT" "$WEB1_PORT" "$WEB2_PORT" | sort -u | wc -l)" = 4 ] || die "could not pick four free ports"
BASE=https://127.0.0.1:$TLS_PORT
# nginx passes the Host without the port: the browser's origin (with the port) is a trusted origin, as in production.
export CSRF_TRUSTED_ORIGINS=$BASE PUBLIC_BASE_URL=$BASE
export DATABASE_URL=$server_url/$DB REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
export STATIC_ROOT=$WORK/static MEDIA_ROOT=$WORK/media
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy
manage() { "$PY" manage.py "$@"; }
sql() { psql "$DATABASE_URL" -tAq -v ON_ERROR_STOP=1 -c "$1"; }

# --- Redis of its own ---------------------------------------------------------------------------------------------
start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --logfile "$WORK/redis.log" &
  REDIS_PID=$!
  wait_for 10 "redis-server on port $REDIS_PORT" redis-cli -p "$REDIS_PORT" ping
  alive "$REDIS_PID" "redis-server" redis.log
}
if redis-cli -p "$REDIS_PORT" ping > /dev/null 2>&1; then
  die "port $REDIS_PORT already answers as Redis; choose another with SMOKE_REDIS_PORT"
fi
start_redis
say "redis-server of its own on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"

# --- Database ---------------------------------------------------------------------------------------------------
PG_ADMIN_URL=$server_url/postgres
psql "$PG_ADMIN_URL" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" \
  -c "CREATE DATABASE \"$DB\"" > /dev/null || die "cannot create database $DB on $server_url"
manage check --deploy --fail-level WARNING > "$WORK/check.log" 2>&1 || die "manage.py check --deploy: $(cat "$WORK/check.log")"
check "manage.py check --deploy reports nothing with the production environment"
manage migrate --noinput -v 0 > "$WORK/migrate.log" 2>&1 || die "migrate failed: $(tail -5 "$WORK/migrate.log")"
manage seed_demo --allow-without-debug > "$WORK/seed.log" 2>&1 || die "seed_demo failed: $(tail -5 "$WORK/seed.log")"
DJANGO_SETTINGS_MODULE=deploy.smoke_collectstatic_settings manage collectstatic --noinput -v 0 > "$WORK/collectstatic.log" 2>&1 || die "collectstatic failed"
say "database $DB on PostgreSQL migrated and seeded with the demo hall, static files collected"

# --- gunicorn x2, worker, beat --------------------------------------------------------------------------------------
"$VENV/bin/gunicorn" hallservice.wsgi --bind "127.0.0.1:$WEB1_PORT" --workers 2 --timeout 30 > "$WORK/web1.log" 2>&1 &
WEB1_PID=$!
"$VENV/bin/gunicorn" hallservice.wsgi --bind "127.0.0.1:$WEB2_PORT" --workers 2 --timeout 30 > "$WORK/web2.log" 2>&1 &
WEB2_PID=$!
start_worker() {  # in a session of its own, so that SIGKILL reaches the pool's children too
  setsid "$VENV/bin/celery" -A hallservice worker --loglevel INFO --concurrency 1 --hostname "smoke-$1@%h" \
    >> "$WORK/worker.log" 2>&1 &
  WORKER_PID=$!
}
start_worker 1
setsid "$VENV/bin/celery" -A hallservice beat --loglevel INFO --schedule "$WORK/celerybeat-schedule" \
  > "$WORK/beat.log" 2>&1 &
BEAT_PID=$!

# --- nginx with the bundle's own site file ------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout "$WORK/tls/privkey.pem" \
  -out "$WORK/tls/fullchain.pem" > /dev/null 2>&1 || die "openssl could not make a test certificate"
sed -e "s#server 127.0.0.1:8001 #server 127.0.0.1:$WEB1_PORT #" \
  -e "s#server 127.0.0.1:8002 #server 127.0.0.1:$WEB2_PORT #" \
  -e "/listen \[::\]/d" \
  -e "s#listen 80;#listen 127.0.0.1:$HTTP_PORT;#" \
  -e "s#listen 443 ssl#listen 127.0.0.1:$TLS_PORT ssl#" \
  -e "s#/etc/ssl/hallservice/#$WORK/tls/#g" \
  -e "s#/srv/hallservice/var/static/#$WORK/static/#" \
  -e "s#/var/log/nginx/#$WORK/nginx/logs/#g" \
  -e "s#shared:hallservice_tls#shared:hallservice_smoke_tls#" \
  deploy/nginx/hallservice.conf > "$WORK/nginx/site.conf"
grep -q "$WEB2_PORT" "$WORK/nginx/site.conf" && grep -q "$TLS_PORT" "$WORK/nginx/site.conf" ||
  die "deploy/nginx/hallservice.conf no longer has the lines this script rewrites (upstream ports, listen)"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"  # workers read var/smoke/static as the caller
cat > "$WORK/nginx/nginx.conf" << EOF
$user_line
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include $WORK/nginx/site.conf;
}
EOF
"$NGINX" -t -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" > "$WORK/nginx-t.log" 2>&1 ||
  die "nginx -t refused the site: $(cat "$WORK/nginx-t.log")"
check "nginx -t accepts deploy/nginx/hallservice.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" > "$WORK/nginx.log" 2>&1 &
NGINX_PID=$!
CURL=(curl -ksS --max-time 10)
wait_for 30 "gunicorn on 127.0.0.1:$WEB1_PORT" curl -fsS --max-time 5 -H "X-Forwarded-Proto: https" "http://127.0.0.1:$WEB1_PORT/healthz"
wait_for 30 "gunicorn on 127.0.0.1:$WEB2_PORT" curl -fsS --max-time 5 -H "X-Forwarded-Proto: https" "http://127.0.0.1:$WEB2_PORT/healthz"
wait_for 15 "nginx on 127.0.0.1:$TLS_PORT" "${CURL[@]}" -f "$BASE/healthz"
alive "$NGINX_PID" nginx nginx/logs/error.log
alive "$WORKER_PID" "the worker" worker.log
alive "$BEAT_PID" beat beat.log
wait_for 30 "the worker to connect" grep -q "ready" "$WORK/worker.log"
say "nginx https://127.0.0.1:$TLS_PORT (http $HTTP_PORT) -> gunicorn :$WEB1_PORT and :$WEB2_PORT; worker and beat up"

redirect=$("${CURL[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/accounts/login/")
[[ "$redirect" == "301 https://"* ]] || die "plain http did not redirect to https: $redirect"
check "plain http answers 301 to https"
static=$(ls "$WORK/static/css" 2> /dev/null | grep '\.css$' | head -1)
[ -n "$static" ] || die "collectstatic wrote no css"
"${CURL[@]}" -fo /dev/null "$BASE/static/css/$static" || die "nginx did not serve /static/css/$static"
check "nginx serves /static/ from STATIC_ROOT"
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/media/")
[ "$code" != 200 ] || die "/media/ answered 200: media must never be served as files"
head -c $((26 * 1024 * 1024)) /dev/zero > "$WORK/big.bin"
big=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H "Content-Type: application/octet-stream" \
  --data-binary @"$WORK/big.bin" "$BASE/accounts/login/" || true)
rm -f "$WORK/big.bin"
[ "$big" = 413 ] || die "a 26 MB body answered $big, not 413 (client_max_body_size)"
check "/media/ is not served ($code) and a 26 MB body is refused by nginx (413)"

# --- 1. Registration to archive through nginx, with an API token ---------------------------------------------------
TOKEN=$(manage issue_api_token frontdesk --name smoke --days 1 2> /dev/null) || die "issue_api_token failed"
[[ "$TOKEN" == hs_* ]] || die "issue_api_token printed no token"
"$PY" deploy/smoke_client.py flow "$BASE" "$TOKEN" || die "the request did not go from registration to archive"
check "one assist request went from registration to archive through nginx (API token of frontdesk)"

# --- 2. Ledger PDF export, worker killed while rendering ----------------------------------------------------------
JAR=$WORK/cookies.json
"$PY" deploy/smoke_client.py login "$BASE" "$JAR" supervisor Hall-demo-2026 || die "login as supervisor failed"
# A render of the demo hall takes well under a second; to kill the worker at a known point of it, a psql session
# holds an exclusive lock on the requests table: the task claims the export (running, 5%) and then waits on its
# first query, as a long render would. The lock is released once the worker is dead.
PGAPPNAME=smoke-lock psql "$DATABASE_URL" -q -c "BEGIN; LOCK TABLE requests_servicerequest IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" \
  > /dev/null 2>&1 &
LOCK_PID=$!
wait_for 10 "the lock on requests_servicerequest" bash -c "[ \"\$(psql '$DATABASE_URL' -tAq -c \"SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'requests_servicerequest' AND l.mode = 'AccessExclusiveLock' AND l.granted\")\" = 1 ]"
EXPORT=$("$PY" deploy/smoke_client.py ledger "$BASE" "$JAR" "$(date -d '-365 days' +%F)" "$(date +%F)") || die "ledger PDF request failed"
export_status() { sql "SELECT status FROM requests_ledgerexport WHERE id = $EXPORT"; }
wait_for 30 "export $EXPORT to start rendering" bash -c "[ \"\$(psql '$DATABASE_URL' -tAq -c 'SELECT status FROM requests_ledgerexport WHERE id = $EXPORT')\" = running ]"
sleep 0.5
kill -KILL -- "-$WORKER_PID"
wait "$WORKER_PID" 2> /dev/null || true
WORKER_PID=""
release_lock
sleep 1
state=$(export_status)
[ "$state" = running ] || die "after SIGKILL export $EXPORT is $state, expected running (killed mid-render)"
check "worker killed with SIGKILL while export $EXPORT was rendering (left $(sql "SELECT status || ' ' || progress || '%' FROM requests_ledgerexport WHERE id = $EXPORT"))"
start_worker 2
wait_for 30 "the new worker to connect" bash -c "[ \$(grep -c ready '$WORK/worker.log') -ge 2 ]"
# Ten minutes without a heartbeat (the lease, requests/services/documents.py LEDGER_LEASE), then beat's sweep task.
sql "UPDATE requests_ledgerexport SET heartbeat_at = now() - interval '11 minutes' WHERE id = $EXPORT" > /dev/null
sweep=$(manage shell -v 0 -c "from requests.tasks import ledger_exports_sweep; print(ledger_exports_sweep())" 2> "$WORK/sweep.log") ||
  die "the sweep task failed: $(tail -5 "$WORK/sweep.log")"
say "lease expired, sweep: $sweep"
wait_for 60 "export $EXPORT to be done after the restart" bash -c "[ \"\$(psql '$DATABASE_URL' -tAq -c 'SELECT status FROM requests_ledgerexport WHERE id = $EXPORT')\" = done ]"
attempts=$(sql "SELECT attempts FROM requests_ledgerexport WHERE id = $EXPORT")
"$PY" deploy/smoke_client.py get "$BASE" "$JAR" "/requests/ledger/pdf/$EXPORT/download/" > "$WORK/pdf-size" || die "download failed"
check "export $EXPORT done after the worker came back (attempt $attempts), PDF of $(cat "$WORK/pdf-size") bytes downloaded through nginx"

# --- 3. Redis down: a monthly report asked for meanwhile is queued, then built -------------------------------------
stop "$REDIS_PID"
REDIS_PID=""
! redis-cli -p "$REDIS_PORT" ping > /dev/null 2>&1 || die "Redis still answers after being stopped"
say "Redis stopped"
month=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
code=$("$PY" deploy/smoke_client.py report "$BASE" "$JAR" "$month") || die "report request failed"
[ "$code" = 302 ] || die "asking for the $month report with Redis down answered $code"
report_row() { sql "SELECT id || ' ' || status FROM hallservice_monthlyreport ORDER BY id DESC LIMIT 1"; }
read -r REPORT state <<< "$(report_row)"
[ "$state" = queued ] || die "report $REPORT is $state while Redis is down, expected queued"
"$PY" deploy/smoke_client.py get "$BASE" "$JAR" "/supervision/reports/" > /dev/null || die "the reports page failed with Redis down"
"$PY" deploy/smoke_client.py login "$BASE" "$WORK/cookies-2.json" frontdesk Hall-demo-2026 || die "login failed with Redis down"
check "with Redis down: report $REPORT for $month recorded as queued (302, no 500), pages and login still work"
sleep 3
start_redis
say "Redis back (pid $REDIS_PID); waiting for beat's sweep (every 60 s) and the worker"
wait_for 100 "report $REPORT to be built after Redis came back" bash -c "[ \"\$(psql '$DATABASE_URL' -tAq -c 'SELECT status FROM hallservice_monthlyreport WHERE id = $REPORT')\" = done ]"
check "report $REPORT done after Redis came back (sent by beat's sweep, built by the worker)"

# --- 4. Nothing stuck, nothing lost ---------------------------------------------------------------------------------
stuck=$(sql "SELECT (SELECT count(*) FROM requests_ledgerexport WHERE status IN ('queued', 'running'))
              + (SELECT count(*) FROM hallservice_monthlyreport WHERE status IN ('queued', 'running'))")
[ "$stuck" = 0 ] || die "$stuck report(s) or export(s) still queued or running"
failed=$(sql "SELECT (SELECT count(*) FROM requests_ledgerexport WHERE status = 'failed')
               + (SELECT count(*) FROM hallservice_monthlyreport WHERE status = 'failed')")
[ "$failed" = 0 ] || die "$failed report(s) or export(s) failed"
"${CURL[@]}" -f -o /dev/null "$BASE/healthz" || die "/healthz does not answer 200 at the end"
if grep -l "Traceback" "$WORK"/web1.log "$WORK"/web2.log > /dev/null 2>&1; then
  die "a gunicorn log holds a traceback"
fi
check "no report or export queued, running or failed; /healthz 200; no traceback in the web logs"
say "all checks passed in $((SECONDS - started)) s"
