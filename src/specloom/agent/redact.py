"""Keep secrets from the environment out of transcripts.

Values of environment variables whose names look like keys, tokens, secrets or passwords are
replaced in tool output by a placeholder naming the variable. This module only rewrites text;
it never changes the environment that commands run with.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL", re.IGNORECASE)
MIN_SECRET_LENGTH = 4  # shorter values ("1", "yes") would redact ordinary text


@dataclass(frozen=True, slots=True)
class Redactor:
    """Replaces each secret value by `[redacted:NAME]`; the longest values go first."""

    secrets: tuple[tuple[str, str], ...]

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Redactor:
        env = os.environ if environ is None else environ
        found = {
            value: name
            for name, value in env.items()
            if SECRET_NAME.search(name) and len(value.strip()) >= MIN_SECRET_LENGTH
        }
        ordered = sorted(found.items(), key=lambda item: -len(item[0]))
        return cls(tuple(ordered))

    def __call__(self, text: str) -> str:
        for value, name in self.secrets:
            if value in text:
                text = text.replace(value, f"[redacted:{name}]")
        return text
