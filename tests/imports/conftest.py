"""The import tests share the CSV tests' study and database, and the CLI tests' child process."""

from tests.cli.conftest import perceptions, workdir
from tests.exports.conftest import repository, script

__all__ = ["perceptions", "repository", "script", "workdir"]
