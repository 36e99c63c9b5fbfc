"""The exports' codes in words, where people read them: the workbooks and the pack's page.

The JSON and the CSV keep the codes (``small_group``, ``percentage_points``, ``change``): programs
and filters read them. The XLSX of the scores and of the pack, and the pack's HTML, write them in
French (« trop peu de jeunes », « points de % », « évolution T0 → T1 »), a dimension by its
référentiel title.
"""

import functools

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


# The codes a Lisez-moi's rule quotes (« small_group », « change »…), with the words the sheets
# show instead: the rule's text is the same in every format.
GLOSSARY_COLUMNS = ("level", "wave", "unit", "reason")


def glossary_lines() -> list[tuple[str, str]]:
    """A workbook's Lisez-moi lines that say which word stands for which code in its sheets."""
    return [
        (code, words)
        for column in GLOSSARY_COLUMNS
        for code, words in CODE_WORDS[column].items()
        if column != "level" or code != words
    ]


def in_words(column: str, value: object) -> object:
    """A cell of a workbook or of the pack's page: a code of the JSON (``small_group``,
    ``percentage_points``, a dimension's id) in words."""
    words = CODE_WORDS.get(column) if column != "dimension" else _dimension_titles()
    return words.get(value, value) if words is not None and isinstance(value, str) else value


@functools.cache
def _dimension_titles() -> dict[str, str]:
    """Every shipped version's dimension ids with their French titles (« securite »: « Besoins de
    première nécessité »)."""
    return {
        dimension.id: dimension.title.get("fr", dimension.id)
        for referentiel in shipped_referentiels()
        for dimension in referentiel.dimensions
    }
