"""The youth's conversation as a pure state machine: ``step(state, event, context) -> Transition``.

Modules, one concept each:

* ``events`` — the inputs (``Enrolled``, ``TextReceived``, ``ButtonPressed``…);
* ``outputs`` — the outputs: messages (``Send``, ``EditQuestion``, ``Notice``) and effects
  (``SaveAnswer``, ``RecordConsent``, ``EraseYouth``…);
* ``state`` — ``ConversationState`` (JSON round trip), ``Phase``, ``Transition``;
* ``context`` — ``Context`` (référentiel, locale, translate, now) and the ``N_`` marker;
* ``callback_data`` — the inline buttons' data, built and parsed in one place;
* ``transitions`` — the theory of operation, the transition table and ``step``.

Nothing here imports telegram, aiosqlite, apscheduler, babel, bot or admin, nor does any I/O.
"""
