"""The words of the HTML report: plain French for a workshop, computed from published rows only.

Everything here reads ``ScoreRow`` values that the disclosure rule published; a masked row is
only ever described by its n and its reason, never by a number of its own.
"""

from collections.abc import Sequence
from datetime import datetime, tzinfo

from admin.disclosure import SMALL_GROUP
from admin.report_charts import number_text
from admin.score_collection import CHANGE
from admin.score_table import ScoreRow
from voix.dates import moment_in_words

WAVE_TITLES = {"T0": "Première vague (T0)", "T1": "Deuxième vague (T1)", CHANGE: "Évolution T0 → T1"}
WAVE_MOMENTS = {"T0": "à la première vague (T0)", "T1": "à la deuxième vague (T1)"}
UNIT_SUFFIXES = {"percent": " %", "percent_improved": " %", "score_0_100": " sur 100"}
CHANGE_SUFFIXES = {"percentage_points": " points", "points": " points"}
THIN_SPACE = "\u202f"
# After the title of an indicator whose fall is progress (« Jeunes sans école ni formation »): its
# charts read the other way round, and « ont progressé » counts those whose value fell.
LOWER_IS_BETTER = " (baisse\u00a0=\u00a0mieux)"  # kept on one line


def local_time(generated_at: str, zone: tzinfo) -> str:
    """The export's moment in the deployment's time zone, as a French reader says it."""
    moment = datetime.fromisoformat(generated_at).astimezone(zone)
    return moment_in_words(moment, "d MMMM y 'à' HH:mm (zzzz)", "fr")


def count_text(count: int) -> str:
    """A whole number with a thin space between thousands: 47 511."""
    return f"{count:,}".replace(",", THIN_SPACE)


def value_text(row: ScoreRow) -> str:
    """A published value with its unit: "57,5 %", "62,0 sur 100", "2,15"; or its band: "< 10 %"."""
    if row.value is None and row.band:
        return row.band
    return number_text(row.value) + UNIT_SUFFIXES.get(row.unit, "")


def published(row: ScoreRow | None) -> bool:
    """Whether a row gives a figure: its value, or the band standing for it."""
    return row is not None and (row.value is not None or bool(row.band))


def change_text(row: ScoreRow) -> str:
    """A published change with its sign: "+3,2 points", "−0,12"."""
    assert row.value is not None
    sign = "+" if row.value > 0 else "−" if row.value < 0 else ""
    return sign + number_text(abs(row.value)) + CHANGE_SUFFIXES.get(row.unit, "")


def level_line_text(row: ScoreRow) -> str:
    """What is written right of a T0 or T1 bar, or instead of it."""
    if row.value is None or row.n is None:
        return masked_text(row)
    return f"{value_text(row)} (n = {count_text(row.n)})"


def change_line_text(change: ScoreRow, improved: ScoreRow | None) -> str:
    """What is written right of a change bar: the change, and the share of youth who improved."""
    band = None if improved is None else improved.band
    if change.value is None:
        return masked_text(change)
    if band:
        return f"{change_text(change)} ; {band} ont progressé"
    if improved is None or improved.value is None:
        return change_text(change)
    return f"{change_text(change)} ; {number_text(improved.value)} % ont progressé"


def masked_text(row: ScoreRow) -> str:
    """A masked row in a few words: why, and how many youth (which educators already know), unless
    that number counts some earlier answers (an indicator read from a question asked after them)."""
    if row.n is None:
        return "masqué par précaution"
    if row.n == 0:
        return "aucune réponse"
    if row.band:
        return f"{row.band} (n = {count_text(row.n)})"
    if row.reason == SMALL_GROUP:
        return f"masqué : {count_text(row.n)} jeune{'s' if row.n > 1 else ''}"
    return f"masqué par précaution (n = {count_text(row.n)})"


def reading_notes(distributions: bool = False) -> list[str]:
    """How to read a chart, for someone who has never read a confidence interval; with
    ``distributions``, how to read the stacked bars of a perceived change."""
    notes = [
        "Chaque barre est le résultat d’un groupe de jeunes : le secteur (tous les jeunes qui ont "
        "répondu), une organisation ou une structure. La barre claire est la première vague de "
        "questionnaires (T0), la barre foncée la deuxième (T1), quelques mois plus tard ; n est le "
        "nombre de jeunes qui ont répondu.",
        "Le trait noir au bout de chaque barre est la marge d’incertitude : avec d’autres jeunes "
        "du même groupe, le résultat aurait été un peu différent, et le trait montre de combien à peu "
        "près. Plus le groupe est petit, plus le trait est long. Quand les traits de deux groupes "
        "différents se chevauchent, l’écart entre eux peut être dû au hasard.",
        "L’évolution compare les réponses des mêmes jeunes aux deux vagues : « +5,0 points » veut "
        "dire que leur résultat moyen a gagné 5 points ; « 40,0 % ont progressé » est la part de ces "
        "jeunes dont la réponse s’est améliorée. Elle ne compte que les jeunes qui ont répondu aux "
        "deux vagues dans la même structure : elle peut donc différer de l’écart entre les deux "
        "barres, qui comptent aussi ceux qui n’ont répondu qu’une fois. Suivre les mêmes jeunes "
        "est plus précis : une évolution « nette » peut se voir même quand les traits des deux "
        "barres se chevauchent.",
    ]
    if distributions:
        notes.append(
            "Les questions « depuis ton arrivée » demandent déjà aux jeunes si les choses ont changé : "
            "une barre en couleurs donne la part de chaque réponse, de « beaucoup moins bien » (rouge) "
            "à « beaucoup mieux » (vert), à chaque vague. Ces réponses ne sont pas comparées d’une "
            "vague à l’autre."
        )
    return notes


def masking_notes(minimum_group_size: int) -> list[str]:
    """Why some figures are missing, in plain French; the exact rule is in the annex."""
    k = minimum_group_size
    return [
        "Les jeunes ont répondu parce qu’on leur a promis que personne ne pourrait retrouver leurs "
        f"réponses. Un résultat n’est donc publié que s’il réunit au moins {k} jeunes. Pour un groupe "
        "plus petit, le rapport écrit « masqué » et dit seulement combien de jeunes ont répondu.",
        "Parfois un groupe plus grand est masqué lui aussi (« masqué par précaution ») : sans cela, "
        "on pourrait retrouver le résultat du petit groupe en le retirant du total de l’organisation, "
        "comme on retrouve un nombre manquant dans une addition. Pour la même raison, le résultat de la "
        "deuxième vague (T1) d’un groupe est parfois masqué alors que son évolution est publiée : "
        "avec la première vague, il ferait retrouver les quelques jeunes qui n’ont répondu qu’à une "
        "des deux.",
        "Un chiffre masqué ne dit rien de bon ni de mauvais sur le groupe : il n’a pas été calculé. "
        "Ses jeunes comptent quand même dans les résultats de leur organisation et du secteur. "
        "La règle exacte est en annexe.",
    ]


# A report with no T0 or T1 answer kept (none given yet, or all erased).
NO_ANSWER_KEPT = (
    "Aucun résultat : aucune réponse aux questionnaires T0 et T1 n’est conservée (aucune encore, ou "
    "toutes effacées, à la demande des jeunes ou à la fin de la durée de conservation)."
)


def absent_groups_text(
    absent: Sequence[tuple[str, int, bool]], minimum_group_size: int, nothing_published: bool
) -> str:
    """The one message that replaces pages of "masqué" for groups with no published figure at all.

    ``absent`` holds (name, largest n, whether it is small) per group.
    """
    k = minimum_group_size
    if nothing_published:
        return (
            f"Aucun résultat ne peut encore être publié pour ce périmètre : chaque groupe réunit moins "
            f"de {k} jeunes ayant répondu (ou est masqué par précaution). C’est la promesse faite aux "
            "jeunes : personne ne doit pouvoir retrouver leurs réponses. Les résultats apparaîtront "
            f"quand au moins {k} jeunes d’un groupe auront répondu."
        )
    small = [f"{name} ({_at_most(n)})" for name, n, is_small in absent if is_small]
    other = [name for name, _, is_small in absent if not is_small]
    sentences = []
    if small:
        own, their = ("Leurs", "leur") if len(small) > 1 else ("Ses", "son")
        sentences.append(
            f"{_listed(small)} : moins de {k} jeunes y ont répondu. {own} résultats ne sont pas publiés, "
            "pour que personne ne puisse retrouver les réponses d’un jeune, et n’apparaissent pas dans "
            f"les graphiques ; {own.lower()} jeunes comptent dans les résultats de {their} organisation "
            "et du secteur."
        )
    if other:
        groups = "ces groupes n’apparaissent" if len(other) > 1 else "ce groupe n’apparaît"
        sentences.append(
            f"{_listed(other)} : résultats masqués partout, par précaution ou faute d’assez de jeunes "
            f"selon les questions ; {groups} donc pas dans les graphiques."
        )
    return " ".join(sentences)


def _at_most(n: int) -> str:
    if n == 0:
        return "aucune réponse"
    return f"au plus {count_text(n)} jeune{'s' if n > 1 else ''}"


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def glance_sentence(
    title: str,
    group_name: str,
    rows: dict[str, ScoreRow],
    sector: dict[str, ScoreRow] | None,
    minimum_group_size: int,
) -> str:
    """One sentence about a dimension's first indicator for the report's main group.

    ``rows`` maps T0, T1 and change to the group's rows; ``sector`` the same for the sector, to
    compare with (None when the main group is the sector).
    """
    where = "dans le secteur" if sector is None else f"pour {group_name}"
    latest = next((row for wave in ("T1", "T0") if published(row := rows.get(wave))), None)
    change = rows.get(CHANGE)
    moved = change is not None and change.value is not None
    if latest is None and not moved:
        return _unpublished_sentence(title, where, rows, sector, minimum_group_size)
    if latest is None:
        assert change is not None
        return f"{title} {where} : {_direction(change)}."
    sentence = f"{title} : {value_text(latest)} {where} {WAVE_MOMENTS[latest.wave]}"
    other = None if sector is None else sector.get(latest.wave)
    if other is not None and published(other):
        sentence += f", contre {value_text(other)} dans l’ensemble du secteur"
    if moved:
        assert change is not None
        sentence += ", " + _direction(change)
    return sentence + "."


def _unpublished_sentence(
    title: str,
    where: str,
    rows: dict[str, ScoreRow],
    sector: dict[str, ScoreRow] | None,
    minimum_group_size: int,
) -> str:
    """No figure of the main group: say why, and give the sector's when it has one."""
    row = next((row for wave in ("T1", "T0", CHANGE) if (row := rows.get(wave)) is not None), None)
    if row is None or row.n == 0:
        return f"{title} : aucune réponse {where}."  # none yet, or all erased
    why = f"moins de {minimum_group_size} jeunes" if row.reason == SMALL_GROUP else "masqué par précaution"
    sentence = f"{title} : pas de chiffre publié {where} ({why})"
    other = None if sector is None else sector.get(row.wave)
    if other is not None and other.value is not None and row.wave in WAVE_MOMENTS:
        sentence += f" ; {value_text(other)} dans l’ensemble du secteur {WAVE_MOMENTS[row.wave]}"
    return sentence + "."


def _direction(change: ScoreRow) -> str:
    """Whether the same youth moved, said with the care its interval allows."""
    text = change_text(change)
    if change.ci_low is not None and change.ci_low > 0:
        return f"en hausse nette entre les deux vagues pour les mêmes jeunes ({text})"
    if change.ci_high is not None and change.ci_high < 0:
        return f"en baisse nette entre les deux vagues pour les mêmes jeunes ({text})"
    return (
        f"sans évolution nette entre les deux vagues pour les mêmes jeunes ({text}, "
        "dans la marge d’incertitude)"
    )


def glance_lead(level: str, name: str, level_waves: Sequence[str]) -> str:
    """The first page's lead: what its chart shows, and of whom."""
    waves = f" ({' et '.join(level_waves)})" if level_waves else ""
    return (
        f"Pour chaque dimension, son premier indicateur{waves} pour {_who(level, name)}. "
        "Le détail de chaque indicateur suit, dimension par dimension."
    )


def given_way_text(own: str, level: str, name: str) -> str:
    """Said above the first page's chart when the group the report is about has no published figure
    and the chart shows the group that holds it."""
    return (
        f"{own} n’a encore aucun résultat publiable (trop peu de jeunes) : ceux qui suivent sont ceux "
        f"{'du secteur' if level == 'sector' else _of(name)}, qui la comprend."
    )


def _who(level: str, name: str) -> str:
    return "tous les jeunes du secteur" if level == "sector" else name


def _of(name: str) -> str:
    """« de » before a name, elided before a vowel: « d’Organisation 002 », « de MECS Les Pins »."""
    return f"d’{name}" if name[:1].lower() in "aeiouyàâéèêëîïôûœ" else f"de {name}"
