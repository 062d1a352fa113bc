# Two commands on a fresh machine with only Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench audit clean

# Settings default to DEBUG off (a production deploy that forgets the variable must not run in debug with
# the development key); these development targets switch it on unless the caller chose a value.
run test lint bench: export DJANGO_DEBUG ?= True

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## run: the app on SQLite with demo data, a Celery worker and beat; Ctrl-C stops all of it.
run: $(STAMP)
	./scripts/run-dev.sh

## test: the whole suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set), spread
## over TEST_WORKERS processes (default: one more than the cores, since many tests wait on a browser, a server or a
## subprocess: on 2 cores, 3 workers took 908 s where 2 took 1,116 s; TEST_WORKERS=0 runs it in one process).
## --maxschedchunk=1: the workers are handed tests one at a time as they free up (not in blocks of a quarter of the
## suite), so the slowest tests, which tests/conftest.py collects first (HEAVY_FIRST), are shared between them.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --maxschedchunk=1 --durations=25

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

## bench: printed performance figures on PostgreSQL (DATABASE_URL required, SQLite refused), in a throw-away
## database that is created, migrated and dropped; `make bench SECTIONS=reminders` runs only the sections named.
bench: $(STAMP)
	$(PY) scripts/bench.py $(SECTIONS)

## audit: pip-audit over the pinned requirements (scripts/audit.py): fails on a known vulnerability, prints
## "SKIPPED: ... not reachable" (exit 0) when the vulnerability service cannot be reached.
audit: $(STAMP)
	$(PY) scripts/audit.py

clean:
	rm -rf $(VENV) var

## drill-backup: the backup-and-restore drill on PostgreSQL (DATABASE_URL required): demo data in a throw-away
## database, backed up, restored into a second one and an empty store, verified (audit chain, documents' SHA-256,
## rows), figures printed, everything dropped (deploy/backup-restore.md).
.PHONY: drill-backup
drill-backup: export DJANGO_DEBUG ?= True
drill-backup: $(STAMP)
	$(PY) scripts/drill_backup.py
## cluster-test: two gunicorn nodes behind HAProxy, on a PostgreSQL primary with a streaming replica, walk a proposal
## (tests/cluster/, also part of `make test`), then wrk measures req/s on one node and on two behind HAProxy, on a few
## hundred proposals (CLUSTER_BENCH_PROPOSALS, BENCH_WRK_SECONDS). Needs DATABASE_URL (PostgreSQL), REDIS_URL and
## Debian's haproxy and wrk.
.PHONY: cluster-test
cluster-test: export DJANGO_DEBUG ?= True
cluster-test: $(STAMP)
	CLUSTER_BENCH=1 BENCH_WRK_SECONDS=$${BENCH_WRK_SECONDS:-5} $(PY) -m pytest -p no:randomly tests/cluster -n 0 -s -q \
		-W ignore::DeprecationWarning

## drill-failover: a throw-away PostgreSQL primary + streaming replica on loopback (scripts/pgcluster.py), the app
## migrated on it, a writer through the services, the primary stopped, the replica promoted; prints the downtime, the
## data loss and verify_audit (issue 14 §6). DRILL_ARGS, e.g. "--sync" or "--before 30 --after 10".
.PHONY: drill-failover
drill-failover: export DJANGO_DEBUG ?= True
drill-failover: $(STAMP)
	$(PY) scripts/drill_failover.py $(DRILL_ARGS)

## bench-peer: OpenSlides 3.3 from PyPI, the peer of `make bench SECTIONS=pages`' create+submit figure, installed under
## var/peer/ and started on BENCH_PEER_PORT (8001); prints the BENCH_PEER_* variables to export (scripts/bench_peer.py
## lists its own). Needs a Python 3.6-3.8 (BENCH_PEER_PYTHON), redis-server and PostgreSQL. `make bench-peer PEER=stop`.
.PHONY: bench-peer
bench-peer:
	$(PYTHON) scripts/bench_peer.py $(or $(PEER),start)
