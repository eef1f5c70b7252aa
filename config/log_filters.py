"""Filters for the log configuration in settings (LOGGING)."""

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """A refused request (a 4xx: forbidden, not found) is the client's doing, not a fault of
    ours: one line, without the traceback of the exception that produced it. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
