"""Which database errors are passing: a server restarting, a connection dropped, a lock or
serialization conflict. Tasks retry them; requests answer 503 "try again" instead of 500."""

from django.db import InterfaceError, OperationalError

# PostgreSQL's error codes for a try that may well succeed again: serialization failure,
# deadlock, lock not available, too many connections, the server shutting down or restarting.
TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03", "53300", "57P01", "57P02", "57P03"}
TRANSIENT_PHRASES = (
    "database is locked", "database table is locked", "server closed the connection", "connection refused",
    "could not connect", "connection failed", "terminating connection", "the database system is",
    "connection is closed", "connection already closed",
)  # fmt: skip


def is_transient_database_error(error: BaseException) -> bool:
    """Whether a database error is worth trying again shortly (and not a bug such as a missing table)."""
    if isinstance(error, InterfaceError):  # the connection is gone
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate:
        return sqlstate in TRANSIENT_SQLSTATES or sqlstate.startswith("08")  # class 08: connection exceptions
    message = str(error).lower()
    return any(phrase in message for phrase in TRANSIENT_PHRASES)
