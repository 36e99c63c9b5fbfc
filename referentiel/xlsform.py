"""A référentiel version as an XLSForm, so a structure without phones runs the same questions.

KoboToolbox and ODK read XLSForms (a spreadsheet with ``survey``, ``choices`` and ``settings``
sheets); printed, the same form is a paper questionnaire. Each question keeps its id as its
``name``, so answers collected offline carry the ids Voix scores. Mapping:

* scale, yes/no and single choice → ``select_one <list>``; multiple choice → ``select_multiple``;
  number → ``integer`` with its bounds as a constraint; free text → ``text``;
* a named scale is one choice list shared by its questions; inline options get a list named
  after their question;
* an exclusive option ("personne") → a constraint: it cannot be chosen with another;
* a condition → ``relevant``: ``selected(${question}, 'option') or …``;
* each dimension → a group titled with it, opened by its introduction as a note;
* no question is required: leaving one blank is "je préfère ne pas répondre", as in the chat.

Pure: returns the rows of each sheet; ``admin.referentiel_commands`` writes the workbook.
"""

from referentiel.models import Question, Referentiel

Sheet = list[list[str]]
# Language column names; XLSForm wants "Name (code)".
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "es": "Español", "de": "Deutsch", "it": "Italiano"}
SELECT_TYPES = {"scale": "select_one", "yes_no": "select_one", "single_choice": "select_one"}


def language_column(language: str) -> str:
    """Return how XLSForm names a language: ``Français (fr)``."""
    return f"{LANGUAGE_NAMES.get(language, language)} ({language})"


def form_id(referentiel: Referentiel) -> str:
    """Return the form id: the référentiel id and version (``voix-mecs-v2``)."""
    return f"{referentiel.id}-v{referentiel.version}"


def xlsform_sheets(referentiel: Referentiel) -> dict[str, Sheet]:
    """Return the ``survey``, ``choices`` and ``settings`` sheets, header row first."""
    labels = [f"label::{language_column(language)}" for language in referentiel.languages]
    survey: Sheet = [["type", "name", *labels, "relevant", "constraint"]]
    choices: Sheet = [["list_name", "name", *labels]]
    lists_written: set[str] = set()
    dimension: str | None = None
    for question in referentiel.questions:
        if question.dimension != dimension:
            if dimension is not None:
                survey.append(["end group", "", *[""] * len(labels), "", ""])
            dimension = question.dimension
            if dimension is not None:
                survey += _group_start(referentiel, dimension)
        survey.append(_survey_row(referentiel, question))
        list_name = _list_name(question)
        if question.options and list_name not in lists_written:
            lists_written.add(list_name)
            choices += [
                [list_name, option.id, *[option.label[language] for language in referentiel.languages]]
                for option in question.options
            ]
    if dimension is not None:
        survey.append(["end group", "", *[""] * len(labels), "", ""])
    settings: Sheet = [
        ["form_title", "form_id", "version", "default_language"],
        [
            referentiel.title[referentiel.default_language],
            form_id(referentiel),
            str(referentiel.version),
            language_column(referentiel.default_language),
        ],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def _group_start(referentiel: Referentiel, dimension_id: str) -> Sheet:
    dimension = referentiel.dimension(dimension_id)
    titles = [dimension.title[language] for language in referentiel.languages]
    introductions = [dimension.introduction[language] for language in referentiel.languages]
    return [
        ["begin group", dimension.id.replace("-", "_"), *titles, "", ""],
        ["note", f"introduction_{dimension.id.replace('-', '_')}", *introductions, "", ""],
    ]


def _list_name(question: Question) -> str:
    return question.scale or question.id


def _survey_row(referentiel: Referentiel, question: Question) -> list[str]:
    texts = [question.text[language] for language in referentiel.languages]
    if question.type in SELECT_TYPES:
        kind = f"{SELECT_TYPES[question.type]} {_list_name(question)}"
    elif question.type == "multiple_choice":
        kind = f"select_multiple {_list_name(question)}"
    elif question.type == "number":
        kind = "integer"
    else:
        kind = "text"
    constraint = ""
    if question.type == "number":
        constraint = f". >= {question.minimum} and . <= {question.maximum}"
    exclusive = [option.id for option in question.options if option.exclusive]
    if question.type == "multiple_choice" and exclusive:
        constraint = " and ".join(
            f"not(selected(., '{option}') and count-selected(.) > 1)" for option in exclusive
        )
    relevant = ""
    if question.condition is not None:
        relevant = " or ".join(
            f"selected(${{{question.condition.question}}}, '{option}')"
            for option in question.condition.any_of
        )
    return [kind, question.id, *texts, relevant, constraint]
