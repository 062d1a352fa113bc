"""Operations (issue 14 §5): health endpoints, request ids in structured logs, Prometheus metrics.

- `request_id`: the id of the request (or task) being served, in a context variable every log line reads.
- `logs`: the log filter and formatters (JSON through python-json-logger, or text), LOG_FORMAT chooses.
- `middleware.ObservabilityMiddleware`: first in MIDDLEWARE; answers /healthz, /readyz and /metrics itself, before
  the host check, the HTTPS redirect and the session, and times, logs and counts every other request.
- `health`: the readiness checks (database, broker, document store), each bounded in time.
- `metrics`: the Prometheus metrics, the scrape-time collectors that apps register, and who may scrape.
- `celery`: the request id carried in task headers, task durations and failures, the worker's log format.

deploy/observability.md is the operator's page.
"""
