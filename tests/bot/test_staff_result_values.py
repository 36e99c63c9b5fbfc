"""The in-chat summary of /resultats writes a share's band, never its number (issue 11)."""

from types import SimpleNamespace

from bot.staff_results import MASKED, MASKED_SECONDARY, MASKED_SMALL_GROUP, _summary_lines, _value


def row(value, suppressed, band=None, unit="percent", n=12, reason=None):
    return SimpleNamespace(value=value, suppressed=suppressed, band=band, unit=unit, n=n, reason=reason)


REQUEST = SimpleNamespace(language="fr", text=lambda message, **words: f"<{message}>")


def test_a_banded_share_shows_its_band_and_its_n():
    assert _value(REQUEST, row(None, True, "< 20 %"), 10) == "< 20\u00a0% (n = 12)"
    assert _value(REQUEST, row(None, True, "> 80 %"), 10) == "> 80\u00a0% (n = 12)"
    english = SimpleNamespace(language="en", text=REQUEST.text)
    assert _value(english, row(None, True, "< 20 %"), 10) == "< 20% (n = 12)"


def test_a_masked_value_says_masked_and_why_and_a_published_one_its_number():
    assert _value(REQUEST, row(None, True, n=4, reason="small_group"), 10) == f"<{MASKED_SMALL_GROUP}>"
    assert _value(REQUEST, row(None, True, reason="secondary"), 10) == f"<{MASKED_SECONDARY}>"
    assert _value(REQUEST, row(None, True, reason="few_on_one_side"), 10) == f"<{MASKED}>"
    assert _value(REQUEST, row(57.5, False), 10) == "57,5\u00a0% (n = 12)"
    assert _value(REQUEST, row(60.0, False), 10) == "60,0\u00a0% (n = 12)"
    assert _value(SimpleNamespace(language="en", text=REQUEST.text), row(57.5, False), 10) == "57.5% (n = 12)"
    assert _value(REQUEST, row(48.25, False, unit="score_0_100"), 10) == "48,2/100 (n = 12)"


def test_the_summary_names_the_version_of_each_dimension_when_rows_span_several():
    def score(version: str, wave: str, value: float) -> SimpleNamespace:
        return SimpleNamespace(
            referentiel_version=version, dimension="securite", indicator="feel_safe", wave=wave,
            value=value, suppressed=False, band=None, unit="percent", n=20,
        )  # fmt: skip

    request = SimpleNamespace(
        language="fr", text=lambda message, **words: message.format(**words) if words else message
    )
    one_version = _summary_lines(
        request, [score("voix-mecs/2", "T0", 50.0), score("voix-mecs/2", "T1", 60.0)], 10
    )
    assert one_version == [
        "Sécurité",
        "• Jeunes qui se sentent en sécurité: T0 50,0\u00a0% (n = 20) · T1 60,0\u00a0% (n = 20)",
    ]
    two_versions = _summary_lines(
        request, [score("voix-mecs/1", "T0", 40.0), score("voix-mecs/2", "T1", 60.0)], 10
    )
    assert two_versions == [
        "Sécurité (version 1 of the questionnaire)",
        "• Jeunes qui se sentent en sécurité: T0 40,0\u00a0% (n = 20)",
        "Sécurité (version 2 of the questionnaire)",
        "• Jeunes qui se sentent en sécurité: T1 60,0\u00a0% (n = 20)",
    ]
