"""Pseudonymisation: keyed lookups, encrypted chat ids, key files, and a wrong key failing loudly."""

import os
import stat
from itertools import count

import pytest

from storage.database import migrate, open_sync_connection
from storage.errors import PseudonymisationError
from storage.pseudonymisation import (
    CODE_ALPHABET,
    Pseudonymiser,
    check_key_matches_database,
    load_master_key,
    pseudonymiser_for,
)
from voix.settings import Settings

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def counting_bytes():
    """Deterministic 'randomness': 0, 1, 2, … so tests are repeatable."""
    counter = count()
    return lambda size: bytes(next(counter) % 256 for _ in range(size))


def test_user_hash_is_stable_keyed_and_hides_the_id() -> None:
    pseudonymiser = Pseudonymiser(KEY)
    digest = pseudonymiser.telegram_user_hash(123456789)
    assert digest == Pseudonymiser(KEY).telegram_user_hash(123456789)
    assert digest != Pseudonymiser(OTHER_KEY).telegram_user_hash(123456789)
    assert digest != pseudonymiser.telegram_user_hash(123456790)
    assert len(digest) == 32
    assert b"123456789" not in digest


def test_chat_id_round_trips_and_differs_each_time() -> None:
    pseudonymiser = Pseudonymiser(KEY)
    first = pseudonymiser.encrypt_chat_id(987654321)
    second = pseudonymiser.encrypt_chat_id(987654321)
    assert first != second
    assert pseudonymiser.decrypt_chat_id(first) == 987654321
    assert pseudonymiser.decrypt_chat_id(second) == 987654321


def test_wrong_key_cannot_decrypt_and_says_why() -> None:
    stored = Pseudonymiser(KEY).encrypt_chat_id(42)
    with pytest.raises(PseudonymisationError, match="not the key these data were written with"):
        Pseudonymiser(OTHER_KEY).decrypt_chat_id(stored)


def test_codes_use_an_unambiguous_alphabet() -> None:
    pseudonymiser = Pseudonymiser(KEY, random_bytes=counting_bytes())
    assert pseudonymiser.new_code() == "234-567"
    code = pseudonymiser.new_code()
    assert len(code) == 7 and code[3] == "-"
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_pseudonyms_are_128_random_bits() -> None:
    pseudonymiser = Pseudonymiser(KEY, random_bytes=counting_bytes())
    assert pseudonymiser.new_pseudonym() == bytes(range(16)).hex()


def test_key_file_created_once_with_owner_only_rights(tmp_path) -> None:
    settings = Settings(db=tmp_path / "voix.db")
    key = load_master_key(settings)
    mode = stat.S_IMODE(os.stat(settings.secret_key_file).st_mode)
    assert mode == 0o600
    assert load_master_key(settings) == key
    assert len(key) == 32


@pytest.mark.parametrize("content", [b"not-hex\n", b"\xe9\xff" * 32 + b"\n"])  # text, or damaged bytes
def test_malformed_key_file_names_its_source(tmp_path, content: bytes) -> None:
    settings = Settings(db=tmp_path / "voix.db")
    settings.secret_key_file.write_bytes(content)
    with pytest.raises(PseudonymisationError, match=r"the key file .*voix.db.key must hold 64 hexadecimal"):
        load_master_key(settings)


def test_database_refuses_a_different_key(tmp_path) -> None:
    path = tmp_path / "voix.db"
    migrate(path, create=True)
    pseudonymiser_for(Settings(db=path, secret_key=KEY.hex()))
    with pytest.raises(PseudonymisationError, match="not the one the database was created with"):
        pseudonymiser_for(Settings(db=path, secret_key=OTHER_KEY.hex()))


def test_a_lost_key_file_is_never_replaced_by_a_new_key(tmp_path) -> None:
    path = tmp_path / "voix.db"
    migrate(path, create=True)
    settings = Settings(db=path)
    pseudonymiser_for(settings)  # the first use makes the key file and records its fingerprint
    settings.secret_key_file.unlink()  # lost (a copy of the database made without it)
    with pytest.raises(
        PseudonymisationError, match=r"voix.db.key is missing.*restore the key file from your backup"
    ):
        pseudonymiser_for(settings)
    assert not settings.secret_key_file.exists()


def test_fingerprint_recorded_on_first_use(tmp_path) -> None:
    path = tmp_path / "voix.db"
    migrate(path, create=True)
    connection = open_sync_connection(path, create=True)
    check_key_matches_database(connection, Pseudonymiser(KEY))
    stored = connection.execute("SELECT fingerprint FROM key_check").fetchone()[0]
    assert stored == Pseudonymiser(KEY).fingerprint
