"""A run keeps its answers side by side (migration 10), kept in step by triggers on ``answers``.

An export reads them in one row per run (``admin.score_collection``), where gathering them from
the answers at export time read 3 million rows in random order. The SQL is migration 10's: part of
a released migration, it is never edited; a change is a new migration.
"""

# The three columns of ``runs``: a run's question ids, stored texts ('' for a skip) and answer
# times (seconds since 1970, -1 for a time Voix did not write), each joined by char(31), in the
# same order; NULL without answers. Control characters only appear escaped in JSON, so the
# separator is safe.
#
# Gathered again from the answers (after an answer changed or left): the three in one SELECT, so
# in one order. strftime, not unixepoch: the bot runs on SQLite 3.35 (Ubuntu 22.04 has 3.37).
ANSWERS_GATHERED = """(answer_questions, answer_texts, answer_times) = (
    SELECT group_concat(question_id, char(31)), group_concat(coalesce(value, ''), char(31)),
        group_concat(coalesce(CAST(strftime('%s', answered_at) AS INTEGER), -1), char(31))
    FROM answers WHERE answers.run_id = runs.id)"""
# A new answer added at the end of each: a run's answers are kept in no one order, only aligned.
ANSWER_APPENDED = """answer_questions = coalesce(answer_questions || char(31), '') || NEW.question_id,
    answer_texts = coalesce(answer_texts || char(31), '') || coalesce(NEW.value, ''),
    answer_times = coalesce(answer_times || char(31), '')
        || coalesce(CAST(strftime('%s', NEW.answered_at) AS INTEGER), -1)"""
# What a bulk rewrite of the answers with these triggers suspended runs once after (the benchmark's
# synthetic history: each trigger gathers its run again, 30 answers, for every answer changed).
GATHER_RUN_ANSWERS = f"UPDATE runs SET {ANSWERS_GATHERED}"
RUN_ANSWERS_TRIGGERS = ("runs_answers_after_insert", "runs_answers_after_update", "runs_answers_after_delete")
