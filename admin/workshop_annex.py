"""The workshop pack's annex: what the identifiers of its tables stand for.

The tables name indicators and questions by their identifiers (short, the same in the XLSX and
the JSON), as does the chart of skipped answers (thirty questions' texts would not fit a page);
the other charts name indicators by their titles, shortened on two lines. The annex gives each
one's whole title or text in the référentiel's language.
"""

from collections.abc import Sequence
from html import escape

from admin.table_words import breakable
from referentiel.loading import find_referentiel


def annex(labels: Sequence[str]) -> str:
    """The annex: what the identifiers of the tables stand for, each indicator's title
    and each question's text in the référentiel's language (an id the versions word alike, once)."""
    if not labels:  # no answer yet: nothing to name
        return ""
    several = len(labels) > 1
    parts = []
    for kind, heading in (("indicators", "Indicateur"), ("questions", "Question")):
        versions: dict[tuple[str, str], list[str]] = {}
        for label in labels:
            referentiel_id, _, version = label.rpartition("/")
            referentiel = find_referentiel(referentiel_id, int(version))
            language = referentiel.default_language
            entries = (
                [(indicator.id, indicator.title[language]) for indicator in referentiel.indicators]
                if kind == "indicators"
                else [(question.id, question.text[language]) for question in referentiel.questions]
            )
            for entry in entries:
                versions.setdefault(entry, []).append(f"v{version}")
        head = f"<th>{heading}</th><th>Intitulé</th>" + ("<th>Versions</th>" if several else "")
        body = "".join(
            f"<tr><td>{breakable(identifier, identifier=True)}</td><td>{escape(words)}</td>"
            + (f"<td>{', '.join(found)}</td>" if several else "")
            + "</tr>"
            for (identifier, words), found in versions.items()
        )
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return (
        "<h2>Annexe : ce que désignent les identifiants</h2><p>Les tableaux et le graphique des "
        "questions sans réponse nomment les indicateurs et les questions par leur identifiant, les autres "
        "graphiques par leur intitulé (parfois abrégé) ; voici l’intitulé entier de chacun"
        + (" et les versions du référentiel qui l’ont ainsi." if several else ".")
        + f"</p>{''.join(parts)}"
    )
