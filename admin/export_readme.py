"""Plain-French explanations that travel with every export: the masking rule and each indicator."""

from collections.abc import Sequence

from admin.disclosure import FEW_ON_ONE_SIDE, REASON_TEXTS, SECONDARY, SMALL_GROUP
from admin.score_table import ScoreTable, referentiel_label
from referentiel.aggregation import DEFAULT_MINIMUM_YOUTH_PER_SIDE

UNIT_TEXTS = {
    "percent": "pourcentage de jeunes (0 à 100)",
    "score_0_100": "score moyen sur 100",
    "count": "nombre moyen",
    "percentage_points": "évolution en points de pourcentage (T1 − T0)",
    "points": "évolution du score en points (T1 − T0)",
    "percent_improved": "part des jeunes (présents aux deux vagues) dont la valeur a augmenté (0 à 100)",
}
INDICATOR_HEADINGS = ("Indicateur", "Dimension", "Intitulé", "Ce qu’il mesure")
VERSIONS_NOTE = (
    "Plusieurs versions du référentiel : un jeune dont la deuxième vague (T1) a été remplie avec une "
    "autre version, dans la même structure, compte à T0 dans cette version-là (ses réponses aux "
    "questions qu’elle garde ; un indicateur dont une question est nouvelle n’a pas de valeur T0 pour "
    "lui), pour que T0, T1 et l’évolution d’une version comptent les mêmes jeunes. La version de "
    "départ garde à T0 les autres jeunes."
)


def versions_note(referentiel_labels: Sequence[str]) -> str | None:
    """What an export of several versions of one référentiel says of where a T0 counts
    (``admin.carried_runs``); None for a single version."""
    identifiers = [label.rpartition("/")[0] for label in referentiel_labels]
    return VERSIONS_NOTE if len(set(identifiers)) < len(identifiers) else None


def rule_lines(
    minimum_group_size: int,
    minimum_youth_per_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
    share_improved_rows: bool = True,
) -> list[str]:
    """Return the masking rule in plain French, with this export's k. ``share_improved_rows``:
    whether the export has the change's second line per indicator (the workshop pack has not)."""
    k = minimum_group_size
    side = minimum_youth_per_side
    return [
        f"Un groupe (structure, organisation, secteur) compté sur moins de {k} jeunes n’est pas publié : "
        f"sa valeur et son intervalle sont vides, seule sa taille n est donnée "
        f"(raison « {SMALL_GROUP} » : {REASON_TEXTS[SMALL_GROUP].format(k=k)}).",
        "Masquage secondaire : le total d’une organisation (ou du secteur) est la somme de ses structures "
        "(nombre de jeunes, nombre de réponses favorables, sommes des scores). Si une seule structure était "
        "masquée, on la retrouverait en retirant les autres du total. Une autre structure, la plus petite, "
        f"est donc masquée aussi, jusqu’à ce que l’ensemble des groupes masqués compte au moins {k} jeunes "
        f"(raison « {SECONDARY} »).",
        "La règle est appliquée à l’ensemble des données, quel que soit le périmètre de l’export : "
        "deux exports de périmètres différents ne peuvent pas être croisés pour démasquer un groupe.",
        "Les intervalles sont à 95 % : Wilson pour les pourcentages, Student pour les moyennes et les "
        "évolutions.",
        "Évolution (vague « change ») : différence T1 − T0 pour les mêmes jeunes, comptés s’ils ont une "
        "valeur aux deux vagues. "
        + (
            "Chaque indicateur y a deux lignes : l’évolution moyenne, et la part des jeunes dont la valeur "
            "a augmenté (unité « percent_improved » ; une valeur inchangée ne compte pas)."
            if share_improved_rows
            else "Ce dossier n’en reprend que l’évolution moyenne ; la part des jeunes dont la valeur a "
            "augmenté est dans l’export des scores."
        ),
        "Un jeune qui change de structure garde son pseudonyme et son historique : chaque questionnaire "
        "compte pour la structure où il était quand il l’a commencé. Un jeune qui a changé de structure "
        "entre T0 et T1 compte dans T0 et T1, chacun là où il a été rempli, mais pas dans l’évolution.",
        "Les deux vagues et l’évolution sont vérifiées ensemble. Certains jeunes n’ont une valeur qu’à une "
        "vague : partis avant T1, ou qui ont passé la question à l’une des deux. Pour un même groupe, le "
        f"calcul T0 − T1 + évolution ne dépend que de leurs réponses : s’ils étaient moins de {k}, on les "
        "retrouverait. T0 et l’évolution sont publiés selon les règles ci-dessus ; c’est le niveau T1 qui "
        f"est masqué quand il rendrait ce calcul possible (raison « {SECONDARY} ») : là où T0 ou l’évolution "
        "du groupe est masqué, et là où le groupe, avec ceux de ses sous-groupes dont T1 est déjà masqué, "
        f"compte de 1 à {k - 1} jeunes n’ayant répondu qu’à une vague. L’évolution, ce que le référentiel "
        "sert à mesurer, reste ainsi publiée ; un T1 masqué est proche de T0 + évolution.",
        f"Un pourcentage de 0 % ou de 100 % dirait à qui connaît le groupe ce que chacun a répondu. Quand "
        f"moins de {side} jeunes sont d’un côté d’un pourcentage (ceux qui ont répondu favorablement, ou "
        f"les autres ; ceux dont la valeur a augmenté, ou les autres), la valeur est remplacée par une "
        f"fourchette dans la colonne « band » (« Fourchette » dans le XLSX et le rapport) : « < 10 % » ou "
        f"« > 90 % » (plus large pour un petit groupe, "
        f"par exemple « < 30 % » pour 10 jeunes) — raison « {FEW_ON_ONE_SIDE} » : "
        f"{REASON_TEXTS[FEW_ON_ONE_SIDE].format(side=side)}. Pour une question oui/non, l’évolution "
        "moyenne est alors masquée aussi (avec son intervalle, elle redonnerait le nombre exact). Un autre "
        "groupe est masqué en plus (raison « secondary ») là où une soustraction entre niveaux, ou entre "
        "T0, T1 et l’évolution d’un même groupe, redonnerait ce nombre.",
        f"Masqués aussi (raison « {SECONDARY} » : {REASON_TEXTS[SECONDARY]}) : l’évolution d’une "
        f"question oui/non où moins de {side} jeunes ont baissé, ou sont restés au même niveau (avec "
        "son intervalle, l’évolution moyenne redonnerait ces nombres) ; un indicateur lu d’une question "
        "que le questionnaire ne pose qu’après certaines réponses à une question précédente, là où son "
        "nombre de jeunes, à côté de ceux des autres indicateurs, dirait combien ont donné ces réponses "
        f"à moins de {side} près. Une telle ligne ne donne ni n ni fourchette.",
    ]


def csv_lines(decimal: str) -> list[str]:
    """Return how the CSV is written, in plain French, for its Lisez-moi."""
    mark = "la virgule" if decimal == "," else "le point"
    return [
        "Une ligne d’en-tête (les noms des colonnes), puis une ligne par groupe, vague et indicateur. "
        "Séparateur « ; », encodage UTF-8, chaque champ entre guillemets : ainsi LibreOffice, qui "
        "coupe aussi sur la virgule à l’ouverture, garde « 52,3 » dans une seule cellule, et Excel en "
        "français l’ouvre d’un double-clic.",
        f"Nombres avec {mark} comme séparateur décimal ; une valeur masquée est une cellule vide. "
        "La colonne « suppressed » (masqué) vaut « oui » ou « non ».",
        "Un texte qui commence par =, +, -, @, une tabulation ou un retour à la ligne (un nom de "
        "structure, par exemple) est précédé d’une apostrophe (') : le tableur l’affiche comme du "
        "texte et ne l’exécute jamais comme une formule.",
    ]


def indicator_lines(table: ScoreTable) -> list[list[str]]:
    """Return one line per indicator of the versions used: id, dimension, title and description."""
    lines = []
    for key in table.referentiels:
        referentiel = table.referentiel_models[key]
        for indicator in referentiel.indicators:
            dimension = referentiel.dimension(indicator.dimension)
            unit = UNIT_TEXTS.get(indicator.unit, indicator.unit)
            lines.append(
                [
                    indicator.id,
                    dimension.title.get("fr", indicator.dimension),
                    indicator.title.get("fr", indicator.id),
                    f"{indicator.description.get('fr', '')} Unité : {unit}. ({referentiel_label(key)})",
                ]
            )
    return lines
