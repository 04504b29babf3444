"""Keyed pseudonyms for Telegram user ids (the raw id is never stored)."""

from __future__ import annotations

import hashlib
import hmac


def pseudonymise(user_id: int, key: str) -> str:
    """HMAC-SHA256 hex of the user id under a secret key kept outside the database."""
    # Telegram ids are small integers: an unkeyed hash could be reversed by trying them all.
    if not key:
        raise ValueError("The pseudonym key is empty: set PSEUDONYM_KEY to a long random secret.")
    return hmac.new(key.encode("utf-8"), str(user_id).encode("ascii"), hashlib.sha256).hexdigest()
