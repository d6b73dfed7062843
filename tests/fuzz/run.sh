#!/usr/bin/env bash
# API fuzzing (issues 9 and 20): schemathesis against the schema of a live gunicorn on 127.0.0.1, each request sent
# as one of the demo hall's users who can reach its operation (front desk, duty leader, supervisor, department user,
# admin, bureau leader). Fails on any 5xx, on a status the operation does not document and on a response that does
# not match the schema; prints per operation how many requests reached a 2xx. What it covers and what it found:
# docs/quality.md ("API fuzzing").
#
# schemathesis imports PyPI `requests`, which our `requests` app shadows, so it never enters the project's venv:
# it has its own venv (var/fuzz-venv, made here on a new machine) and runs from var/fuzz-work, outside the
# project's import path. The project's side (migrate, seed, server, tests/fuzz/prepare.py) uses .venv as usual.
#
# Database: with DATABASE_URL set (CI: PostgreSQL) a separate database "fuzz" on that server, created here and
# dropped afterwards, so the test database is untouched; otherwise a scratch SQLite file under var/fuzz-work.
#
# Knobs (environment): FUZZ_MAX_EXAMPLES (5), FUZZ_SEED, FUZZ_PHASES (examples,fuzzing; "coverage" for the long
# boundary-value run by hand), FUZZ_USERS (the six demo logins), FUZZ_PORT (a free port), FUZZ_DB (fuzz).
# Extra arguments are passed to `schemathesis run` (e.g. --include-path-regex '^/api/v1/requests/').
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

PYTHON=${PYTHON:-python3.11}
PROJECT_PY=$ROOT/.venv/bin/python
FUZZ_VENV=$ROOT/var/fuzz-venv
WORK=$ROOT/var/fuzz-work
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-5}
SEED=${FUZZ_SEED:-20261201}
USERS=${FUZZ_USERS:-frontdesk dutyleader supervisor department admin bureauleader}
PHASES=${FUZZ_PHASES:-examples,fuzzing}
FUZZ_DB=${FUZZ_DB:-fuzz}
started=$SECONDS

# --- schemathesis in its own venv ------------------------------------------------------------------------------
if [ ! -x "$FUZZ_VENV/bin/schemathesis" ] || [ tests/fuzz/requirements.txt -nt "$FUZZ_VENV/.installed" ]; then
  echo "fuzz: installing schemathesis into $FUZZ_VENV"
  test -x "$FUZZ_VENV/bin/python" || "$PYTHON" -m venv "$FUZZ_VENV"
  "$FUZZ_VENV/bin/python" -m pip install -q -r tests/fuzz/requirements.txt
  touch "$FUZZ_VENV/.installed"
fi
rm -rf "$WORK"
mkdir -p "$WORK"

# --- The fuzz server's environment -------------------------------------------------------------------------------
# DEBUG off, as in production: errors are answered the way clients will see them, Django keeps no per-request
# query log (memory) over thousands of requests, and tracebacks go to the server log, printed on failure.
# Plain HTTP on loopback, hence no SSL redirect. A throwaway key for this run only (demo data is encrypted with it).
export DJANGO_DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0
SECRET_KEY=fuzz-$("$PROJECT_PY" -c 'import secrets; print(secrets.token_hex(32))')
export SECRET_KEY
# Keys of their own for the personal data (with DEBUG off the system checks refuse SECRET_KEY); no SMS is sent.
FIELD_ENCRYPTION_KEYS=fuzz-enc-$("$PROJECT_PY" -c 'import secrets; print(secrets.token_hex(32))')
FIELD_HASH_KEY=fuzz-hash-$("$PROJECT_PY" -c 'import secrets; print(secrets.token_hex(32))')
export FIELD_ENCRYPTION_KEYS FIELD_HASH_KEY SMS_BACKEND=none
# No Celery worker serves this server: without REDIS_URL tasks run eagerly in the request (and nothing is left
# queued in CI's Redis); the cache is per process, so the public throttles do not leak into other runs.
unset REDIS_URL
export MEDIA_ROOT=$WORK/media LOG_LEVEL=ERROR
# The API serves no static files and the scratch run collects none: whitenoise need not warn about var/static.
export PYTHONWARNINGS="ignore:No directory at:UserWarning"
# Loopback only, never through a proxy.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy

PG_ADMIN_URL=""
SERVER_PID=""
# No NOTICE for a "fuzz" database that is not there yet; no waiting for the disk at each commit of a scratch
# database (migrate, seed and thousands of fuzzed writes: a crash loses nothing worth keeping).
export PGOPTIONS="-c client_min_messages=warning -c synchronous_commit=off"
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$PG_ADMIN_URL" ]; then
    psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"$FUZZ_DB\" WITH (FORCE)" || true
  fi
}
trap cleanup EXIT

if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  server_url=${DATABASE_URL%%\?*}
  server_url=${server_url%/*}
  PG_ADMIN_URL=$server_url/postgres
  psql "$PG_ADMIN_URL" -q -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS \"$FUZZ_DB\" WITH (FORCE)" -c "CREATE DATABASE \"$FUZZ_DB\""
  export DATABASE_URL=$server_url/$FUZZ_DB
else
  export DATABASE_URL=sqlite:///$WORK/db.sqlite3
fi
echo "fuzz: database ${DATABASE_URL%%://*}, seeding the demo hall"
"$PROJECT_PY" manage.py migrate --noinput -v 0
"$PROJECT_PY" manage.py seed_demo --allow-without-debug > "$WORK/seed.log"
echo "fuzz: demo hall ready after $((SECONDS - started)) s"

# --- The server ----------------------------------------------------------------------------------------------------
PORT=${FUZZ_PORT:-$("$PROJECT_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE=http://127.0.0.1:$PORT
"$ROOT/.venv/bin/gunicorn" hallservice.wsgi -b "127.0.0.1:$PORT" -w 2 --timeout 60 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; echo "fuzz: the server did not start" >&2; exit 1; }
  sleep 0.5
done
curl -fsS -o /dev/null "$BASE/healthz" || { cat "$WORK/server.log"; echo "fuzz: /healthz did not answer" >&2; exit 1; }

# --- Who can reach what, with which objects and input; then one schemathesis run ---------------------------------
# prepare.py issues each user a token, fetches the schema with one (an anonymous fetch must be refused), tries every
# operation as every user in a rolled-back transaction, and writes the fuzz copy of the schema (valid examples,
# narrowed ids and dates) and plan.json (per operation: its users, their tokens and objects). hooks.py sends each
# request as the next of the operation's users and counts the answers; report.py prints the table.
echo "fuzz: server up after $((SECONDS - started)) s; trying every operation as: $USERS"
"$PROJECT_PY" -m tests.fuzz.prepare "$BASE" "$WORK" $USERS
echo "fuzz: schemathesis after $((SECONDS - started)) s (phases $PHASES, seed $SEED, at most $MAX_EXAMPLES examples per operation)"
failed=""
if ! (cd "$WORK" && FUZZ_WORK="$WORK" SCHEMATHESIS_HOOKS="$ROOT/tests/fuzz/hooks.py" \
  "$FUZZ_VENV/bin/schemathesis" --config-file "$ROOT/tests/fuzz/schemathesis.toml" run "$WORK/schema.json" \
  --url "$BASE" --phases "$PHASES" --seed "$SEED" --max-examples "$MAX_EXAMPLES" --no-color \
  --report junit --report-junit-path "$WORK/junit.xml" "$@"); then
  failed=" schemathesis"
fi
"$FUZZ_VENV/bin/python" tests/fuzz/report.py "$WORK"

if [ -n "$failed" ]; then
  if grep -q " ERROR " "$WORK/server.log"; then
    echo "fuzz: server errors and tracebacks (full log: var/fuzz-work/server.log):"
    grep -v " WARNING django.request " "$WORK/server.log" | tail -n 400
  fi
  echo "fuzz: FAILED (in $((SECONDS - started)) s); reproduce with: bash tests/fuzz/run.sh" >&2
  exit 1
fi
echo "fuzz: passed as $USERS in $((SECONDS - started)) s"
