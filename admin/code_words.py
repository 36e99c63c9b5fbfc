"""The exports' codes in words, where people read them: the workbooks and the pack's page.

The JSON and the CSV keep the codes (``small_group``, ``percentage_points``, ``change``): programs
and filters read them. The XLSX of the scores and of the pack, and the pack's HTML, write them in
French (« trop peu de jeunes », « points de % », « évolution T0 → T1 »), a dimension by its
référentiel title.
"""

import functools
from collections.abc import Iterable

from referentiel.loading import shipped_referentiels

# The codes of the JSON in words, where the page and the workbook show them.
REASON_WORDS = {
    "small_group": "trop peu de jeunes",
    "secondary": "masquage secondaire",
    "few_on_one_side": "trop peu de jeunes d’un côté (presque tous, ou presque aucun)",
    "no_variance": "sans variation",
    "not_asked": "non posée après cette réponse",
}
UNIT_WORDS = {
    "percentage_points": "points\u00a0de\u00a0%",
    "points": "points (sur 100)",
    "count": "nombre",
    "percent": "%",
    "score_0_100": "sur 100",
    "percent_improved": "% ayant progressé",
}
CODE_WORDS = {
    "reason": REASON_WORDS,
    "wave": {"change": "évolution T0 → T1", "exit": "sortie"},
    "unit": UNIT_WORDS,
    "level": {"sector": "secteur", "organisation": "organisation", "structure": "structure"},
    "type": {
        "single_choice": "choix unique", "multiple_choice": "choix multiple", "scale": "échelle",
        "yes_no": "oui ou non", "number": "nombre", "short_text": "texte court",
    },
}  # fmt: skip


# The columns whose codes a Lisez-moi's rule quotes (« small_group », « change »…) or the other
# formats hold: a workbook lists those its sheets show in words (the rule's text is the same in
# every format).
GLOSSARY_COLUMNS = ("level", "wave", "unit", "reason")


def glossary_lines(shown: Iterable[tuple[str, object]]) -> list[tuple[str, str]]:
    """A workbook's Lisez-moi lines: each code its sheets show in words (``shown``: every (column,
    value) of its rows), beside those words, in the order of ``CODE_WORDS``."""
    found = set(shown)
    return [
        (code, words)
        for column in GLOSSARY_COLUMNS
        for code, words in CODE_WORDS[column].items()
        if (column, code) in found and code != words
    ]


def in_words(column: str, value: object, referentiel_version: str | None = None) -> object:
    """A cell of a workbook or of the pack's page: a code of the JSON (``small_group``,
    ``percentage_points``, a dimension's id) in words; a dimension by its title in the row's
    version (``voix-mecs/1``), for a version may title it otherwise (« estime »: « Confiance en
    soi » in version 1, « Estime de soi » in version 2)."""
    words = CODE_WORDS.get(column) if column != "dimension" else _dimension_titles(referentiel_version)
    return words.get(value, value) if words is not None and isinstance(value, str) else value


@functools.cache
def _dimension_titles(referentiel_version: str | None) -> dict[str, str]:
    """A shipped version's dimension ids with their French titles; without a version (or for one
    not shipped), every version's, the latest's title where they differ."""
    shipped = shipped_referentiels()
    chosen = [found for found in shipped if f"{found.id}/{found.version}" == referentiel_version]
    return {
        dimension.id: dimension.title.get("fr", dimension.id)
        for referentiel in sorted(chosen or shipped, key=lambda found: found.version)
        for dimension in referentiel.dimensions
    }
