"""The JSON output of `specloom agents install AGENT... --json`, also `init`'s `agent_files`."""

from __future__ import annotations

from typing import Literal

from pydantic import RootModel

from specloom.core.json_model import JsonModel


class AgentFileJson(JsonModel):
    """One file written for an agent: `path` is relative to the workspace root ("file#key" for
    a merged JSON entry); `diff` is, for `kept`, what specloom would have written."""

    path: str
    action: Literal["created", "updated", "unchanged", "kept"]
    diff: str


class AgentsInstallJson(RootModel[list[AgentFileJson]]):
    """`specloom agents install AGENT... --json`: a list (exit 1 when a file was kept)."""
