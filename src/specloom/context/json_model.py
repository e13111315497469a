"""The JSON output of `specloom steering show --json`: which steering files go with some paths
and a request, why, and their token cost."""

from __future__ import annotations

from specloom.core.json_model import DiagnosticJson, JsonModel


class SteeringFileJson(JsonModel):
    """A steering file, included or excluded, with the reason and its estimated tokens;
    `scope` is workspace, user or agents; `inclusion` is always, fileMatch, manual or auto."""

    name: str
    path: str
    scope: str
    inclusion: str
    patterns: list[str]
    description: str | None
    reason: str
    tokens: int


class SteeringShowJson(JsonModel):
    """`specloom steering show [--for PATH] [--prompt TEXT] --json`."""

    root: str
    paths: list[str]
    prompt: str
    token_estimate: str
    total_tokens: int
    included: list[SteeringFileJson]
    excluded: list[SteeringFileJson]
    problems: list[DiagnosticJson]
