"""Logging for the running bot: one line per event, and nothing that identifies a youth.

Rules, enforced here rather than trusted to every caller:

* digit runs of 6 or more (Telegram user and chat ids, the numeric half of the bot token, update
  ids) are replaced by ``[redacted]`` in every formatted line;
* an exception is logged as its type only (its message may quote what a youth typed), unless the
  operator asked for ``--debug``, and then its traceback is redacted like the rest;
* libraries that log request URLs (httpx: the URL holds the token) or whole updates (PTB at DEBUG:
  message texts and first names) are held at WARNING/INFO whatever the level.
"""

import logging
import re
import sys
from typing import TextIO

LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
_LONG_DIGIT_RUN = re.compile(r"\d{6,}")

# Loggers that would print tokens, chat ids or message texts at their chatty levels, with the
# lowest level we let through.
_QUIET_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
}


def redact(text: str) -> str:
    """Replace every run of six or more digits so no Telegram id survives in a log line."""
    return _LONG_DIGIT_RUN.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrite each record into one redacted line before any handler formats it."""

    def __init__(self, keep_tracebacks: bool = False) -> None:
        super().__init__()
        self.keep_tracebacks = keep_tracebacks

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the message and reduce an exception to its type; always keep the record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        if record.exc_info and record.exc_info[0] is not None:
            exception_type = record.exc_info[0].__name__
            if self.keep_tracebacks:
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            else:
                message = f"{message} [{exception_type}]"
                record.exc_info = None
                record.exc_text = None
        record.msg = redact(message).replace("\n", " ")
        record.args = None
        record.stack_info = None
        return True


def configure_logging(debug: bool = False, stream: TextIO | None = None) -> logging.Handler:
    """Send every log line through one redacting handler; return it so tests can remove it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(LINE_FORMAT))
    handler.addFilter(RedactingFilter(keep_tracebacks=debug))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if not _is_pytest_handler(existing):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    quiet_libraries()
    return handler


def quiet_libraries() -> None:
    """Hold back the libraries that log tokens, ids or message texts at their chatty levels."""
    for name, level in _QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)


def _is_pytest_handler(handler: logging.Handler) -> bool:
    return type(handler).__module__.startswith("_pytest")
