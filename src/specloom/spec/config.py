"""`.config.kiro` (Kiro's per-spec metadata) and cc-sdd's `spec.json`, read leniently.

Every key is optional and unknown keys are kept: `updated()` returns the new JSON text with
the original key order and every key the tools around us may rely on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from specloom.spec.source import Problem

WORKFLOW_TYPES = ("requirements-first", "design-first", "fast-task")
SPEC_TYPES = ("feature", "bugfix")


@dataclass(frozen=True, slots=True)
class SpecConfig:
    """The parsed `.config.kiro` (or an empty one when the file is absent or unreadable)."""

    raw: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def spec_id(self) -> str | None:
        value = self.raw.get("specId")
        return value if isinstance(value, str) else None

    @property
    def workflow_type(self) -> str | None:
        value = self.raw.get("workflowType")
        return value if isinstance(value, str) else None

    @property
    def spec_type(self) -> str | None:
        value = self.raw.get("specType")
        return value if isinstance(value, str) else None

    def updated(self, **changes: Any) -> str:
        """JSON text with `changes` applied, keeping unknown keys and their order."""
        merged = dict(self.raw)
        merged.update(changes)
        return json.dumps(merged, indent=2, ensure_ascii=False) + "\n"


CC_SDD_DOCUMENTS = ("requirements", "design", "tasks")


@dataclass(frozen=True, slots=True)
class CcSddStatus:
    """What cc-sdd's `spec.json` says about a spec: its phase and each document's approval.

    `approvals` maps a document (`requirements`, `design`, `tasks`, and any other key cc-sdd
    or a person wrote under `approvals`) to True or False; a key whose `approved` is not a
    boolean is left out. specloom reads `spec.json` and never writes it.
    """

    phase: str | None = None
    approvals: dict[str, bool] = field(default_factory=dict)

    def approved(self, document: str) -> bool:
        return self.approvals.get(document) is True

    def to_dict(self) -> dict[str, Any]:
        return {"phase": self.phase, "approvals": dict(self.approvals)}


def cc_sdd_status(raw: dict[str, Any]) -> CcSddStatus:
    """The phase and approvals of a parsed `spec.json`; unexpected shapes read as absent."""
    phase = raw.get("phase")
    approvals: dict[str, bool] = {}
    found = raw.get("approvals")
    if isinstance(found, dict):
        for document, value in found.items():
            flag = value.get("approved") if isinstance(value, dict) else value
            if isinstance(flag, bool):
                approvals[str(document)] = flag
    return CcSddStatus(phase if isinstance(phase, str) else None, approvals)


def parse_json_object(text: str, what: str) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """Parse a JSON object; syntax errors become a problem with the line, never an exception."""
    if not text.strip():
        return {}, ()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return {}, (Problem("S008", exc.lineno, f"{what} is not valid JSON: {exc.msg}",
                            "fix the JSON syntax (a trailing comma or a missing quote?)",
                            exc.colno),)
    if not isinstance(value, dict):
        return {}, (Problem("S008", 1, f"{what} must be a JSON object, found "
                            f"{type(value).__name__}", "wrap the settings in { ... }"),)
    return value, ()


def parse_config(text: str) -> SpecConfig:
    raw, problems = parse_json_object(text, ".config.kiro")
    found = list(problems)
    for key, allowed in (("workflowType", WORKFLOW_TYPES), ("specType", SPEC_TYPES)):
        value = raw.get(key)
        if value is not None and value not in allowed:
            found.append(Problem("S008", _line_of_key(text, key),
                                 f"{key} is {value!r}, expected one of {', '.join(allowed)}",
                                 f"set \"{key}\" to one of: {', '.join(allowed)}"))
    return SpecConfig(raw, tuple(found))


def _line_of_key(text: str, key: str) -> int:
    index = text.find(f'"{key}"')
    return text.count("\n", 0, index) + 1 if index >= 0 else 1
