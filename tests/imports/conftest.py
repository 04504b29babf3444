"""The import tests share the CSV tests' study and fresh database."""

from tests.exports.conftest import repository, script

__all__ = ["repository", "script"]
