"""Reading figures: word counts, French reading ease from textstat, and the README that states them."""

import re
from pathlib import Path

import pytest

from admin.referentiel_commands import reading_report
from conversations.consent import answering_minutes
from referentiel.loading import shipped_referentiels
from referentiel.models import Referentiel
from referentiel.readability import item_readings, long_items, read_item, summarise_language
from referentiel.timing import estimated_seconds

README = (Path(__file__).parents[2] / "referentiel" / "README.md").read_text("utf-8")
DOCS = (Path(__file__).parents[2] / "docs" / "referentiel.md").read_text("utf-8")


def test_french_reading_ease_is_kandel_and_moles_on_textstat_counts() -> None:
    # "Tu te sens en sécurité là où tu vis ?": 9 words, 12 syllables (tu-te-sens-en-sé-cu-ri-té-
    # là-où-tu-vis), 1 sentence → 207 − 1.015 × 9 − 73.6 × 12 / 9
    reading = read_item("safe_home", "fr", "Tu te sens en sécurité là où tu vis ?")
    assert reading.words == 9
    assert reading.reading_ease == round(207 - 1.015 * 9 - 73.6 * 12 / 9, 1) == 99.7


def test_longer_words_read_harder() -> None:
    short = read_item("a", "fr", "Tu as un ami ?")
    long = read_item("b", "fr", "Tu connais parfaitement les conséquences administratives ?")
    assert short.reading_ease is not None and long.reading_ease is not None
    assert long.reading_ease < 40 < short.reading_ease


def test_english_gets_words_only_never_a_dictionary_download() -> None:
    reading = read_item("safe_home", "en", "Do you feel safe here, in your care home?")
    assert (reading.words, reading.reading_ease) == (9, None)


def test_items_over_the_maximum_are_reported() -> None:
    readings = [read_item("a", "fr", "un deux trois"), read_item("b", "fr", "un deux trois quatre")]
    assert [reading.question_id for reading in long_items(readings, maximum_words=3)] == ["b"]
    assert long_items(readings, maximum_words=4) == []


def test_v2_has_no_item_over_15_words_in_any_language() -> None:
    v2 = shipped_referentiels()[-1]
    assert v2.version == 2
    assert long_items(item_readings(v2), maximum_words=15) == []


def test_the_notice_announces_the_checkers_time() -> None:
    for referentiel in shipped_referentiels():
        shortest, longest = estimated_seconds(referentiel)
        low, high = answering_minutes(referentiel)
        assert low * 60 <= shortest and longest <= high * 60  # rounded outwards
    assert answering_minutes(shipped_referentiels()[-1]) == (4, 7)


@pytest.mark.parametrize("referentiel", shipped_referentiels(), ids=lambda r: f"v{r.version}")
def test_the_readme_and_the_docs_state_the_checkers_figures(referentiel: Referentiel) -> None:
    row = next(line for line in README.splitlines() if re.match(rf"^\| {referentiel.version}\b", line))
    readings = item_readings(referentiel)
    french = summarise_language(readings, "fr")
    shortest, longest = estimated_seconds(referentiel)
    low, high = answering_minutes(referentiel)
    assert f"| {len(referentiel.questions)} |" in row
    assert f"{shortest // 60} min {shortest % 60:02d} s – {longest // 60} min {longest % 60:02d} s" in row
    assert f"| {low} to {high} minutes |" in row
    assert f"| {french.median_words:g}, {french.longest_words} |" in row
    assert f"| {french.median_ease:g}, {french.lowest_ease:g} (`{french.hardest_item}`) |" in row
    assert row.endswith(f"| {len(long_items(readings))} |")
    for line in reading_report(referentiel, 15):
        assert f"      {line}\n" in DOCS, line
