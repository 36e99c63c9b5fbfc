"""Disclosure control for every export: which values may be published, and why the others not.

The one place that decides what is masked, for every format and level: ``group_size`` (groups
under k youth, alone, by subtraction and across waves) and ``shares`` (a share with fewer than
3 youth on one side is a band, and what would give it back is masked; ``across_waves`` for what
who rose and fell tell beside T0 and T1, on the bounds ``tree_bounds`` adds up; ``option_bounds``
for the options of one question, every sum at once). Aggregation computes values; formats write
rows.
"""

from admin.disclosure.bands import narrower_than_band, share_band
from admin.disclosure.group_size import (
    FEW_ON_ONE_SIDE,
    REASON_TEXTS,
    SECONDARY,
    SMALL_GROUP,
    GroupCount,
    Reasons,
    WaveDecisions,
    check_minimum_group_size,
    suppress,
    withheld_more,
)
from admin.disclosure.shares import DisclosureTree
from admin.disclosure.tree_bounds import ShareCounts, ShareSides

__all__ = [
    "FEW_ON_ONE_SIDE",
    "REASON_TEXTS",
    "SECONDARY",
    "SMALL_GROUP",
    "DisclosureTree",
    "GroupCount",
    "Reasons",
    "ShareCounts",
    "ShareSides",
    "WaveDecisions",
    "check_minimum_group_size",
    "narrower_than_band",
    "share_band",
    "suppress",
    "withheld_more",
]
