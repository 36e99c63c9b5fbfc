"""The référentiel: versioned questionnaire and indicators as data, and pure scoring.

Modules, one concept each:

* ``models`` — frozen pydantic models of one référentiel version;
* ``loading`` — YAML files → ``Referentiel`` (the only I/O), shipped versions;
* ``validation`` — cross-reference checks, every problem with its file line;
* ``indicator_validation`` — the indicators' own checks (each kind's fields);
* ``answers`` — the answer-value contract, conditions, safeguarding triggers;
* ``scoring`` — one youth's answers → indicator values, and paired change;
* ``statistics`` — Wilson and Student t intervals;
* ``aggregation`` — per-youth values → group value with primary suppression;
* ``versioning`` — what may change between versions, indicator fingerprints;
* ``timing`` — estimated answering time.

Nothing here imports telegram, aiosqlite, apscheduler, bot or admin.
"""
