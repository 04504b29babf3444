"""Encrypted chat references: how to reach a respondent again without storing their Telegram id."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Changing the label gives a new key, so old references stop opening (they are then ignored).
_INFO = b"perceptions chat reference v1"


class ChatRefKey:
    """The Fernet key for chat references, derived from the pseudonym key (never that key)."""

    def __init__(self, pseudonym_key: str) -> None:
        """Derive the key with HKDF-SHA256; like the pseudonym key, it never enters the database."""
        if not pseudonym_key:
            raise ValueError(
                "The pseudonym key is empty: set PSEUDONYM_KEY to a long random secret."
            )
        # A key of its own: the pseudonym HMAC and the encryption never share key material.
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            pseudonym_key.encode("utf-8")
        )
        self.fernet = Fernet(base64.urlsafe_b64encode(derived))

    def __repr__(self) -> str:
        """Never show key material, even in a traceback."""
        return "ChatRefKey(...)"


def seal(chat_id: int, key: ChatRefKey) -> str:
    """The chat id encrypted and authenticated under `key` (a different text every call)."""
    return key.fernet.encrypt(str(chat_id).encode("ascii")).decode("ascii")


def open_ref(token: str, key: ChatRefKey) -> int | None:
    """The chat id sealed in `token`; None if it was made with another key or was tampered with."""
    try:
        plain = key.fernet.decrypt(token.encode("ascii"))
        return int(plain.decode("ascii"))
    except (InvalidToken, UnicodeError, ValueError):
        return None
