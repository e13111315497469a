"""`.config.kiro` (Kiro's per-spec metadata) and cc-sdd's `spec.json`, read leniently.

Every key is optional and unknown keys are kept: `updated()` returns the new JSON text with
the original key order and every key the tools around us may rely on, laid out as the file
was: its indentation (tabs or a number of spaces, or all on one line), its separators, its
line endings, its escaping of non-ASCII text and whether it ends with a newline.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from specloom.core import jsontext
from specloom.spec.source import Problem

WORKFLOW_TYPES = ("requirements-first", "design-first", "fast-task")
SPEC_TYPES = ("feature", "bugfix")


@dataclass(frozen=True, slots=True)
class SpecConfig:
    """The parsed `.config.kiro` (or an empty one when the file is absent or unreadable)."""

    raw: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    text: str = field(default="", compare=False, repr=False)  # as read, for its layout

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
        """JSON text with `changes` applied, keeping unknown keys, their order and the
        file's layout (`JsonStyle.of` the text it was read from; Kiro's for a new file)."""
        merged = dict(self.raw)
        merged.update(changes)
        return JsonStyle.of(self.text).dumps(merged)


_INDENT = re.compile(r"\n([ \t]+)\"")
_KEY_SEPARATOR = re.compile(r"\"[ \t]*:([ \t]*)")


@dataclass(frozen=True, slots=True)
class JsonStyle:
    """How a JSON file is laid out, so that a rewrite looks like the file it replaces."""

    indent: str | None = "  "  # None: everything on one line
    item_separator: str = ","
    key_separator: str = ": "
    newline: str = "\n"
    final_newline: bool = True
    ensure_ascii: bool = False

    @classmethod
    def of(cls, text: str) -> JsonStyle:
        """The layout of `text`; Kiro's own (two spaces, final newline) for an empty text."""
        body = text.strip()
        if not body:
            return cls()
        newline = "\r\n" if "\r\n" in text else "\n"
        final_newline = text.endswith(("\n", "\r"))
        match = _INDENT.search(text.replace("\r\n", "\n"))
        multiline = "\n" in body
        indent: str | None = None
        if multiline:
            indent = match.group(1) if match else ""
            if "\t" in indent:
                indent = "\t"
        key = _KEY_SEPARATOR.search(body)
        key_separator = ":" + (key.group(1) if key else " ")
        item_separator = ","
        if indent is None:
            item_separator = ", " if re.search(r",[ \t]", body) or "," not in body else ","
            if key is None:
                key_separator = ": "
        ensure_ascii = body.isascii() and "\\u" in body
        return cls(indent, item_separator, key_separator, newline, final_newline,
                   ensure_ascii)

    def dumps(self, value: Any) -> str:
        text = json.dumps(value, indent=self.indent, ensure_ascii=self.ensure_ascii,
                          separators=(self.item_separator, self.key_separator))
        if self.newline != "\n":
            text = text.replace("\n", self.newline)  # json escapes newlines inside strings
        return text + (self.newline if self.final_newline else "")


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
        value = jsontext.loads(text)
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
    return SpecConfig(raw, tuple(found), text)


def _line_of_key(text: str, key: str) -> int:
    index = text.find(f'"{key}"')
    return text.count("\n", 0, index) + 1 if index >= 0 else 1
