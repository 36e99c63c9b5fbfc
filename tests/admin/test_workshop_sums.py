"""The workshop pack's shortcuts give what the direct computation gives: the correlations' sums and
the breakdowns' histograms added batch by batch and merged, answers put in time order by one sort
of packed integers, the bootstrap drawn a few hundred resamples at a time, the reliability
computed in a forked process, the funnel and the breakdowns' decisions made there too."""

import os
import pickle
import sqlite3
from collections import Counter

import numpy
import pytest
from threadpoolctl import threadpool_limits

from admin import score_collection
from admin.context_questions import breakdown_questions
from admin.errors import SecondProcessError
from admin.pack_breakdowns import PackBreakdowns
from admin.score_table import Group
from admin.workshop_answer_counts import AnswerCounts
from admin.workshop_breakdowns import CellCounts
from admin.workshop_collection import _in_time_order, multi_item_scores
from admin.workshop_indicator_sums import IndicatorSums, TreeCells
from admin.workshop_reliability import (
    RESAMPLES_AT_ONCE,
    _alphas,
    alpha_interval,
    covariances,
    reliability_rows,
)
from admin.workshop_second_process import SecondProcess, compute_reliability
from referentiel.errors import ReferentielNotFound
from referentiel.loading import find_referentiel


def random_runs(count, width, seed):
    """Runs of indicator values (None where missing, values repeating as scores do) and context answers."""
    generator = numpy.random.default_rng(seed)
    runs = []
    for _ in range(count):
        values = [
            None if generator.random() < 0.3 else float(generator.integers(0, 5)) * 25 for _ in range(width)
        ]
        context = ('"a"' if generator.random() < 0.5 else '"b"', "" if generator.random() < 0.2 else '"c"')
        runs.append((values, context))
    return runs


def test_sums_added_in_batches_and_merged_equal_one_pass_over_every_value():
    runs = random_runs(95, 4, seed=3)
    first, second = IndicatorSums(batch=7), IndicatorSums(batch=10)
    for index, (values, context) in enumerate(runs):
        (first if index % 3 else second).add(values, context)
    first.merge(second)
    matrix = numpy.array([values for values, _ in runs], dtype=float)
    present = ~numpy.isnan(matrix)
    filled = numpy.where(present, matrix, 0.0)
    weights = present.astype(float)
    assert numpy.array_equal(first.pairs, weights.T @ weights)
    assert numpy.allclose(first.sums, filled.T @ weights)
    assert numpy.allclose(first.squares, (filled * filled).T @ weights)
    assert numpy.allclose(first.products, filled.T @ filled)
    expected: dict[tuple[int, str, int], Counter[float]] = {}
    for values, context in runs:
        for position, answer in enumerate(context):
            for column, value in enumerate(values):
                if value is not None:
                    expected.setdefault((position, answer, column), Counter())[value] += 1
    assert first.histograms() == expected


def test_tree_cells_added_in_batches_and_merged_count_each_structures_n_and_yes():
    runs = random_runs(95, 4, seed=5)
    first, second = TreeCells(batch=7), TreeCells(batch=3)  # 3: more batches than are added up at once
    for index, (values, context) in enumerate(runs):
        (first if index % 3 else second).add(10 + index % 4, values, context)
    first.merge(second)
    expected: Counter[tuple[int, int, str, int]] = Counter()
    expected_yes: Counter[tuple[int, int, str, int]] = Counter()
    for index, (values, context) in enumerate(runs):
        for position, answer in enumerate(context):
            for column, value in enumerate(values):
                if value is not None:
                    expected[(position, 10 + index % 4, answer, column)] += 1
                    expected_yes[(position, 10 + index % 4, answer, column)] += value == 100.0
    found: Counter[tuple[int, int, str, int]] = Counter()
    found_yes: Counter[tuple[int, int, str, int]] = Counter()
    for position in range(2):
        structures, texts, answers, columns, n, yes = first.cells(position)
        for structure, answer, column, count, on_side in zip(
            structures.tolist(), answers.tolist(), columns.tolist(), n.tolist(), yes.tolist(), strict=True
        ):
            found[(position, structure, texts[answer], column)] += count
            found_yes[(position, structure, texts[answer], column)] += on_side
    assert found == expected and +found_yes == +expected_yes
    assert sum(expected_yes.values()) > 10


def test_answer_counts_added_in_batches_merged_and_sent_count_each_structures_answers():
    generator = numpy.random.default_rng(9)
    questions = ["q1", "q2", "q3"]
    first, second = AnswerCounts(batch=7), AnswerCounts(batch=3)  # 3: more batches than added up at once
    expected: Counter[tuple[int, str, str]] = Counter()
    for index in range(400):
        structure = int(generator.integers(1, 9))
        texts = [["", '"a"', '"b"', '["a", "c"]'][int(generator.integers(4))] for _ in questions]
        shown = questions[: int(generator.integers(1, 4))]
        (first if index % 3 else second).add(structure, shown, texts)
        expected.update((structure, question, text) for question, text in zip(shown, texts, strict=False))
    first.merge(pickle.loads(pickle.dumps(second)))  # as the worker's are sent back
    structures, answers, runs = first.counted()
    found: Counter[tuple[int, str, str]] = Counter()
    for structure, answer, count in zip(structures.tolist(), answers.tolist(), runs.tolist(), strict=True):
        found[(first.structures.in_order[structure], *first.answers.in_order[answer])] += count
    assert found == expected and len(expected) > 50
    assert len(set(zip(structures.tolist(), answers.tolist(), strict=True))) == len(runs)  # added up


@pytest.mark.parametrize("span", [1, 3_600, 10**9, 2**50])
def test_answers_packed_and_sorted_are_in_the_order_a_lexsort_gives(span):
    generator = numpy.random.default_rng(span)
    runs = numpy.repeat(numpy.arange(300), generator.integers(1, 40, size=300))
    times = 1_760_000_000 + generator.integers(0, span, size=len(runs))  # 2**50 s: too wide to pack
    ranks = generator.integers(0, 70, size=len(runs))
    order = numpy.lexsort((ranks, times, runs))
    for found, expected in zip(_in_time_order(runs, times, ranks), (runs, times, ranks), strict=True):
        assert numpy.array_equal(found, expected[order])


def test_the_bootstrap_drawn_in_parts_is_the_bootstrap_drawn_at_once():
    generator = numpy.random.default_rng(11)
    items = generator.integers(1, 5, size=(60, 3)).astype(float)
    weights = generator.integers(1, 40, size=60).astype(float)
    resamples = 2 * RESAMPLES_AT_ONCE + 17
    total = int(weights.sum())
    drawn = numpy.random.default_rng(4).multinomial(total, weights / total, size=resamples)
    alphas = _alphas(covariances(items, drawn.astype(float)))
    expected = numpy.quantile(alphas[numpy.isfinite(alphas)], [0.025, 0.975])
    low, high = alpha_interval(items, weights, numpy.random.default_rng(4), resamples=resamples)
    assert (low, high) == pytest.approx(tuple(expected), abs=1e-12)


def patterns_task(wave):
    """One wave's answer patterns of v1's safety score (two agreement items), as the pass counts them."""
    patterns = Counter()
    for first, second, count in (
        ("yes_totally", "yes_totally", 30), ("yes_totally", "mostly_yes", 9), ("mostly_no", "mostly_no", 14),
        ("not_at_all", "mostly_yes", 4), ("mostly_yes", "mostly_yes", 11),
    ):  # fmt: skip
        patterns[("safety_score", (f'"{first}"', f'"{second}"'))] = count
    return (("voix-mecs", 1), "voix-mecs/1", wave, patterns)


def breakdowns_job():
    """A pack's breakdowns to decide: a sector, two organisations of two structures, random cells
    of version 1's breakdown question at T0, decided for the first organisation."""
    groups = [Group("sector", None, "Secteur", None, None)]
    for organisation in (1, 2):
        groups.append(
            Group("organisation", organisation, f"O{organisation}", f"O{organisation}", ("sector", None))
        )
        groups += [
            Group(
                "structure",
                10 * organisation + index,
                "S",
                f"O{organisation}",
                ("organisation", organisation),
            )
            for index in (1, 2)
        ]
    referentiel = find_referentiel("voix-mecs", 1)
    generator = numpy.random.default_rng(6)
    cells = []
    for question in breakdown_questions(referentiel):
        shape = (len(referentiel.indicators), len(question.options) + 1, len(groups))
        n = generator.integers(0, 14, shape)
        yes = generator.integers(0, n + 1)
        for above in (0, 1, 4):  # each group above its structures: their sum
            below = [1, 2, 3, 4, 5, 6] if above == 0 else [above + 1, above + 2]
            below = [index for index in below if groups[index].level == "structure"]
            n[:, :, above], yes[:, :, above] = n[:, :, below].sum(axis=2), yes[:, :, below].sum(axis=2)
        cells.append(CellCounts(n, yes))
    # The score export's decisions on each indicator's value: one in four withheld at random.
    levels = [
        ["secondary" if withheld else None for withheld in generator.random(len(groups)) < 0.25]
        for _ in referentiel.indicators
    ]
    return PackBreakdowns(
        groups, {("T0", referentiel.key): cells}, 1, 5, 3, levels={("T0", referentiel.key): levels}
    )


def big_enough(monkeypatch, path=":memory:"):
    """A database with runs, and a threshold that makes any number of runs worth a second process."""
    monkeypatch.setattr(score_collection, "PARALLEL_MINIMUM_RUNS", 0)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("CREATE TABLE runs (wave TEXT)")
    connection.executemany("INSERT INTO runs VALUES (?)", [("T0",), ("T0",), ("T1",)])
    return connection


def where_and_what(connection):
    """A funnel that says which process made it and what it read."""
    return [os.getpid(), connection.execute("SELECT count(*) FROM runs").fetchone()[0]]


def failing(connection):
    raise ValueError("the funnel failed")


def test_the_second_process_gives_the_rows_and_decisions_of_this_process(monkeypatch):
    tasks = [patterns_task("T0"), patterns_task("T1")]
    with SecondProcess(big_enough(monkeypatch), 10, 8, where_and_what) as process:
        assert process._process is not None  # a second process was started
        job = breakdowns_job()
        process.start(tasks, job)
        process.with_levels(job.levels)
        rows = process.rows()
        funnel = process.funnel_rows()
        breakdowns = process.breakdowns()
    assert rows == compute_reliability(tasks, 10, seed=8)
    assert funnel == [os.getpid(), 3]  # a database in memory: its funnel is made here
    decided = breakdowns_job()()
    assert breakdowns == decided
    reasons = [reason for found in decided.values() for cell in found.values() for reason in cell]
    assert None in reasons and len(set(reasons)) > 1
    t0, t1 = (next(row for row in found if row.indicator == "safety_score") for found in rows)
    assert (t0.wave, t1.wave) == ("T0", "T1") and t0.alpha is not None
    # The second wave's interval is drawn after the first's, from the same generator.
    assert (t0.alpha_ci_low, t0.alpha_ci_high) != (t1.alpha_ci_low, t1.alpha_ci_high)


def test_an_error_a_person_can_act_on_in_the_second_process_is_raised_here_as_it_is(monkeypatch):
    unknown = (("no-such-referentiel", 1), "no-such-referentiel/1", "T0", Counter())
    with SecondProcess(big_enough(monkeypatch), 10, 8, where_and_what) as process:
        job = breakdowns_job()
        process.start([unknown], job)
        process.with_levels(job.levels)
        with pytest.raises(ReferentielNotFound) as raised:
            process.rows()
    assert "no-such-referentiel" in raised.value.message  # what the CLI prints, as from one process


def test_a_pack_that_fails_before_the_pass_ends_leaves_no_process_behind(monkeypatch):
    with (
        pytest.raises(ValueError),
        SecondProcess(big_enough(monkeypatch), 10, 8, where_and_what) as process,
    ):
        raise ValueError("the pass failed")
    assert not process._process.is_alive()


def many_patterns_task(wave, seed):
    """A wave's patterns of v2's longest score: a thousand or so, products big enough for BLAS's threads."""
    referentiel = find_referentiel("voix-mecs", 2)
    score = max(multi_item_scores(referentiel), key=lambda indicator: len(indicator.questions))
    options = [referentiel.question(question).option_ids for question in score.questions]
    generator = numpy.random.default_rng(seed)
    patterns = Counter()
    for _ in range(1_500):
        texts = tuple(f'"{ids[generator.integers(len(ids))]}"' for ids in options)
        patterns[(score.id, texts)] += int(generator.integers(1, 30))
    return (referentiel.key, "voix-mecs/2", wave, patterns)


def test_the_reliability_on_one_blas_thread_gives_the_rows_of_several():
    tasks = [many_patterns_task("T0", seed=5)]
    generator = numpy.random.default_rng(8)
    with threadpool_limits(limits=4, user_api="blas"):  # as a pack computed them before
        expected = [
            reliability_rows(find_referentiel(*key), label, wave, patterns, 10, generator)
            for key, label, wave, patterns in tasks
        ]
    assert any(row.alpha is not None for rows in expected for row in rows)
    assert compute_reliability(tasks, 10, seed=8) == expected


def test_the_funnel_of_a_database_file_is_made_in_the_second_process(monkeypatch, tmp_path):
    with SecondProcess(big_enough(monkeypatch, tmp_path / "voix.db"), 10, 8, where_and_what) as process:
        job = breakdowns_job()
        process.start([patterns_task("T0")], job)
        process.with_levels(job.levels)
        rows = process.rows()
        made_by, runs = process.funnel_rows()
        second = process._process.pid
    assert rows == compute_reliability([patterns_task("T0")], 10, seed=8)
    assert (made_by, runs) == (second, 3) and second != os.getpid()


def test_a_failure_of_the_funnel_in_the_second_process_is_raised_here(monkeypatch, tmp_path):
    with SecondProcess(big_enough(monkeypatch, tmp_path / "voix.db"), 10, 8, failing) as process:
        job = breakdowns_job()
        process.start([patterns_task("T0")], job)
        process.with_levels(job.levels)
        with pytest.raises(SecondProcessError) as raised:
            process.rows()
    assert raised.value.message == (
        "the pack's second process failed (ValueError: the funnel failed); "
        "run the command again with --debug to see where"
    )
    assert isinstance(raised.value.__cause__, ValueError)
