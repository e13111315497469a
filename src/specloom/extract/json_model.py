"""The JSON outputs of `extract --json` and `link --json` (docs/extract.md)."""

from __future__ import annotations

from typing import Literal

from specloom.core.json_model import JsonModel


class SkippedJson(JsonModel):
    path: str
    reason: str


class LinkEvidenceJson(JsonModel):
    """How a test was found to exercise a criterion's fact, written at path:line."""

    test: str
    via: str
    path: str
    line: int


class CriterionLinkJson(JsonModel):
    criterion: str
    facts: list[str]
    tests: list[str]
    evidence: list[LinkEvidenceJson]


class DroppedJson(JsonModel):
    requirement: str
    text: str
    reason: str


class TagAddedJson(JsonModel):
    path: str
    test: str
    line: int
    text: str


class ExtractJson(JsonModel):
    """`specloom extract PATH --name SPEC --json`; `facts` counts the facts by kind and
    `suggested_markers` maps a test node id to the criteria it would verify."""

    spec: str
    path: str
    written_by: Literal["model", "skeleton"]
    rounds: int
    files: int
    lines: int
    skipped: list[SkippedJson]
    facts: dict[str, int]
    requirements: int
    criteria: int
    linked_criteria: int
    links: list[CriterionLinkJson]
    suggested_markers: dict[str, list[str]]
    dropped: list[DroppedJson]
    tags_added: list[TagAddedJson]
    usage: str
    link_tests: bool


class LinkChangeJson(JsonModel):
    criterion: str
    test: str


class UntaggedJson(JsonModel):
    test: str
    reason: str


class LinkReportJson(JsonModel):
    """`specloom link SPEC --json` (and `extract --link-tests` on an extracted spec)."""

    spec: str
    path: str
    tests: int
    criteria: int
    linked_criteria: int
    linked_tests: int
    facts_changed: bool
    added: list[LinkChangeJson]
    removed: list[LinkChangeJson]
    links: list[CriterionLinkJson]
    tags_added: list[TagAddedJson]
    untagged: list[UntaggedJson]
