"""Which failures of a use case are the user's to fix, and the one message each adapter shows.

`UseCaseError` is raised by the use cases in `specloom.app` for bad input and for a model that
cannot be set up or fails mid-step. `user_error` also recognises the library's own expected
errors (every `SpecloomError`: an unknown spec, a bad setting, a refused task, ...), so the
CLI and the MCP server translate failures in one place and show the same message; anything
else is a bug and is left to the adapter's internal-error path. Nothing here prints.
"""

from __future__ import annotations

from specloom.core.errors import SpecloomError


class UseCaseError(SpecloomError):
    """An expected failure; `str()` is the message every adapter shows as is.

    `refusal` is True when the request was well formed but its outcome is a refusal or a
    failure to report (a task the gate refuses, a model that failed mid-step): the CLI exits 1
    for those and 2 for bad input.
    """

    def __init__(self, message: str, *, refusal: bool = False) -> None:
        super().__init__(message, exit_code=1 if refusal else 2)
        self.refusal = refusal


def user_error(exc: BaseException) -> UseCaseError | None:
    """`exc` as the message to show the user, or None when it is not an expected failure."""
    if isinstance(exc, UseCaseError):
        return exc
    if isinstance(exc, SpecloomError):  # exit code 1 (GateRefused): a refusal, not bad input
        return UseCaseError(exc.user_message(), refusal=exc.exit_code == 1)
    return None
