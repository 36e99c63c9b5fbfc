"""Pseudonymisation: the only place that sees a Telegram id next to a youth.

An incoming Telegram user id is looked up by its keyed HMAC-SHA256 and never stored in clear; the
chat id needed to write back is stored encrypted (AES-GCM) in ``contacts`` only. A youth is known
elsewhere by a random pseudonym and a short human code. The master key comes from
``VOIX_SECRET_KEY`` or a key file beside the database (created 0600 on first use); a fingerprint
stored in the database makes a wrong key fail at start, before anything is written with it.
"""

import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.errors import PseudonymisationError
from voix.settings import Settings

logger = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
# Letters and digits a person cannot confuse when reading a code aloud (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

RandomBytes = Callable[[int], bytes]


class Pseudonymiser:
    """Keyed hashing and encryption derived from one master key."""

    def __init__(self, master_key: bytes, random_bytes: RandomBytes = os.urandom) -> None:
        if len(master_key) != KEY_BYTES:
            raise PseudonymisationError("The secret key must be 32 bytes (64 hexadecimal characters).")
        self._hash_key = _derive(master_key, b"voix telegram user hash")
        self._cipher = AESGCM(_derive(master_key, b"voix chat id encryption"))
        self._fingerprint = _derive(master_key, b"voix key fingerprint")
        self._random_bytes = random_bytes

    @property
    def fingerprint(self) -> bytes:
        """A value that identifies the key without revealing it (stored to detect a wrong key)."""
        return self._fingerprint

    def telegram_user_hash(self, telegram_user_id: int) -> bytes:
        """Return the lookup key of a Telegram user: HMAC-SHA256 of its id."""
        return hmac.new(self._hash_key, str(telegram_user_id).encode(), hashlib.sha256).digest()

    def encrypt_chat_id(self, chat_id: int) -> bytes:
        """Encrypt a chat id for storage (random nonce, so equal ids give different bytes)."""
        nonce = self._random_bytes(NONCE_BYTES)
        return nonce + self._cipher.encrypt(nonce, str(chat_id).encode(), b"chat_id")

    def decrypt_chat_id(self, stored: bytes) -> int:
        """Decrypt a stored chat id; a wrong key fails with a message that says so."""
        try:
            plain = self._cipher.decrypt(stored[:NONCE_BYTES], stored[NONCE_BYTES:], b"chat_id")
        except InvalidTag:
            raise PseudonymisationError(
                "A stored contact cannot be decrypted with this secret key: VOIX_SECRET_KEY (or the "
                "key file) is not the key these data were written with."
            ) from None
        return int(plain)

    def new_pseudonym(self) -> str:
        """Return a fresh random pseudonym (128 bits, hexadecimal)."""
        return self._random_bytes(16).hex()

    def new_code(self) -> str:
        """Return a short code an educator can read, like ``K7M-3QF`` (about 30 bits)."""
        letters = [CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in self._random_bytes(6)]
        return "".join(letters[:3]) + "-" + "".join(letters[3:])


def load_master_key(settings: Settings, may_create: bool = True) -> bytes:
    """Return the master key from ``VOIX_SECRET_KEY`` or the key file, creating the file if needed
    and allowed: never for a database that already holds data written with a key (a new key
    could not read them, and a file beside it would look like the one to back up)."""
    if settings.secret_key is not None:
        return _parse_key(settings.secret_key.get_secret_value(), "VOIX_SECRET_KEY")
    path = settings.secret_key_file
    if path.exists():
        # Read as ASCII, errors replaced: a damaged file is refused as any key of the wrong form.
        return _parse_key(path.read_text(encoding="ascii", errors="replace").strip(), f"the key file {path}")
    if not may_create:
        raise PseudonymisationError(
            f"The key file {path} is missing, and the database {settings.db} was written with a key: "
            "restore the key file from your backup (or set VOIX_SECRET_KEY to that key). A new key "
            "could not read the contacts already stored."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(secrets.token_hex(KEY_BYTES) + "\n")
    logger.warning("Created the secret key file %s: back it up; without it youth cannot be contacted.", path)
    return _parse_key(path.read_text().strip(), f"the key file {path}")


def check_key_matches_database(connection: sqlite3.Connection, pseudonymiser: Pseudonymiser) -> None:
    """Record the key's fingerprint on first use; afterwards refuse a different key."""
    row = connection.execute("SELECT fingerprint FROM key_check WHERE id = 1").fetchone()
    if row is None:
        connection.execute(
            "INSERT INTO key_check (id, fingerprint) VALUES (1, ?)", (pseudonymiser.fingerprint,)
        )
        return
    if not hmac.compare_digest(bytes(row[0]), pseudonymiser.fingerprint):
        raise PseudonymisationError(
            "This secret key is not the one the database was created with: set VOIX_SECRET_KEY "
            "(or restore the key file) to the original key."
        )


def pseudonymiser_for(settings: Settings, database_path: Path | None = None) -> Pseudonymiser:
    """Build the pseudonymiser for these settings and check its key against the (existing) database."""
    from storage.database import open_sync_connection

    connection = open_sync_connection(database_path or settings.db)  # never creates the database
    try:
        recorded = connection.execute("SELECT 1 FROM key_check WHERE id = 1").fetchone()
        pseudonymiser = Pseudonymiser(load_master_key(settings, may_create=recorded is None))
        check_key_matches_database(connection, pseudonymiser)
    finally:
        connection.close()
    return pseudonymiser


def _parse_key(text: str, source: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise PseudonymisationError(
            f"{source} must hold 64 hexadecimal characters (32 bytes); "
            "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    return key


def _derive(master_key: bytes, purpose: bytes) -> bytes:
    return hmac.new(master_key, purpose, hashlib.sha256).digest()
