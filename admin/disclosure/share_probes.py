"""Probing the last check's bounds: a count near a band's edge, tried at each end of its range.

``share_sums`` bounds each count alone, to a fixed point; a reader may also reason by cases. In
adversarial seed 3062 (lower is better) « if 2 of these 8 fell, they said yes at T0, so their
organisation's T0 band leaves its T0-only youth none; the sector's exact waves then leave its
T1-only youth none, so 7 of the 8 paired youth said yes at T1 and at most 1 fell »: who fell was
« 0 or 1 », not the band's « 0, 1 or 2 ». Each end of such a count's range is tried: where the
bounds cannot hold with the count there, a reader knows it is not, and the count is narrower
than its range. Tried on the count's own group, the groups on its way to the root, and each of
those groups' other parts added up into one (their bounds added): a weaker system than the whole
tree's, so it never finds a narrowing a reader could not make; every probe of one path length at
once, with numpy.
"""

from collections.abc import Sequence

import numpy

from admin.disclosure.option_bounds import bounded_more_than_band

# Passes at most per batch of probes (each moves some bound by one at least).
PASSES = 200


def probed_pinned(
    identities: Sequence[tuple[tuple[tuple[int, int], ...], bool]],
    parents: Sequence[int | None],
    pairs: numpy.ndarray,
    bounds: tuple[numpy.ndarray, numpy.ndarray],
    candidates: numpy.ndarray,
    limits: tuple[numpy.ndarray, int],
    true_counts: numpy.ndarray | None = None,
) -> numpy.ndarray:
    """Of ``candidates`` (places ``kind * size + group`` in the flat ``bounds``), those a probe at
    an end of their range narrows more tightly than a band. ``identities``: ``share_sums``' (terms,
    at most the pairs); ``limits``: every count's size, and ``minimum_side``. ``true_counts``
    (flat as ``bounds``), where known and holding every bound, identity and sum: an end at a
    count's true value is not tried, since no reasoning rules out what is so (a test tries them)."""
    low, high = bounds
    sizes, side = limits
    # Each candidate at both ends of its range (once where they are one).
    both = low[candidates] != high[candidates]
    places = numpy.concatenate([candidates, candidates[both]])
    values = numpy.concatenate([low[candidates], high[candidates][both]])
    refused = numpy.zeros(len(places), dtype=bool)
    tried = numpy.ones(len(places), dtype=bool) if true_counts is None else values != true_counts[places]
    refused[tried] = refused_values(identities, parents, pairs, bounds, (places[tried], values[tried]))
    # What a refused end leaves of the range, then whether that is tighter than a band.
    narrowed_low = low[places] + (refused & (values == low[places]))
    narrowed_high = high[places] - (refused & (values == high[places]))
    tighter = refused & (
        (narrowed_low > narrowed_high)
        | bounded_more_than_band(narrowed_low, narrowed_high, sizes[places], side)
    )
    pinned = numpy.zeros(len(low), dtype=bool)
    pinned[places[tighter]] = True
    return pinned


def refused_values(
    identities: Sequence[tuple[tuple[tuple[int, int], ...], bool]],
    parents: Sequence[int | None],
    pairs: numpy.ndarray,
    bounds: tuple[numpy.ndarray, numpy.ndarray],
    trials: tuple[numpy.ndarray, numpy.ndarray],
) -> numpy.ndarray:
    """Per trial (a place in the flat ``bounds``, a value), whether the bounds along its group's
    way to the root cannot hold with the count at that value: a value a reader rules out."""
    low, high = bounds
    places, values = trials
    size = len(parents)
    kinds = len(low) // size
    lows, highs = low.reshape(kinds, size), high.reshape(kinds, size)
    parent = numpy.array([-1 if found is None else found for found in parents], dtype=numpy.int64)
    inner = parent >= 0

    def added(counts: numpy.ndarray) -> numpy.ndarray:
        """Per group, its parts' counts added up."""
        return numpy.bincount(parent[inner], counts[inner], size)

    parts_low = numpy.array([added(lows[kind]) for kind in range(kinds)])
    parts_high = numpy.array([added(highs[kind]) for kind in range(kinds)])
    has_parts = numpy.bincount(parent[inner], minlength=size) > 0
    # Each group's way to the root: itself, its parent, … (-1 past the root).
    steps = [numpy.arange(size)]
    while True:
        above = numpy.where(steps[-1] >= 0, parent[numpy.maximum(steps[-1], 0)], -1)
        if (above < 0).all():
            break
        steps.append(above)
    ways = numpy.stack(steps, axis=1)
    lengths = (ways >= 0).sum(axis=1)
    refused = numpy.zeros(len(places), dtype=bool)
    groups = places % size
    # One batch per way length, and per whether the count's own group has parts (a structure's
    # counts are its own, not a sum: its way has no node of parts).
    for length in numpy.unique(lengths[groups]).tolist():
        for own_parts in (False, True):
            chosen = numpy.flatnonzero((lengths[groups] == length) & (has_parts[groups] == own_parts))
            if len(chosen):
                refused[chosen] = _infeasible(
                    identities,
                    (ways[groups[chosen], :length], own_parts),
                    (lows, highs, parts_low, parts_high),
                    (pairs, added(pairs)),
                    (places[chosen] // size, values[chosen]),
                )
    return refused


def _infeasible(
    identities: Sequence[tuple[tuple[tuple[int, int], ...], bool]],
    tree: tuple[numpy.ndarray, bool],
    bounds: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray],
    pairs_of: tuple[numpy.ndarray, numpy.ndarray],
    trials: tuple[numpy.ndarray, numpy.ndarray],
) -> numpy.ndarray:
    """Per trial (its count's kind and value), whether the bounds along its group's way to the root
    cannot hold with the count at that value. ``tree``: per trial its way (groups, from its own),
    and whether their own groups have parts. Nodes: the way's groups, then per group of the way
    its other parts added up (for the count's own group, all its parts, where it has some). Each
    value lies within its count's published range (an end of it).

    The bounds of each way are first narrowed alone, once per group, to where nothing moves; each
    trial then starts from its way's and moves only what its value moves. Narrowing finds the
    greatest bounds that hold (whatever the order, from any start that holds all of them), so the
    answer is the one narrowing every trial from the published bounds gives, in less work: a trial
    that no longer moves is set aside (on the 50,000-youth bench, 6.6 → 4.6 s of processor time).
    """
    ways, own_parts = tree
    kind_of, values = trials
    length = ways.shape[1]
    own, way_of = numpy.unique(ways[:, 0], return_inverse=True)
    first_of_way = numpy.zeros(len(own), dtype=numpy.int64)
    first_of_way[way_of] = numpy.arange(len(way_of))
    low, high, most = _path_nodes(ways[first_of_way], bounds, pairs_of, own_parts)
    failed_way = _settle(identities, (low, high, most), length, own_parts)
    trial = numpy.arange(len(way_of))
    low, high, most = low[:, way_of], high[:, way_of], most[way_of]
    low[kind_of, trial, 0] = numpy.maximum(low[kind_of, trial, 0], values)
    high[kind_of, trial, 0] = numpy.minimum(high[kind_of, trial, 0], values)
    refused: numpy.ndarray = failed_way[way_of] | _settle(identities, (low, high, most), length, own_parts)
    return refused


def _path_nodes(
    ways: numpy.ndarray,
    bounds: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray],
    pairs_of: tuple[numpy.ndarray, numpy.ndarray],
    own_parts: bool,
) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Per way (groups, from its own), the bounds of each node — the way's groups, then each one's
    other parts: its parts less the way's group below it (the own group's all its parts, only
    where it has some: ``own_parts``) — and the pairs each node holds at most."""
    lows, highs, parts_low, parts_high = bounds
    pairs, parts_pairs = pairs_of
    count, length = ways.shape
    below = numpy.concatenate([numpy.zeros((count, 1), dtype=numpy.int64), ways[:, :-1]], axis=1)
    first = numpy.zeros(length, dtype=bool)
    first[0] = True
    low = numpy.concatenate(
        [lows[:, ways], parts_low[:, ways] - numpy.where(first, 0.0, lows[:, below])], axis=2
    )
    high = numpy.concatenate(
        [highs[:, ways], parts_high[:, ways] - numpy.where(first, 0.0, highs[:, below])], axis=2
    )
    most = numpy.concatenate([pairs[ways], parts_pairs[ways] - numpy.where(first, 0.0, pairs[below])], axis=1)
    if not own_parts:  # no node of the own group's parts
        low, high, most = (numpy.delete(nodes, length, axis=-1) for nodes in (low, high, most))
    # Whole numbers and halves (youth counted, under 8 million): exact in 32 bits, half the work.
    return low.astype(numpy.float32), high.astype(numpy.float32), most.astype(numpy.float32)


def _settle(
    identities: Sequence[tuple[tuple[tuple[int, int], ...], bool]],
    nodes: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray],
    length: int,
    own_parts: bool,
) -> numpy.ndarray:
    """Narrow each row's bounds (``nodes``: low and high per kind, row and node, and each node's
    pairs at most) in place until nothing moves; returns per row whether its bounds crossed (they
    cannot all hold). A row that no longer moves is set aside, its bounds written back."""
    low, high, most = nodes
    failed: numpy.ndarray = numpy.asarray((low > high).any(axis=(0, 2)))
    active = numpy.flatnonzero(~failed)
    rows_low, rows_high, rows_most = low[:, active], high[:, active], most[active]
    for _ in range(PASSES):
        if not len(active):
            break
        before_low, before_high = rows_low.copy(), rows_high.copy()
        for terms, at_most_pairs in identities:
            narrow(rows_low, rows_high, terms, rows_most if at_most_pairs else 0.0)
        _add_up(rows_low, rows_high, length, own_parts)
        crossed = (rows_low > rows_high).any(axis=(0, 2))
        failed[active[crossed]] = True
        moving = ((rows_low != before_low) | (rows_high != before_high)).any(axis=(0, 2)) & ~crossed
        settled = ~moving & ~crossed
        low[:, active[settled]], high[:, active[settled]] = rows_low[:, settled], rows_high[:, settled]
        if not moving.all():
            active = active[moving]
            rows_low, rows_high = rows_low[:, moving], rows_high[:, moving]
            rows_most = rows_most[moving]
    else:
        low[:, active], high[:, active] = rows_low, rows_high
    return failed


def narrow(low: numpy.ndarray, high: numpy.ndarray, terms: tuple[tuple[int, int], ...], most: object) -> None:
    """One identity, 0 ≤ Σ coefficient × count ≤ ``most``, for every group (or trial and node)
    at once: ``low[kind]``, ``high[kind]`` are each count's bounds (whole numbers), narrowed in
    place. A term of coefficient ±1 is bounded without dividing or rounding (its bound is whole)."""
    # The sum at its least and at its most: each term at its count's low or high, by its sign.
    total_least, total_most = _sum_bounds(low, high, terms)
    for kind, sign in terms:
        # Both bounds from the count's bounds before this identity (its high first, from its low).
        if sign == 1:
            term_high = most - total_least + low[kind]
            numpy.maximum(low[kind], high[kind] - total_most, out=low[kind])
            numpy.minimum(high[kind], term_high, out=high[kind])
        elif sign == -1:
            term_high = total_most + low[kind]
            numpy.maximum(low[kind], total_least + high[kind] - most, out=low[kind])
            numpy.minimum(high[kind], term_high, out=high[kind])
        else:
            least, greatest = (low[kind], high[kind]) if sign > 0 else (high[kind], low[kind])
            term_low = (0.0 - (total_most - sign * greatest)) / sign
            term_high = (most - (total_least - sign * least)) / sign
            if sign < 0:
                term_low, term_high = term_high, term_low
            numpy.maximum(low[kind], numpy.ceil(term_low), out=low[kind])
            numpy.minimum(high[kind], numpy.floor(term_high), out=high[kind])


def _sum_bounds(
    low: numpy.ndarray, high: numpy.ndarray, terms: tuple[tuple[int, int], ...]
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The least and the most Σ coefficient × count can be, given each count's bounds."""
    (kind, sign), *others = terms
    least = (low[kind] if sign > 0 else high[kind]) * sign
    greatest = (high[kind] if sign > 0 else low[kind]) * sign
    for kind, sign in others:
        if sign == 1:
            least += low[kind]
            greatest += high[kind]
        elif sign == -1:
            least -= high[kind]
            greatest -= low[kind]
        else:
            least += (low[kind] if sign > 0 else high[kind]) * sign
            greatest += (high[kind] if sign > 0 else low[kind]) * sign
    return least, greatest


def _add_up(low: numpy.ndarray, high: numpy.ndarray, length: int, own_parts: bool) -> None:
    """Each path group is its parts added up: the path group below it and its other parts
    together; the count's own group only where it has parts (``own_parts``: then its parts are
    node ``length``, and each group's other parts follow; else from node ``length``, those of
    the groups above it)."""
    for step in range(0 if own_parts else 1, length):
        other = length + step if own_parts else length + step - 1
        parts = [other] if step == 0 else [step - 1, other]
        part_low = low[:, :, parts].sum(axis=2)
        part_high = high[:, :, parts].sum(axis=2)
        group_low = numpy.maximum(low[:, :, step], part_low)
        group_high = numpy.minimum(high[:, :, step], part_high)
        narrowed = [
            (
                part,
                numpy.maximum(low[:, :, part], group_low - (part_high - high[:, :, part])),
                numpy.minimum(high[:, :, part], group_high - (part_low - low[:, :, part])),
            )
            for part in parts
        ]
        low[:, :, step], high[:, :, step] = group_low, group_high
        for part, new_low, new_high in narrowed:
            low[:, :, part], high[:, :, part] = new_low, new_high
