"""The JSON output of `specloom init --json`."""

from __future__ import annotations

from typing import Literal

from specloom.core.json_model import JsonModel
from specloom.integrations.json_model import AgentFileJson


class InitFileJson(JsonModel):
    """A steering file: `conflict` is a file you edited, kept unless `--force` (`written`)."""

    path: str
    action: Literal["create", "update", "unchanged", "conflict"]
    written: bool
    diff: str


class InitJson(JsonModel):
    """`specloom init --json`."""

    root: str
    model_prose: bool
    usage: str | None
    notes: list[str]
    files: list[InitFileJson]
    agent_files: list[AgentFileJson]
