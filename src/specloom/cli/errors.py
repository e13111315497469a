"""Exit codes and the error type command handlers raise for expected failures."""

from __future__ import annotations

from specloom.core.errors import SpecloomError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class CliError(SpecloomError):
    """An expected failure: the message is shown as is, without a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code
