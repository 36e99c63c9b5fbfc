"""What a reader learns of a count from a band or from subtraction, and when that is too much.

A band ("< 10 %") stands for 0, 1 … ``minimum_side`` − 1 youth on the small side of a share and
tells nothing more; a total known exactly bounds the pieces it adds up, and must not bound one of
them more tightly than a band would (``narrower_than_band``). Pure arithmetic for
``admin.disclosure.shares``.
"""

from collections.abc import Sequence


def share_band(n: int, on_side: int, minimum_side: int) -> str | None:
    """The band published instead of a share with fewer than ``minimum_side`` youth on one side.

    ``on_side`` counts the youth the share is about (favourable, improved). The band is the same
    for 0, 1 … ``minimum_side`` − 1 youth on the small side, so it tells only that there are
    fewer than that: "< 10 %" or "> 90 %" for a group of 21 youth or more (with 3), wider for
    fewer ("< 30 %" for 10). None where the band would cover half the scale or more.
    """
    bound = 10 * (100 * (minimum_side - 1) // (10 * n)) + 10
    if bound >= 50:
        return None
    return f"< {bound} %" if on_side < minimum_side else f"> {100 - bound} %"


def band_range(n: int, on_side: int, minimum_side: int) -> tuple[int, int]:
    """What a band tells of a count among ``n`` youth (fewest, most): fewer than ``minimum_side``
    on the side ``on_side`` is on."""
    return (0, minimum_side - 1) if on_side < minimum_side else (n - minimum_side + 1, n)


def pieces_safe(known: int, pieces: Sequence[tuple[int, int, int]], minimum_side: int) -> bool:
    """Whether an exact yes total over some pieces of youth gives none of them away.

    Each piece is (size, fewest yes, most yes) as the reader bounds it without the total. The
    total must leave ``minimum_side`` youth on each side, and bound no piece more tightly than a
    band would where it leaves fewer than ``minimum_side`` on one side.
    """
    size = lowest = highest = 0
    for piece_size, low, high in pieces:
        size += piece_size
        lowest += low
        highest += high
    if size == 0:
        return True
    return min(known, size - known) >= minimum_side and not _narrows(
        known, pieces, minimum_side, (lowest, highest)
    )


def pieces_totals(pieces: Sequence[tuple[int, int, int]]) -> tuple[int, int, int, int]:
    """Some pieces' size, fewest and most yes added up, and the widest piece's range: what
    ``merged_pieces_safe`` needs of them, worked out once for every merge they are part of."""
    size = lowest = highest = widest = 0
    for piece_size, low, high in pieces:
        size += piece_size
        lowest += low
        highest += high
        widest = max(widest, high - low)
    return size, lowest, highest, widest


def merged_pieces_safe(
    known: int,
    parts: tuple[Sequence[tuple[int, int, int]], Sequence[tuple[int, int, int]]],
    totals: tuple[tuple[int, int, int, int], tuple[int, int, int, int]],
    minimum_side: int,
) -> bool:
    """``pieces_safe`` of two lists of pieces together, given each one's ``pieces_totals``: the
    same answer, without going through the pieces where no piece is wider than the room the total
    leaves (a sector's thousands of pieces, tried against each of its hundreds of parts)."""
    (size, lowest, highest, widest), (other_size, other_lowest, other_highest, other_widest) = totals
    size, lowest, highest = size + other_size, lowest + other_lowest, highest + other_highest
    if size == 0:
        return True
    if min(known, size - known) < minimum_side:
        return False
    if max(widest, other_widest) <= min(highest - known, known - lowest):
        return True  # the total leaves every piece as it was (``_narrows``)
    return not _narrows(known, [*parts[0], *parts[1]], minimum_side, (lowest, highest))


def distance(option: int, others: Sequence[int]) -> int:
    """How far an option is, in the question's list, from the nearest of some others."""
    return min(abs(option - other) for other in others)


def options_safe(n: int, known: int, ranges: Sequence[tuple[int, int]], minimum_side: int) -> bool:
    """Whether ``known`` youth among a group's withheld options give none of those options away."""
    if 0 < known < minimum_side:
        return False
    return not narrows(known, [(n, low, high) for low, high in ranges], minimum_side)


def narrows(known: int, pieces: Sequence[tuple[int, int, int]], minimum_side: int) -> bool:
    """Whether an exact total of some pieces' counts bounds one of them more tightly than a band."""
    lowest = sum(piece[1] for piece in pieces)
    highest = sum(piece[2] for piece in pieces)
    return _narrows(known, pieces, minimum_side, (lowest, highest))


def _narrows(
    known: int, pieces: Sequence[tuple[int, int, int]], minimum_side: int, totals: tuple[int, int]
) -> bool:
    """``narrows`` given the pieces' fewest and most added up. A piece is narrowed only where it
    is wider than the room the total leaves above or below the others: most pieces are not, and
    are passed over without working out their bounds."""
    lowest, highest = totals
    room_above, room_below = highest - known, known - lowest
    for size, low, high in pieces:
        if high - low <= room_above and high - low <= room_below:
            continue  # the total leaves it as it was
        bounded_low = max(low, known - (highest - high))
        bounded_high = min(high, known - (lowest - low))
        if narrower_than_band(bounded_low, bounded_high, size, minimum_side):
            return True
    return False


def narrower_than_band(low: int, high: int, size: int, minimum_side: int) -> bool:
    """Whether knowing ``low`` ≤ yes ≤ ``high`` among ``size`` youth says more than a band may.

    A band tells only that fewer than ``minimum_side`` youth stand on one side; knowing which
    number, or a narrower range there, lets those who know their own answer deduce others'.
    """
    band = min(minimum_side - 1, size)
    few_yes = high <= minimum_side - 1 and (low > 0 or high < band)
    few_no = size - low <= minimum_side - 1 and (size - high > 0 or size - low < band)
    return few_yes or few_no
