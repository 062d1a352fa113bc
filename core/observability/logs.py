"""Log lines that name their request: a filter that stamps every record, and the two formats LOG_FORMAT chooses.

`json` (production's default): one JSON object per line through python-json-logger, with `timestamp` (UTC, ISO
8601), `level`, `logger`, `message`, `request_id` and whatever the call passed as `extra` (the access line's `view`,
`status`, `duration_ms`...). `text` (DEBUG's default, `make run`): a readable line with the request id in brackets.
The filter sits on the handler, so it stamps the records of every logger, Django's and Celery's included.
"""

import copy
import logging

from pythonjsonlogger.json import JsonFormatter

from . import request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (None outside a request or task) and, inside a task, `task_id` and `task_name`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.current.get()
        task = request_id.current_task.get()
        if task is not None:
            record.task_id, record.task_name = task
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        ["levelname", "name", "message"],
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp=True,
        # Vietnamese names stay readable in the log, not \u-escaped.
        json_ensure_ascii=False,
    )


class TextFormatter(logging.Formatter):
    """TEXT_FORMAT, with "-" for a line outside any request or task (and for a record no handler filter stamped)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record = copy.copy(record)
            record.request_id = "-"
        return super().formatMessage(record)


def text_formatter() -> logging.Formatter:
    return TextFormatter(TEXT_FORMAT)


def formatter(log_format: str) -> logging.Formatter:
    return json_formatter() if log_format == "json" else text_formatter()
