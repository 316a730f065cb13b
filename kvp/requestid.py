"""Request ids for the logs: one id per request, on every log line written while it runs, in
the response's X-Request-ID header, and passed on to the Celery tasks the request enqueues.

The id comes from the incoming X-Request-ID header when KVP_TRUST_REQUEST_ID is set (a
reverse proxy in front that sets it) and it looks like an id; otherwise it is generated.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from celery import signals
from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
access_logger = logging.getLogger("kvp.access")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# Letters, digits and - _ . : only, so a hostile header cannot forge log lines or fields.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def current() -> str | None:
    return _current.get()


def new_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        if not (settings.KVP_TRUST_REQUEST_ID and _VALID.match(incoming)):
            incoming = new_id()
        request.request_id = incoming  # type: ignore[attr-defined]
        token = _current.set(incoming)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            if settings.KVP_ACCESS_LOG:
                _log_access(request, response.status_code, time.monotonic() - started)
        finally:
            _current.reset(token)
        response[HEADER] = incoming
        return response


def _log_access(request: HttpRequest, status: int, seconds: float) -> None:
    """One line per request (instead of gunicorn's access log, which knows no request id).
    The path without its query string: searches may hold names or national ids."""
    user = getattr(request, "user", None)
    access_logger.info(
        "%s %s %s",
        request.method,
        request.path,
        status,
        extra={
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "user": user.get_username() if user is not None and user.is_authenticated else None,
        },
    )


class RequestIdFilter(logging.Filter):
    """Put the current request id (or None outside requests and tasks) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


# --- Celery: the id travels in the task message's headers -----------------------------------


@signals.before_task_publish.connect
def _add_request_id_to_task(headers=None, **kwargs) -> None:
    request_id = _current.get()
    if request_id and headers is not None:
        headers.setdefault("kvp_request_id", request_id)


_task_tokens: dict[str, contextvars.Token] = {}


@signals.task_prerun.connect
def _set_request_id_in_task(task_id=None, task=None, **kwargs) -> None:
    request_id = getattr(task.request, "kvp_request_id", None) if task is not None else None
    if request_id is None and task is not None:
        request_id = (getattr(task.request, "headers", None) or {}).get("kvp_request_id")
    _task_tokens[task_id] = _current.set(request_id or f"task-{task_id}")


@signals.task_postrun.connect
def _reset_request_id_after_task(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _current.reset(token)
