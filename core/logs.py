"""Structured logs: one JSON object per line, with the request id and the user id.

``RequestContextMiddleware`` gives every request an id (the proxy's ``X-Request-ID`` when it
is a sane one, else a new one), sends it back in the response's ``X-Request-ID`` header and
keeps it and the user's id for the log records of that request (``ContextFilter``); Celery
tasks log with their task id instead. ``LOG_FORMAT=json`` (the default outside DEBUG) writes
``JsonFormatter`` lines; ``text`` is for a developer's terminal.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
user_id: ContextVar[int | None] = ContextVar("user_id", default=None)
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or _task_id()
        if not hasattr(record, "user_id"):
            record.user_id = user_id.get()
        return True


def _task_id() -> str:
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover
        return ""
    task = current_task
    return f"task-{task.request.id}" if task and task.request and task.request.id else ""


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
            "user_id": getattr(record, "user_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestContextMiddleware:
    """Runs first: the request id for the logs and the response; the user id once known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        # Set for the rest of this request (each request starts afresh), so that Django's
        # own "Not Found" / "Internal Server Error" lines, written after the middleware,
        # carry them too.
        request_id.set(rid)
        user_id.set(None)
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id.set(user.pk)
        return None
