"""``voix admin org`` and ``structure``: exact outputs, references by id or name, audit without names."""

import json


def test_org_add_and_list(admin, connection):
    assert admin("org", "add", "Association  Les Tilleuls").out == "id: 1\nname: Association Les Tilleuls\n"
    admin("org", "add", "ALEFPA")
    admin("structure", "add", "--org", "ALEFPA", "MECS Bellevue")
    result = admin("org", "list")
    assert result.exit_code == 0
    assert result.out == (
        "id  name                      structures\n"
        "2   ALEFPA                    1\n"
        "1   Association Les Tilleuls  0\n"
    )
    assert json.loads(admin("org", "list", "--json").out) == [
        {"id": 2, "name": "ALEFPA", "structures": 1},
        {"id": 1, "name": "Association Les Tilleuls", "structures": 0},
    ]
    assert connection.execute("SELECT action, details FROM audit_log ORDER BY id").fetchall() == [
        ("organisation added", '{"organisation_id": 1}'),
        ("organisation added", '{"organisation_id": 2}'),
        ("structure added", '{"organisation_id": 2, "structure_id": 1}'),
    ]


def test_a_duplicate_organisation_is_refused_with_what_to_do(admin):
    admin("org", "add", "ALEFPA")
    result = admin("org", "add", "ALEFPA")
    assert (result.exit_code, result.out) == (2, "")
    assert result.err == "voix: an organisation named 'ALEFPA' already exists: see `voix admin org list`\n"


def test_structure_add_by_organisation_id_or_name_and_list(admin):
    admin("org", "add", "ALEFPA")
    admin("org", "add", "INVIA")
    result = admin("structure", "add", "--org", "1", "--type", "foyer", "Foyer du Port", "--json")
    assert json.loads(result.out) == {
        "id": 1,
        "organisation": "ALEFPA",
        "organisation_id": 1,  # in the JSON only: what a program joins on
        "name": "Foyer du Port",
        "type": "foyer",
    }
    # ``--organisation`` as every other command names it; ``--org`` still works.
    admin("structure", "add", "--organisation", "INVIA", "MECS Bellevue")
    admin("structure", "add", "--org", "ALEFPA", "MECS Bellevue")
    assert admin("structure", "list").out == (
        "id  organisation  name           type\n"
        "1   ALEFPA        Foyer du Port  foyer\n"
        "3   ALEFPA        MECS Bellevue  MECS\n"
        "2   INVIA         MECS Bellevue  MECS\n"
    )
    for option in ("--organisation", "--org"):
        assert admin("structure", "list", option, "INVIA").out == (
            "id  organisation  name           type\n2   INVIA         MECS Bellevue  MECS\n"
        )


def test_unknown_or_ambiguous_references_say_what_to_do(admin):
    admin("org", "add", "ALEFPA")
    admin("org", "add", "INVIA")
    admin("structure", "add", "--org", "ALEFPA", "MECS Bellevue")
    admin("structure", "add", "--org", "INVIA", "MECS Bellevue")
    assert admin("structure", "add", "--org", "Nope", "X").err == (
        "voix: no organisation 'Nope': see `voix admin org list` for ids and names\n"
    )
    result = admin("youth", "list", "--structure", "MECS Bellevue")
    assert (result.exit_code, result.err) == (
        2,
        "voix: 2 structures are named 'MECS Bellevue' (ids 1, 2): give the id instead\n",
    )
    assert admin("youth", "list", "--structure", "9").err == (
        "voix: no structure '9': see `voix admin structure list` for ids and names\n"
    )


def test_names_must_be_words(admin):
    assert (
        admin("org", "add", "   ").err
        == 'voix: the organisation name is empty: give a name such as "Association Saint-Exemple"\n'
    )
    assert admin("org", "add", "42").exit_code == 2
    admin("org", "add", "ALEFPA")
    assert admin("structure", "add", "--org", "ALEFPA", "MECS", "--json").exit_code == 0
    assert admin("structure", "add", "--org", "ALEFPA", "MECS").err == (
        "voix: 'ALEFPA' already has a structure named 'MECS': see `voix admin structure list`\n"
    )


def test_a_name_with_a_control_character_is_refused(admin):
    # A terminal's bell or escape, from a copy: no spreadsheet takes it, and a list would ring it.
    assert admin("org", "add", "Asso\x07Bell").err == (
        "voix: the organisation name holds a control character ('\\x07'), from a copy or a key pressed "
        "by mistake: type the name again\n"
    )
    admin("org", "add", "ALEFPA")
    refused = admin("structure", "add", "--org", "ALEFPA", "MECS \x1b[31mrouge")
    assert refused.exit_code == 2 and "structure name holds a control character ('\\x1b')" in refused.err
    assert admin("org", "add", "Asso\tdes\nTilleuls", "--json").exit_code == 0  # spaces, as typed


def test_names_that_read_alike_are_one_name_added_once_and_found_as_typed(admin):
    decomposed = "Association E\u0301te\u0301"  # « Été » typed with combining accents (NFD)
    assert json.loads(admin("org", "add", decomposed, "--json").out)["name"] == "Association Été"  # NFC
    exists = "voix: an organisation named 'Association Été' already exists: see `voix admin org list`"
    for same in ("Association\u200b Été", "Association  Été"):  # an invisible space, two spaces
        assert admin("org", "add", same).err == f"{exists}\n"
    for alike in ("association ete", "ASSOCIATION ÉTÉ"):
        result = admin("org", "add", alike)
        assert (result.exit_code, result.err) == (
            2,
            f"{exists} (names are compared without case or accents: {alike!r} reads the same)\n",
        )
    assert (
        admin("structure", "add", "--org", "association ete", "--type", "mecs", "Les Tilleuls").exit_code == 0
    )
    assert admin("structure", "add", "--org", "1", "les tilleuls").exit_code == 2
    assert admin("youth", "list", "--structure", "LES TILLEULS").exit_code == 0
    assert admin("structure", "list").out == (
        "id  organisation     name          type\n1   Association Été  Les Tilleuls  MECS\n"
    )
    # Typed apostrophes and dashes read as the typographic ones.
    assert admin("structure", "add", "--org", "1", "Maison d’enfants Saint‑Exupéry").exit_code == 0
    assert admin("structure", "add", "--org", "1", "Maison d'enfants Saint-Exupery").exit_code == 2
    assert admin("youth", "list", "--structure", "maison d'enfants saint-exupery").exit_code == 0


def test_the_voix_command_runs_admin_commands(monkeypatch, database_path, capsys):
    from voix.cli import main

    monkeypatch.setenv("VOIX_DB", str(database_path))
    assert main(["admin", "org", "add", "ALEFPA"]) == 0
    assert main(["admin", "org", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 2)[2]) == [
        {"id": 1, "name": "ALEFPA", "structures": 0}
    ]
    assert main(["admin", "structure", "add", "--org", "Nope", "X"]) == 2
    assert capsys.readouterr().err.endswith(
        "voix: no organisation 'Nope': see `voix admin org list` for ids and names\n"
    )
