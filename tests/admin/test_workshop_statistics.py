"""Item statistics, reliability, correlations and breakdowns of the workshop pack, each recomputed here
from the rows by another route: the engine's ``score_youth``, textbook formulas, scipy."""

import itertools
import json
import sqlite3
import statistics
from collections import Counter
from datetime import datetime

import numpy
import pytest
from scipy import stats

from admin.context_questions import asked_after_answers, counting_conditions, not_broken_down_by
from admin.disclosure import share_band
from admin.workshop_formats import PackHeader, pack_document
from admin.workshop_pack import WorkshopRequest, build_workshop_pack
from admin.workshop_reliability import (
    ReliabilityRow,
    alpha_interval,
    cronbach_alpha,
    lowering_flags,
)
from referentiel.aggregation import aggregate
from referentiel.loading import find_referentiel
from referentiel.scoring import score_youth
from storage.youth_records import decode_answer


def referentiel_of(label):
    identifier, version = label.split("/")
    return find_referentiel(identifier, int(version))


def read_only(template):
    """The session's workshop dataset, opened so that nothing can change it for later tests."""
    return sqlite3.connect(f"file:{template}?mode=ro", uri=True)


@pytest.fixture(scope="module")
def pack(workshop_template):
    """The pack built once for the module's tests, which only read it."""
    connection = read_only(workshop_template)
    built = build_workshop_pack(connection, WorkshopRequest(minimum_group_size=10))
    connection.close()
    return built


@pytest.fixture(scope="module")
def runs(workshop_template):
    """Every run: (wave, référentiel, status, state, [(question, stored value, answered at)])."""
    connection = read_only(workshop_template)
    found = []
    for run_id, wave, referentiel_id, version, status, state in connection.execute(
        "SELECT id, wave, referentiel_id, referentiel_version, status, state FROM runs ORDER BY id"
    ):
        answers = connection.execute(
            "SELECT question_id, value, answered_at FROM answers WHERE run_id = ?", (run_id,)
        ).fetchall()
        found.append(
            (wave, find_referentiel(referentiel_id, int(version)), status, json.loads(state), answers)
        )
    connection.close()
    return found


def test_distributions_skips_and_drop_off_equal_the_rows(pack, runs):
    checked = banded = 0
    in_progress = {
        row.wave: row.figures["in_progress"] for row in pack.participation if row.group.level == "sector"
    }
    stops: Counter = Counter()
    for row in (item.as_dict() for item in pack.items):
        of_wave = [run for run in runs if run[0] == row["wave"]]
        given = [value for run in of_wave for question, value, _ in run[4] if question == row["question"]]
        stopped = sum(
            1 for run in of_wave if run[2] != "completed" and run[3].get("question_id") == row["question"]
        )
        asked_after = (
            referentiel_of(row["referentiel_version"]).question(row["question"]).condition is not None
        )
        # Masked, a question asked after some earlier answers keeps their count to itself.
        assert row["shown"] == (None if row["suppressed"] and asked_after else len(given))
        if row["suppressed"]:
            assert row["distribution"] == [] and row["skip_rate"] is None
            continue
        checked += 1
        skipped = given.count(None)
        assert row["skipped"] == skipped
        assert row["skip_rate"] == round(100 * skipped / len(given), 1)
        if in_progress[row["wave"]] is None:
            # Their sum would bound the stage the funnel withholds, and the bands beside it.
            assert row["stopped_here"] is None and row["drop_off_rate"] is None
        else:
            assert row["stopped_here"] == stopped
            assert row["drop_off_rate"] == round(100 * stopped / (len(given) + stopped), 1)
            stops[row["wave"]] += stopped
        chosen = Counter()
        for value in (decode_answer(value) for value in given if value is not None):
            chosen.update(str(option) for option in (value if isinstance(value, tuple) else (value,)))
        if row["type"] != "short_text":
            # Exact where 3 youth or more stand on each side; else a band (issue 11), or nothing
            # where the published options would pin a banded one.
            answered = row["answered"]
            for entry in row["distribution"]:
                count = chosen.get(entry["option"], 0)
                if entry["count"] is not None:
                    assert entry["count"] == count and min(count, answered - count) >= 3
                else:
                    assert entry["share"] is None
                    banded += entry["band"] is not None
                    if entry["band"] is not None:
                        assert min(count, answered - count) < 3
                        assert entry["band"] == share_band(answered, count, 3)
    assert checked >= 30 and banded > 0
    assert any(item.figures["stopped_here"] for item in pack.items if item.reason is None)
    assert all(stops[wave] <= in_progress[wave] for wave in stops)


def test_median_time_is_the_gap_since_the_previous_answer(pack, runs):
    gaps: dict = {}
    for wave, referentiel, _, _, answers in runs:
        order = {question.id: index for index, question in enumerate(referentiel.questions)}
        timed = sorted((datetime.fromisoformat(at), order[question], question) for question, _, at in answers)
        for (before, _, _), (after, _, question) in itertools.pairwise(timed):
            gaps.setdefault((wave, question), []).append((after - before).total_seconds())
    for item in pack.items:
        if item.reason is None:
            expected = gaps.get((item.wave, item.question))
            assert item.figures["median_seconds"] == (
                None if expected is None else statistics.median(expected)
            )


def test_floor_ceiling_and_flags(pack):
    for item in pack.items:
        if item.reason is not None:
            assert item.flags == []
            continue
        shares = [entry["share"] for entry in item.distribution]
        if item.type == "scale":  # an end's share is its option's, withheld with it
            assert item.figures["floor_share"] in (shares[0], shares[-1])
            assert item.figures["ceiling_share"] in (shares[0], shares[-1])
        flagged = {flag.flag for flag in item.flags}
        assert ("many_skipped" in flagged) == (item.figures["skipped"] / item.shown > 0.30)
        counts = [entry["count"] for entry in item.distribution]
        single = item.type in ("scale", "yes_no", "single_choice")
        if single and item.figures["answered"] and None not in counts:
            assert ("one_option" in flagged) == (max(counts) / item.figures["answered"] > 0.80)
        for found in item.flags:  # a withheld option's flag gives its band, never its number
            if found.flag == "one_option" and None in counts:
                label = found.reason.split("« ")[1].split(" »")[0]
                entry = next(entry for entry in item.distribution if entry["label"] == label)
                assert entry["count"] is not None or f"({entry['band'] or 'masqué'})" in found.reason


def textbook_alpha(rows: list[list[float]]) -> float:
    """α = k / (k − 1) × (1 − Σ var(item) / var(sum)), sample variances."""
    count = len(rows[0])
    item_variances = sum(statistics.variance(column) for column in zip(*rows, strict=True))
    return count / (count - 1) * (1 - item_variances / statistics.variance([sum(row) for row in rows]))


def complete_item_rows(runs, wave, referentiel, questions):
    rows = []
    for run_wave, run_referentiel, _, _, answers in runs:
        if run_wave != wave or run_referentiel.key != referentiel.key:
            continue
        given = {question: decode_answer(value) for question, value, _ in answers}
        row = []
        for question_id in questions:
            question = referentiel.question(question_id)
            option = question.option(given[question_id]) if given.get(question_id) is not None else None
            if option is None:
                break
            values = [candidate.value for candidate in question.options]
            row.append(min(values) + max(values) - option.value if question.reverse else option.value)
        else:
            rows.append(row)
    return rows


def test_alpha_item_rest_and_alpha_if_dropped_follow_the_textbook(pack, runs):
    checked = 0
    for reliability in pack.reliability:
        referentiel = referentiel_of(reliability.referentiel_version)
        rows = complete_item_rows(runs, reliability.wave, referentiel, reliability.questions)
        assert reliability.n == len(rows)
        if reliability.reason is not None:
            assert reliability.alpha is None
            continue
        checked += 1
        assert reliability.alpha == round(textbook_alpha(rows), 3)
        for index, item in enumerate(reliability.items):
            rest = [sum(row) - row[index] for row in rows]
            assert item["item_rest_correlation"] == round(
                statistics.correlation([row[index] for row in rows], rest), 3
            )
            if len(rows[0]) > 2:
                without = [row[:index] + row[index + 1 :] for row in rows]
                assert item["alpha_if_dropped"] == round(textbook_alpha(without), 3)
                gain = round(round(textbook_alpha(without), 3) - round(textbook_alpha(rows), 3), 3)
                assert item["lowers_alpha"] == (gain >= 0.01)  # from 0,167 to 0,167 is no gain
        # Under 100 youth chance would flag too often: the figures say it, no flag does.
        lowering = any(item["lowers_alpha"] for item in reliability.items)
        assert bool(lowering_flags(reliability)) == (len(rows) >= 100 and lowering)
        low = reliability.alpha < 0.6 and len(rows) >= 100
        assert [found.flag for found in reliability.flags] == (["low_alpha"] if low else [])
        assert reliability.alpha_ci_low < reliability.alpha < reliability.alpha_ci_high
    assert checked >= 6


def test_the_pattern_bootstrap_matches_scipys_resampling_of_youth():
    generator = numpy.random.default_rng(5)
    latent = generator.normal(size=400)
    youth = numpy.clip(numpy.round(2.5 + latent[:, None] + generator.normal(size=(400, 4))), 1, 4)
    patterns, weights = numpy.unique(youth, axis=0, return_counts=True)
    assert cronbach_alpha(patterns, weights.astype(float)) == pytest.approx(textbook_alpha(youth.tolist()))
    low, high = alpha_interval(patterns, weights.astype(float), numpy.random.default_rng(1), resamples=4000)
    # scipy resamples the youth themselves (their row numbers, one α per resample).
    reference = stats.bootstrap(
        (numpy.arange(len(youth)),),
        lambda rows: numpy_alpha(youth[rows]),
        vectorized=False,
        method="percentile",
        n_resamples=4000,
        random_state=numpy.random.default_rng(2),
    ).confidence_interval
    assert low == pytest.approx(reference.low, abs=0.02)
    assert high == pytest.approx(reference.high, abs=0.02)


def numpy_alpha(sample):
    covariance = numpy.cov(sample, rowvar=False)
    count = covariance.shape[0]
    return count / (count - 1) * (1 - numpy.trace(covariance) / covariance.sum())


_ENGINE_VALUES: dict = {}


def engine_values(runs, wave, referentiel):
    """Each run's indicator values as the engine scores them (not through the export's cache)."""
    key = (id(runs), wave, referentiel.key)
    if key not in _ENGINE_VALUES:
        _ENGINE_VALUES.clear()
        _ENGINE_VALUES[key] = _engine_values(runs, wave, referentiel)
    return _ENGINE_VALUES[key]


def _engine_values(runs, wave, referentiel):
    found = []
    for run_wave, run_referentiel, _, _, answers in runs:
        if run_wave == wave and run_referentiel.key == referentiel.key:
            given = {question: decode_answer(value) for question, value, _ in answers if value is not None}
            scores = score_youth(referentiel, given)
            found.append(
                ({key: None if score is None else score.value for key, score in scores.items()}, given)
            )
    return found


def test_correlations_are_pearsons_over_youth_with_both_values(pack, runs):
    checked = crossed = 0
    for row in pack.correlations:
        referentiel = referentiel_of(row.referentiel_version)
        pairs = [
            (values[row.indicator], values[row.other_indicator])
            for values, _ in engine_values(runs, row.wave, referentiel)
            if values[row.indicator] is not None and values[row.other_indicator] is not None
        ]
        if {row.indicator, row.other_indicator} & counting_conditions(referentiel):
            # Its n would count some earlier answers (« Tu sais ce que tu voudrais faire ? »).
            assert (row.n, row.r, row.reason) == (None, None, "secondary")
            continue
        assert row.n == len(pairs)
        binary = [
            referentiel.indicator(name).kind in ("proportion", "count_at_least")
            for name in (row.indicator, row.other_indicator)
        ]
        if all(binary) and len(pairs) >= 10:
            # Two shares: r gives their cross-table back; no cell of fewer than 3 youth is.
            cells = Counter(pairs)
            smallest = min(cells.get((first, second), 0) for first in (0, 100) for second in (0, 100))
            assert (row.reason == "few_on_one_side") == (smallest < 3), (row, cells)
            crossed += smallest < 3
        elif any(binary) and len(pairs) >= 10:
            # A share and a score: r gives the score's mean on each side of the share back.
            yes = sum(pair[0 if binary[0] else 1] == 100 for pair in pairs)
            assert (row.reason == "small_group") == (min(yes, len(pairs) - yes) < 10), row
        if row.reason is None:
            checked += 1
            assert row.r == pytest.approx(stats.pearsonr(*zip(*pairs, strict=True)).statistic, abs=5e-4)
    assert checked > 100 and crossed > 10


def test_breakdowns_by_time_here_are_the_aggregates_of_each_answer(pack, runs):
    published = banded = not_asked = 0
    for row in pack.breakdowns:
        referentiel = referentiel_of(row.referentiel_version)
        values = [
            values[row.indicator]
            for values, given in engine_values(runs, row.wave, referentiel)
            if given.get(row.question) == row.option and values[row.indicator] is not None
        ]
        if row.indicator in not_broken_down_by(referentiel, row.question):  # n: other answers
            assert (row.n, row.value, row.reason) == (None, None, "secondary")
            continue
        asked = asked_after_answers(referentiel, referentiel.indicator(row.indicator), row.question)
        if asked is not None and row.option not in asked:  # « Ça a changé… » after under 3 months
            assert (row.n, row.value, row.reason, values) == (None, None, "not_asked", [])
            not_asked += 1
            continue
        # A withheld cell shows no n (it would count youth of one answer to the context question).
        assert row.n == (None if row.reason not in (None, "few_on_one_side") else len(values))
        if row.reason is None:
            published += 1
            expected = aggregate(referentiel, row.indicator, values)
            digits = 2 if row.unit == "count" else 1
            assert row.value == round(expected.value, digits)
            assert (row.ci_low, row.ci_high) == (
                round(expected.ci_low, digits),
                round(expected.ci_high, digits),
            )
        else:
            assert row.value is None
        if row.unit == "percent" and values:  # a share: a band where fewer than 3 on one side
            yes = sum(value == 100 for value in values)
            if row.reason is None:
                assert min(yes, len(values) - yes) >= 3
            if row.band is not None:
                banded += 1
                assert row.reason == "few_on_one_side" and min(yes, len(values) - yes) < 3
                assert row.band == share_band(len(values), yes, 3)
    assert {row.question for row in pack.breakdowns} == {"time_here"}
    assert published > 50 and banded > 0 and not_asked > 0
    # Within one indicator and wave, the youth not in a published cell are 0 or at least k.
    cells: dict = {}
    for row in pack.breakdowns:
        cells.setdefault((row.referentiel_version, row.wave, row.indicator), []).append(row)
    for (label, wave, indicator), group in cells.items():
        referentiel = referentiel_of(label)
        total = sum(
            1 for values, _ in engine_values(runs, wave, referentiel) if values[indicator] is not None
        )
        residual = total - sum(row.n for row in group if row.reason is None)
        assert residual == 0 or residual >= 10, (wave, indicator)


def test_the_pack_says_the_threshold_of_its_bands(workshop_template):
    # VOIX_MINIMUM_YOUTH_PER_SIDE reaches the pack's rule text, in the JSON and the Lisez-moi.
    connection = read_only(workshop_template)
    built = build_workshop_pack(connection, WorkshopRequest(minimum_group_size=10, minimum_youth_per_side=5))
    connection.close()
    document = pack_document(built, PackHeader("2026-11-29T10:00:00+01:00", "export workshop"))
    assert "moins de 5 jeunes d’un côté" in document["suppression_rule"]
    assert "moins de 3 jeunes d’un côté" not in document["suppression_rule"]


def test_a_flag_writes_alpha_with_three_decimals_as_the_tables():
    # A reviewer read « de 0,303 à 0,33 » and « α = 0,09 » beside a table's « 0,090 ».
    row = ReliabilityRow("voix-mecs/2", "T0", "self_esteem", ("a", "b"), 140, alpha=0.303)
    row.items.append({"question": "b", "alpha_if_dropped": 0.33, "lowers_alpha": True})
    assert (
        lowering_flags(row)["b"].reason
        == "sans cette question, l’α du score self_esteem passerait de 0,303 à 0,330"
    )
