"""Dates as people read them: Babel's formats, with French's « 1er » for the first of a month."""

from datetime import date, datetime

from babel.dates import format_date, format_datetime


def day_in_words(day: date, pattern: str, language: str) -> str:
    """``day`` in ``pattern`` (Babel's: « d MMMM y »), « 1er décembre » in French, not « 1 décembre »."""
    return _first_of_month(format_date(day, pattern, locale=language), day.day, language)


def moment_in_words(moment: datetime, pattern: str, language: str) -> str:
    """``moment`` in ``pattern``, the first of a month written as ``day_in_words`` writes it."""
    return _first_of_month(format_datetime(moment, pattern, locale=language), moment.day, language)


def _first_of_month(written: str, day: int, language: str) -> str:
    if language == "fr" and day == 1 and written.startswith("1 "):
        return "1er " + written[2:]
    return written
