"""``add_up_sorted``: batches of counted keys added up as one Counter would."""

from collections import Counter

import numpy
from hypothesis import given
from hypothesis import strategies as st

from admin.sorted_counts import add_up_sorted

keys_and_counts = st.lists(st.tuples(st.integers(0, 1 << 40), st.integers(0, 50), st.integers(0, 50)))


@given(st.lists(keys_and_counts, min_size=1, max_size=5), st.booleans())
def test_batches_add_up_as_a_counter_does(batches, each_sorted):
    parts = []
    expected_n: Counter[int] = Counter()
    expected_yes: Counter[int] = Counter()
    for batch in batches:
        if each_sorted:  # as the pass gives them: a batch's distinct keys, sorted
            batch = sorted({key: (n, yes) for key, n, yes in batch}.items())
            batch = [(key, n, yes) for key, (n, yes) in batch]
        for key, n, yes in batch:
            expected_n[key] += n
            expected_yes[key] += yes
        parts.append(
            tuple(numpy.array([row[index] for row in batch], dtype=numpy.int64) for index in range(3))
        )
    keys, n, yes = add_up_sorted(parts)
    assert keys.tolist() == sorted(expected_n)
    assert dict(zip(keys.tolist(), n.tolist(), strict=True)) == expected_n
    assert dict(zip(keys.tolist(), yes.tolist(), strict=True)) == expected_yes
    assert n.dtype == yes.dtype == numpy.int64  # counts stay integers
