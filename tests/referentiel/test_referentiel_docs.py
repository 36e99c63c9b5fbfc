"""docs/referentiel.md stays true: shipped versions, timings, the example's numbers."""

import re
from pathlib import Path

from admin.referentiel_commands import summary
from referentiel.loading import current_referentiel, shipped_referentiels
from referentiel.scoring import score_youth
from referentiel.timing import SECONDS_PER_INTRODUCTION, SECONDS_PER_TYPE

DOCS = (Path(__file__).parents[2] / "docs" / "referentiel.md").read_text("utf-8")


def test_every_shipped_version_is_in_the_table() -> None:
    for referentiel in shipped_referentiels():
        row = f"| `{referentiel.id}` | {referentiel.version} | `referentiel/data/"
        assert row in DOCS, f"add {referentiel.key} to docs/referentiel.md"


def test_the_check_example_is_the_real_output() -> None:
    assert f"    {summary(current_referentiel())}\n" in DOCS


def test_the_timing_table_matches_the_code() -> None:
    documented = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|$", DOCS, flags=re.MULTILINE))
    assert {name: int(seconds) for name, seconds in documented.items()} == SECONDS_PER_TYPE
    assert f"| each dimension's introduction | {SECONDS_PER_INTRODUCTION} |" in DOCS


def test_the_worked_example_scores_as_documented() -> None:
    answers = {
        "cook_meal": "alone",
        "wash_clothes": "alone",
        "manage_money": "alone",
        "appointment": "with_help",
        "transport": None,
    }
    score = score_youth(current_referentiel(), answers)["autonomy_score"]
    assert score is not None and score.value == 87.5
    assert "= **87.5**" in DOCS
