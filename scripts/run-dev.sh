#!/usr/bin/env bash
# `make run`: migrate, load demo data, then serve the app with a Celery worker and beat.
# Ctrl-C (or SIGTERM) stops the web server, the worker and beat together.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var/broker var/broker-processed

$PY manage.py migrate --noinput
$PY manage.py seed_demo

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping web server, worker and beat..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap stop INT TERM EXIT

# One worker process with an embedded beat: exactly one beat, as Celery requires.
.venv/bin/celery -A config worker --beat --loglevel=INFO --concurrency=1 \
  --schedule=var/celerybeat-schedule --without-gossip --without-mingle &
pids+=($!)
$PY manage.py runserver 127.0.0.1:8000 --noreload &
pids+=($!)

echo
echo "App: http://127.0.0.1:8000  (Ctrl-C to stop)"
wait -n "${pids[@]}" || true
