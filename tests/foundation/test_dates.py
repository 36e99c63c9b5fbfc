"""Dates as people read them: the first of a month is « 1er » in French."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from voix.dates import day_in_words, moment_in_words
from voix.invitation_cards import expiry_line


def test_the_first_of_a_month_is_premier_in_french_only() -> None:
    assert day_in_words(date(2026, 12, 1), "d MMMM y", "fr") == "1er décembre 2026"
    assert day_in_words(date(2026, 12, 1), "d MMM y", "fr") == "1er déc. 2026"
    assert day_in_words(date(2026, 12, 11), "d MMMM y", "fr") == "11 décembre 2026"
    assert day_in_words(date(2026, 12, 21), "d MMMM y", "fr") == "21 décembre 2026"
    assert day_in_words(date(2026, 12, 1), "d MMMM y", "en") == "1 December 2026"
    moment = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert moment_in_words(moment, "d MMMM y 'à' HH:mm", "fr") == "1er décembre 2026 à 10:00"


def test_an_invitation_card_valid_until_the_first_says_premier() -> None:
    # 23:30 UTC on 30 November is already 1 December in Paris.
    expires = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert expiry_line(expires, ZoneInfo("Europe/Paris")) == "Valable jusqu’au 1er décembre 2026"
