"""The in-chat summary of /resultats writes a share's band, never its number (issue 11)."""

from types import SimpleNamespace

from bot.staff_results import MASKED, _value


def row(value, suppressed, band=None, unit="percent", n=12):
    return SimpleNamespace(value=value, suppressed=suppressed, band=band, unit=unit, n=n)


REQUEST = SimpleNamespace(language="fr", text=lambda message, **words: f"<{message}>")


def test_a_banded_share_shows_its_band_and_its_n():
    assert _value(REQUEST, row(None, True, "< 20 %")) == "< 20 % (n = 12)"
    assert _value(REQUEST, row(None, True, "> 80 %")) == "> 80 % (n = 12)"


def test_a_masked_value_says_masked_and_a_published_one_its_number():
    assert _value(REQUEST, row(None, True)) == f"<{MASKED}>"
    assert _value(REQUEST, row(57.5, False)) == "57,5 % (n = 12)"
