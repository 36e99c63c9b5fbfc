"""How much of an export the disclosure rule publishes, on synthetic data where youth answer both waves.

Usage: ``python bench/disclosure_shares.py [--youth 5000] [--structures 12] [--organisations 10]
[--skip 0.05] [--second-wave-share 1.0] [--min-group 10] [--min-side 3]``

Builds the synthetic dataset in memory (``bench.synthetic_dataset``: every item skipped with
probability ``--skip``, so some youth have an indicator's value at one wave only), builds the
table of ``voix admin export scores --by structure --wave all`` and prints one summary line:
the share of rows published per wave and level (rows with n = 0 not counted), for the change
rows of structures counted only where the structure has at least k paired youth. The default
shape is the one of issue 13 (5,000 youth, 12 structures, 10 organisations).
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from admin.score_table import ScoreRow, build_score_table  # noqa: E402
from bench import synthetic_dataset  # noqa: E402
from bench.synthetic_dataset import DatasetShape, fill_database  # noqa: E402
from referentiel.aggregation import DEFAULT_MINIMUM_YOUTH_PER_SIDE  # noqa: E402
from referentiel.loading import current_referentiel  # noqa: E402
from storage.database import open_sync_connection  # noqa: E402
from storage.migrations import apply_migrations  # noqa: E402

LEVELS = ("sector", "organisation", "structure")
WAVES = ("T0", "T1", "change")


def published_shares(rows: list[ScoreRow], minimum_group_size: int) -> dict[tuple[str, str], tuple[int, int]]:
    """(published, counted) rows per (wave, level).

    Rows with n = 0 have nothing to publish (a group with no answer, an indicator with no change)
    and are not counted; structure change rows count where they have ≥ k pairs. Withheld rows of
    an indicator whose n depends on answers show no n: they are not counted either.
    """
    counted: Counter[tuple[str, str]] = Counter()
    published: Counter[tuple[str, str]] = Counter()
    for row in rows:
        if row.n is None:
            continue
        if row.n == 0 or (row.wave == "change" and row.level == "structure" and row.n < minimum_group_size):
            continue
        counted[(row.wave, row.level)] += 1
        published[(row.wave, row.level)] += not row.suppressed
    return {key: (published[key], counted[key]) for key in counted}


def summary_line(shares: dict[tuple[str, str], tuple[int, int]], arguments: argparse.Namespace) -> str:
    """One line: the shape, then published/counted (percent) per wave and level."""
    parts = []
    for wave in WAVES:
        cells = []
        for level in LEVELS:
            published, counted = shares.get((wave, level), (0, 0))
            share = 100 * published / counted if counted else 0.0
            cells.append(f"{level} {published}/{counted} ({share:.0f} %)")
        parts.append(f"{wave}: " + ", ".join(cells))
    shape = (
        f"{arguments.youth:,} youth, {arguments.structures} structures, {arguments.organisations} "
        f"organisations, T1 share {arguments.second_wave_share:g}, {100 * arguments.skip:g} % items "
        f"skipped, k = {arguments.min_group}, bands under {arguments.min_side} youth on one side"
    )
    return f"published rows ({shape}; structure change rows with ≥ k pairs) — " + "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=5_000)
    parser.add_argument("--structures", type=int, default=12)
    parser.add_argument("--organisations", type=int, default=10)
    parser.add_argument("--skip", type=float, default=synthetic_dataset.SKIP_PROBABILITY)
    parser.add_argument("--second-wave-share", type=float, default=1.0)
    parser.add_argument("--min-group", type=int, default=10)
    parser.add_argument(
        "--min-side", type=int, default=DEFAULT_MINIMUM_YOUTH_PER_SIDE,
        help="bands under this many youth on one side of a share (0: the group-size rule alone)",
    )  # fmt: skip
    arguments = parser.parse_args()
    synthetic_dataset.SKIP_PROBABILITY = arguments.skip
    connection = open_sync_connection(Path(":memory:"), create=True)
    apply_migrations(connection)
    shape = DatasetShape(
        arguments.organisations, arguments.structures, arguments.youth, arguments.second_wave_share
    )
    fill_database(connection, current_referentiel(), shape)
    table = build_score_table(connection, arguments.min_group, minimum_youth_per_side=arguments.min_side)
    connection.close()
    print(summary_line(published_shares(table.rows, arguments.min_group), arguments))
    return 0


if __name__ == "__main__":
    sys.exit(main())
