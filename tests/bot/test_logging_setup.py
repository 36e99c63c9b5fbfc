"""Log lines never carry a Telegram id, a token, or an exception's message."""

import io
import logging

from voix.logging_setup import RedactingFilter, configure_logging, redact


def test_long_digit_runs_are_redacted_and_short_ones_kept() -> None:
    line = "chat 700000123 at 2026-11-26 10:00 took 12 ms"
    assert redact(line) == "chat [redacted] at 2026-11-26 10:00 took 12 ms"


def test_configured_handler_writes_one_redacted_line_per_event() -> None:
    stream = io.StringIO()
    handler = configure_logging(stream=stream)
    try:
        logger = logging.getLogger("bot.test")
        logger.info("sent to %s", 700000123)
        try:
            raise ValueError("the youth wrote: je m'appelle Camille")
        except ValueError:
            logger.exception("handler failed for update %d", 123456789)
        logging.getLogger("httpx").info("POST https://api.telegram.org/bot123456:SECRET/sendMessage")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("bot.test: sent to [redacted]")
    assert lines[1].endswith("handler failed for update [redacted] [ValueError]")
    assert "Camille" not in stream.getvalue()


def test_debug_keeps_a_redacted_traceback() -> None:
    record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "failed", None, None)
    try:
        raise KeyError(987654321)
    except KeyError:
        import sys

        record.exc_info = sys.exc_info()
    RedactingFilter(keep_tracebacks=True).filter(record)
    assert record.exc_text is not None
    assert "Traceback" in record.exc_text
    assert "987654321" not in record.exc_text
