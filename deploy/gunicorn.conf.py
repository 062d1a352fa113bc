"""gunicorn settings for a web node (issue 14 §5, deploy/observability.md): `gunicorn -c deploy/gunicorn.conf.py
config.wsgi`. Command-line options (--bind, --workers, --timeout) still apply on top.

With PROMETHEUS_MULTIPROC_DIR set in the service's environment, each worker writes its metrics to files in that
folder and /metrics on any worker adds them up; the folder is emptied when gunicorn starts (samples of an earlier
run would be counted again) and a worker that exits is marked dead so that its live gauges disappear.
"""

import os
import shutil
from pathlib import Path

# Which request, in gunicorn's own access log too.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
