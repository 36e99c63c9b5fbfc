"""``voix demo``: the real bot through the emulator, driven from a terminal that tests script."""

import io
import random

from demo.players import AutoPlayer, ButtonWords
from demo.session import run_demo
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
    script = io.StringIO("1\n1\n2\n/pause\n")
    await run_demo(auto=False, output=output, input_stream=script)
    transcript = output.getvalue()
    assert "Démo Voix" in transcript
    assert "Tu veux bien répondre ?" in transcript
    assert "[1] ✅ Oui, je veux bien" in transcript
    assert "Tu te sens en sécurité là où tu vis ?" in transcript
    assert "✔️ Plutôt oui" in transcript  # the question edited to show the choice
    assert "pause" in transcript.lower()
    assert transcript.rstrip().endswith("Toi >")  # end of input: the demo stopped cleanly


async def test_auto_demo_plays_a_youth_to_the_end_then_prints_the_structure_table() -> None:
    output = io.StringIO()
    await run_demo(auto=True, output=output, minimum_group_size=5)
    transcript = output.getvalue()
    assert "C’est fini, merci" in transcript
    assert "119" in transcript  # the help block everyone sees at the end
    assert "9 autres jeunes de la même structure" in transcript
    table = transcript.split("ce que montre l’export du coordinateur :")[1]
    rows = [line for line in table.splitlines() if line.startswith("  ") and "indicateur" not in line]
    assert len(rows) == 22
    counts = {row: int(row[60:64]) for row in rows}
    published = [row for row in rows if "masqué" not in row]
    assert published, "with 10 youths and k = 5, the full-sample indicators are published"
    assert all(5 <= counts[row] <= 10 for row in published)
    assert all(counts[row] < 5 for row in rows if "masqué (moins de 5 jeunes)" in row)
    assert "moins de 5 jeunes n’est jamais affiché" in table
    assert "small_group" not in table
