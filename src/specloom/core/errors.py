"""The one base of every error a person can fix: `SpecloomError`.

Every module raises its own subclass (`SettingsError`, `UnknownSpecError`, `GateRefused`, ...),
some also an `OSError`, `ValueError` or `LookupError` where callers catch them as such. An
adapter catches `SpecloomError` once: the CLI prints `specloom: error: <message>` and exits with
`exit_code`, the MCP server returns the message as the tool's error. Anything else that escapes
is a bug. Internal control-flow exceptions and messages meant for a model do not derive from it.
Nothing here prints or imports the rest of specloom.
"""

from __future__ import annotations

EXIT_BAD_INPUT = 2


class SpecloomError(Exception):
    """A failure the user can fix; `str()` names the file, the line where known, and the fix.

    `path`, `line` and `hint` repeat those facts for an adapter that shows them apart; a `hint`
    kept out of the message is shown after it (`user_message`). `exit_code` is what the CLI
    exits with: 2 for bad input, 1 for a refusal (a task the gate will not mark done).
    Subclasses with their own `__init__` need not call this one: the class defaults hold.
    """

    path: str | None = None
    line: int | None = None
    hint: str | None = None
    exit_code: int = EXIT_BAD_INPUT

    def __init__(self, *args: object, path: str | None = None, line: int | None = None,
                 hint: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(*args)
        if path is not None:
            self.path = path
        if line is not None:
            self.line = line
        if hint is not None:
            self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def user_message(self) -> str:
        """The message every adapter shows: `str()`, then the hint when one is kept apart."""
        return f"{self}; {self.hint}" if self.hint else str(self)
