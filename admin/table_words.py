"""How the words of an HTML table may break, so that its columns fit an A4 page with no word cut.

With ``table-layout: auto`` no column is narrower than its longest unbreakable piece of text, and
nothing is cut where it may not break. ``breakable`` gives the places: long French words where
French hyphenates them (a soft hyphen placed with ``pyphen``'s dictionary), identifiers only after
their underscores (never hyphenated: they are spelt as in the XLSX and JSON), and a long run with
nowhere to break (a number in a structure's name) every few characters. The browser tests find
any word laid out on two lines (``tests/support/measure_layout.js``).
"""

import functools
import re
from html import escape

import pyphen

# Words this long or longer may be hyphenated in a table; shorter ones never are.
HYPHENATED_LENGTH = 7
_WORD = re.compile(rf"[^\W\d_]{{{HYPHENATED_LENGTH},}}")
# Where a line may break, until escaped: then ``<wbr>``.
_BREAK = "\x00"
# A run of this many characters with nowhere to break (a long number in a name) gets places to
# break every ``_UNBROKEN_STEP`` characters, rather than push the table past the page.
_UNBROKEN = re.compile("[^\\s\u00ad\\x00/-]{17,}")
_UNBROKEN_STEP = 12


def breakable(text: str, identifier: bool = False) -> str:
    """Escaped text with the places its words may break (see the module's note); ``identifier``:
    the text is one (a whole column of them), never hyphenated."""
    tokens = []
    for token in text.split(" "):
        if identifier or "_" in token:
            tokens.append(token.replace("_", "_" + _BREAK))
        else:
            tokens.append(_WORD.sub(lambda word: _hyphenated(word.group()), token))
    with_breaks = _UNBROKEN.sub(
        lambda run: _BREAK.join(
            run.group()[start : start + _UNBROKEN_STEP]
            for start in range(0, len(run.group()), _UNBROKEN_STEP)
        ),
        " ".join(tokens),
    )
    return escape(with_breaks).replace(_BREAK, "<wbr>")


@functools.cache
def _hyphenated(word: str) -> str:
    return str(_french_hyphenation().inserted(word, hyphen="\u00ad"))


@functools.cache
def _french_hyphenation() -> pyphen.Pyphen:
    """pyphen's French dictionary, loaded on the first word it hyphenates."""
    return pyphen.Pyphen(lang="fr_FR")
