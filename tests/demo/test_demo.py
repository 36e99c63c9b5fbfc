"""``voix demo``: the real bot through the emulator, driven from a terminal that tests script."""

import io
import random
import re

from admin.score_table import build_score_table
from demo.bubbles import render_bot_message, render_toast
from demo.hints import pressed_button
from demo.players import AutoPlayer, ButtonWords
from demo.session import run_demo
from referentiel.loading import current_referentiel
from telegram_emulator import BotMessage, Button

WORDS = ButtonWords(agree="Oui, je veux bien", skip="Passer", back="Retour", done="Valider")


def message(text: str, labels: list[str]) -> BotMessage:
    return BotMessage(1, 1, "message", text, None, [[Button(label, "x", None)] for label in labels], {})


def test_player_agrees_to_the_notice_and_never_skips_consent() -> None:
    player = AutoPlayer(None, WORDS, random.Random(1))  # type: ignore[arg-type]
    notice = message("Tu veux répondre ?", ["✅ Oui, je veux bien", "Non merci"])
    assert player.choose(notice) == ("press", "✅ Oui, je veux bien")


def test_player_toggles_then_validates_a_multiple_choice() -> None:
    player = AutoPlayer(None, WORDS, random.Random(1))  # type: ignore[arg-type]
    fresh = message("Qui ?", ["1. Éducateur", "2. Famille", "✔️ Valider", "⏭ Passer"])
    action, label = player.choose(fresh)
    assert action == "press" and label in {"1. Éducateur", "2. Famille"}
    toggled = message("Qui ?", ["✅ 1. Éducateur", "2. Famille", "✔️ Valider", "⏭ Passer"])
    assert player.choose(toggled) == ("press", "✔️ Valider")


def test_player_types_a_number_within_the_asked_range() -> None:
    player = AutoPlayer(None, WORDS, random.Random(3))  # type: ignore[arg-type]
    typed = message("3/28\nCombien d'adultes ?\nÉcris un nombre entre 0 et 20.", ["⏭ Passer"])
    action, text = player.choose(typed)
    assert action == "send" and 0 <= int(text) <= 20


async def test_interactive_demo_reads_numbers_and_text_until_end_of_input() -> None:
    output = io.StringIO()
    script = io.StringIO("1\n1\n2\n2\n/pause\n")  # agree, time here, age band, first safety question
    await run_demo(auto=False, build_score_table=build_score_table, output=output, input_stream=script)
    transcript = output.getvalue()
    assert "Démo Voix" in transcript
    assert "Tu veux bien répondre ?" in transcript
    assert "[1] ✅ Oui, je veux bien" in transcript
    assert "Tu as quel âge ?" in transcript and "✔️ 13 ou 14 ans" in transcript
    assert "Ici, dans ton lieu d’accueil, tu te sens en sécurité ?" in transcript
    assert "✔️ Plutôt oui" in transcript  # the question edited to show the choice
    assert "pause" in transcript.lower()
    assert transcript.rstrip().endswith("Toi >")  # end of input: the demo stopped cleanly


async def test_auto_demo_plays_a_youth_to_the_end_then_prints_the_structure_table() -> None:
    output = io.StringIO()
    await run_demo(auto=True, build_score_table=build_score_table, output=output, minimum_group_size=5)
    transcript = output.getvalue()
    assert "C’est fini, merci" in transcript
    assert "119" in transcript  # the help block everyone sees at the end
    assert "9 autres jeunes de la même structure" in transcript
    table = transcript.split("ce que montre l’export du coordinateur :")[1]
    rows = [line for line in table.splitlines() if line.startswith("  ") and "indicateur" not in line]
    assert len(rows) == len(current_referentiel().indicators)  # one per published indicator
    # An n left blank: an indicator read from a question asked after some earlier answers, masked.
    counts = {row: int(row[60:64]) for row in rows if row[60:64].strip()}
    assert all("masqué" in row for row in rows if row not in counts)
    published = [row for row in rows if "masqué" not in row]
    assert published, "with 10 youths and k = 5, the full-sample indicators are published"
    assert all(5 <= counts[row] <= 10 for row in published)
    assert all(counts[row] < 5 for row in rows if "masqué (moins de 5 jeunes)" in row and row in counts)
    assert "moins de 5 jeunes n’est jamais affiché" in table
    assert "small_group" not in table
    assert orphan_punctuation(transcript) == []


# The question "how many adults can you call?" as the demo shows it.
ADULTS = ["1. Aucun", "2. 1", "3. 2", "4. 3 ou plus", "↩ Retour", "⏭ Passer"]
# Pressing the first button of each question reaches it after 23 questions (v2: under 3 months
# here hides the perceived-change items; "yes, I know what I want to do" shows path_fits).
QUESTIONS_BEFORE_ADULTS = 23
# "Valider" comes after the 9 options of "who are these adults?".
DONE_NUMBER = "10"


def orphan_punctuation(transcript: str) -> list[str]:
    """Return the bubble lines that start with punctuation cut from its word (": envoie /stop")."""
    return [line for line in transcript.splitlines() if re.match(r"\s*│\s+[:;!?»]", line)]


def test_a_typed_number_presses_a_button_only_where_the_bot_would_read_it_so() -> None:
    scale = ["1. Oui, tout à fait", "2. Plutôt oui", "3. Plutôt non", "4. Non, pas du tout", "⏭ Passer"]
    assert pressed_button("2", scale) == "2. Plutôt oui"
    assert pressed_button("5", scale) == "⏭ Passer"
    assert pressed_button("[2]", scale) == "2. Plutôt oui"
    assert pressed_button("9", scale) is None  # sent as a message: the bot asks again
    assert pressed_button("plutôt oui", scale) is None
    # Where the options are numbers, "2" could mean the second button ("1") or two adults:
    # like the bot, the demo does not guess; "[2]" is the way to press the second button.
    assert pressed_button("2", ADULTS) is None
    assert pressed_button("[2]", ADULTS) == "2. 1"
    assert pressed_button("[ 3 ]", ADULTS) == "3. 2"
    assert pressed_button("[7]", ADULTS) is None


def test_bubbles_never_start_a_line_with_punctuation_cut_from_its_word() -> None:
    notice = message(
        "🗑 Tu peux arrêter quand tu veux et faire effacer tes réponses : envoie /stop.\n"
        "⏭ « Passer » : si tu ne veux pas répondre, dis-le ! Tu veux bien répondre ?",
        [],
    )
    rendered = render_bot_message(notice)
    assert orphan_punctuation(rendered) == []
    assert "│ réponses : envoie /stop." in rendered
    assert "«\n" not in rendered and "│ »" not in rendered
    assert (
        orphan_punctuation(render_toast("Choisis au moins une réponse, ou appuie sur « Passer » ! " * 2))
        == []
    )


async def test_interactive_demo_asks_to_press_a_button_shows_toasts_and_speaks_the_youths_language() -> None:
    output = io.StringIO()
    lines = ["1"] * (1 + QUESTIONS_BEFORE_ADULTS)  # agree, then the first option of each question
    lines += ["2", "[3]", DONE_NUMBER, "/langue", "2"]  # "2" adults is ambiguous; [3] is "2"; then Valider
    await run_demo(
        auto=False,
        build_score_table=build_score_table,
        output=output,
        input_stream=io.StringIO("\n".join(lines) + "\n"),
    )
    transcript = output.getvalue()
    assert orphan_punctuation(transcript) == []
    read = unwrapped(transcript)
    adults = read.index("combien d’adultes tu peux appeler ?")
    assert "(tape le numéro d’un bouton, ou écris ton message)" in read[:adults]
    after = read[adults:]
    assert "tape son numéro entre crochets, comme [2])" in after  # the demo's hint there
    reask = (
        "Appuie sur le bouton de ta réponse, s’il te plaît : ici, les réponses sont des nombres, "
        "alors un nombre écrit peut vouloir dire deux choses."
    )
    assert reask in after
    assert after.index(reask) < after.index("│ ✔️ 2\n")  # nothing stored for "2", then [3] = "2"
    assert "│ ✔️ 1\n" not in after
    # "Valider" with nothing chosen: the bot's toast, as a phone shows it.
    assert "Voix (notification) ─" in after
    assert "│ Choisis au moins une réponse, ou appuie sur « Passer ».\n" in after
    # After /langue → English, the bot and the demo's own hints speak English.
    english = after[after.index("OK, I will write in English.") :]
    assert "(type a button’s number, or write your message)" in english
    assert "(tape le numéro" not in english


def unwrapped(transcript: str) -> str:
    """Return the transcript with wrapped bubble and hint lines joined again, for reading sentences."""
    return re.sub(r"(?<=[^\s─])\n(?:  │ |    )(?!\s*\[\d+\])(?=\S)", " ", transcript)
