#!/usr/bin/env bash
# `make run`: migrate, load the demo province, then serve the app with a Celery worker and beat.
# Ctrl-C (or SIGTERM) stops the web server, the worker and beat together.
# Plain bash 3.2+ (macOS ships 3.2): no `wait -n`, no arrays.
set -eu
cd "$(dirname "$0")/.."
# At a terminal, Ctrl-C goes to the terminal's foreground process group, which holds make too: make then dies of
# the signal ("Error 130") whatever this script does. So rerun it as a job of its own (`set -m`) that the terminal
# hands Ctrl-C to; make only sees the exit status, 0 after "Đã dừng.".
if [ -t 0 ] && [ -z "${RUN_DEV_OWN_GROUP:-}" ]; then
  set -m
  status=0
  RUN_DEV_OWN_GROUP=1 "$0" "$@" || status=$?
  exit $status
fi
PY=.venv/bin/python
CELERY=.venv/bin/celery
ADDR=127.0.0.1:${PORT:-8000}
VAR_DIR=${DJANGO_VAR_DIR:-var}
# Settings default to DEBUG off (production); a development server runs in debug unless told otherwise.
export DJANGO_DEBUG="${DJANGO_DEBUG:-True}"
# The demo is walked by signing in as one persona after another: a second factor required of every head would
# make each of them enrol an authenticator first. Off here unless asked for (printed with the logins below);
# anyone can still enrol from the user menu.
export TWO_FACTOR_REQUIRED_ROLES="${TWO_FACTOR_REQUIRED_ROLES-}"

# Fail before starting anything: otherwise runserver dies while the worker keeps going, and the
# readiness check below would be answered by whatever holds the port.
if ! $PY -c "import socket, sys; socket.create_server(('127.0.0.1', int(sys.argv[1])))" "${ADDR##*:}" 2>/dev/null; then
  echo "Cổng ${ADDR##*:} đang bị chương trình khác sử dụng. Dừng chương trình đó, hoặc chạy: PORT=8001 make run" >&2
  exit 1
fi

web=
worker=
stop() {
  trap - INT TERM EXIT
  echo
  echo "Đang dừng máy chủ web, worker và beat..."
  # Background jobs of a script ignore SIGINT, so Ctrl-C reaches them only through this TERM.
  kill -TERM $web $worker 2>/dev/null || true
  wait 2>/dev/null || true
  echo "Đã dừng."
}
trap 'stop; exit 0' INT  # Ctrl-C is how one stops it: a normal end, as for runserver
trap 'stop; exit 143' TERM
trap stop EXIT

$PY manage.py migrate --noinput
$PY manage.py seed_demo --verbosity 0

# One worker process with an embedded beat: exactly one beat, as Celery requires. It consumes every queue
# (CELERY_TASK_QUEUES); a deployment may give each queue workers of its own (deploy/celery.md).
$CELERY -A config worker --beat --loglevel=INFO --concurrency=1 --schedule="$VAR_DIR/celerybeat-schedule" \
  -Q default,reminders,reports,documents --without-gossip --without-mingle --without-heartbeat &
worker=$!
$PY manage.py runserver "$ADDR" --noreload &
web=$!

# Show the demo logins only once both answer, so that they are the last thing on screen rather than
# lost above the start-up banners.
until $PY -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
  "http://$ADDR/tai-khoan/dang-nhap/" 2>/dev/null; do
  kill -0 "$web" 2>/dev/null || { echo "Máy chủ web không khởi động được." >&2; exit 1; }
  sleep 1
done
until $CELERY -A config inspect ping --timeout 1 >/dev/null 2>&1; do
  kill -0 "$worker" 2>/dev/null || { echo "Celery worker không khởi động được." >&2; exit 1; }
done
$PY manage.py seed_demo --logins-only
if [ -z "$TWO_FACTOR_REQUIRED_ROLES" ]; then
  echo "Xác thực hai lớp: không bắt buộc trong bản demo. Để bắt buộc như khi vận hành: TWO_FACTOR_REQUIRED_ROLES=head,deputy,secretariat,admin make run"
else
  echo "Xác thực hai lớp bắt buộc với: $TWO_FACTOR_REQUIRED_ROLES (lần đăng nhập đầu: quét mã QR bằng ứng dụng xác thực)."
fi
echo "Ứng dụng: http://$ADDR/  —  Celery worker và beat đang chạy. Nhấn Ctrl-C để dừng tất cả."

# Until either process ends (then the EXIT trap stops the other one).
while kill -0 "$web" 2>/dev/null && kill -0 "$worker" 2>/dev/null; do sleep 1; done
echo "Một tiến trình đã dừng ngoài ý muốn; xem thông báo lỗi ở trên." >&2
exit 1
