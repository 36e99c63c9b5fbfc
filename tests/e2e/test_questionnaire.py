"""A youth's whole questionnaire through the real bot, the emulator and SQLite."""

import json
import sqlite3
from collections.abc import Callable

from telegram_emulator import EmulatorClient
from tests.e2e.journey import (
    BACK,
    COMPLETED_WORDS,
    SAFEGUARDING_WORDS,
    SKIP,
    answer_with_first_options,
    assert_one_answer_per_shown_question,
    enrol,
    next_question,
    option_buttons,
    until,
    youth_ids,
)


async def test_buttons_typed_answers_skip_back_multiple_choice_to_completion(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    assert question.text is not None and question.text.startswith("1/")

    # Typing an option's number answers the question; the question then shows the choice.
    await youth.send("3")
    edited = await youth.next()
    assert edited.is_edit and edited.message_id == question.message_id
    assert edited.buttons == [] and "Plus d’un an" in (edited.text or "")

    # The age band is the other context question, answered with its buttons.
    question = await next_question(youth)
    assert "quel âge" in (question.text or "")
    await youth.press(option_buttons(question)[2])

    # "Passer" stores "prefer not to answer".
    question = await next_question(youth)
    await youth.press(SKIP)
    # "Retour" from the next question goes back to the skipped one, which is answered this time.
    question = await next_question(youth)
    await youth.press(BACK)
    again = await next_question(youth)
    assert "dans ton lieu d’accueil, tu te sens en sécurité" in (again.text or "")
    await youth.press(option_buttons(again)[0])

    # Typing an option's label works too (case and accents do not matter).
    question = await next_question(youth)
    await youth.send("plutot oui")
    question = await next_question(youth)

    # Answer until the multiple-choice question, then toggle two options and validate.
    while "Qui sont ces adultes" not in (question.text or ""):
        labels = option_buttons(question)
        await youth.press(labels[1] if "combien d’adultes" in (question.text or "") else labels[0])
        question = await next_question(youth)
    first, second = (question.data_of(label) for label in option_buttons(question)[:2])
    assert first is not None and second is not None
    await youth.press_data(first, message_id=question.message_id)
    await youth.press_data(second, message_id=question.message_id)
    done = next(label for label in question.buttons if "Valider" in label)
    await youth.press(done, message_id=question.message_id)
    last = await answer_with_first_options(youth, await next_question(youth))
    assert last.text is not None

    [youth_id] = youth_ids(database_file)
    answers = assert_one_answer_per_shown_question(database_file, youth_id)
    assert answers["time_here"] == "over_1y"
    assert answers["age_band"] == "15_16"
    assert answers["safe_home"] == "yes_totally"
    assert answers["safe_night"] == "mostly_yes"
    assert answers["who_helps"] == ("educator", "referent_ase")
    status = database_file.execute("SELECT status FROM youth WHERE id = ?", (youth_id,)).fetchone()[0]
    assert status == "completed"
    run = database_file.execute("SELECT status, completed_at FROM runs").fetchone()
    assert run[0] == "completed" and run[1] is not None


async def test_completion_thanks_and_shows_help_resources_to_everyone(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await answer_with_first_options(youth, question)
    transcript = [message["text"] for message in await youth.transcript() if message["from_bot"]]
    assert any(COMPLETED_WORDS in (text or "") for text in transcript)
    assert any(SAFEGUARDING_WORDS in (text or "") for text in transcript)
    assert not any("score" in (text or "").lower() for text in transcript)


async def test_a_worrying_answer_shows_help_at_once_and_is_saved_without_a_trace(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, _ = await enrol(sim, invite()[0])
    await youth.press("1. Moins de 3 mois")
    await youth.press(option_buttons(await next_question(youth))[1])
    question = await next_question(youth)
    not_at_all = next(label for label in question.buttons if "Non, pas du tout" in label)
    await youth.press(not_at_all)
    help_block = await until(youth, SAFEGUARDING_WORDS)
    assert "112" in (help_block.text or "")
    await next_question(youth)
    [youth_id] = youth_ids(database_file)
    stored = database_file.execute("SELECT value FROM answers WHERE question_id = 'safe_home'").fetchone()
    assert json.loads(stored[0]) == "not_at_all"
    audit = " ".join(row[0] for row in database_file.execute("SELECT action || details FROM audit_log"))
    assert "safeguard" not in audit and "119" not in audit
    state = database_file.execute("SELECT state FROM runs WHERE youth_id = ?", (youth_id,)).fetchone()[0]
    assert "safeguard" not in state


async def test_each_answer_edits_its_question_then_a_new_dimension_is_introduced_with_progress(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]]
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await youth.press(option_buttons(question)[0])
    edit = await youth.next()
    assert edit.is_edit and edit.message_id == question.message_id and edit.buttons == []
    assert (edit.text or "").endswith("✔️ Moins de 3 mois")
    question = await next_question(youth)  # the age band: context, no introduction before it
    await youth.press(option_buttons(question)[0])
    edit, encouragement, following = await youth.next(), await youth.next(), await youth.next()
    assert (edit.text or "").endswith("✔️ Moins de 13 ans")
    assert "sécurité" in (encouragement.text or "") and encouragement.buttons == []
    position, total = (following.text or "").split("\n")[0].split("/")
    assert position == "3" and int(total) > 20
    assert SKIP in following.buttons and BACK in following.buttons
