"""Criterion -> test mapping with evidence, and `# specloom:` tags above matched tests.

A test exercises a criterion when it reaches a definition one of the criterion's facts names
(a function, method, class or model: through imports, aliases, fixtures, instance method calls,
see `test_reach`), sends a request matching a cited route, invokes a cited command, or expects
a cited exception. A call whose callee could not be resolved still counts by name (a method
only when the test also names its class). Each link keeps its evidence: how the test reaches
the fact, at which file and line. Tag insertion only ever adds whole comment lines directly
above a test's decorators (or its `def`), writes atomically, and skips ids already tagged
there; it must not change any other byte of the user's file. A test a class inherits has no
`def` of its own to tag, so it is linked in facts.json only.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specloom.extract.facts import Fact, FactSheet
from specloom.spec.files import replace_if_unchanged
from specloom.spec.source import read_bounded

LINKABLE_KINDS = frozenset({"function", "method", "route", "command", "exception",
                            "data_model", "class"})
REACHABLE_KINDS = frozenset({"function", "method", "class", "data_model", "exception"})
TAG = re.compile(r"^\s*#\s*specloom:\s*(?P<spec>[\w.-]+)\s+(?P<ids>[\d.,\s]+)$")


@dataclass(frozen=True, slots=True)
class LinkEvidence:
    """How test `test` was found to exercise a criterion's fact: `via`, written at path:line."""

    test: str
    via: str
    path: str
    line: int

    def to_json(self) -> dict[str, object]:
        return {"test": self.test, "via": self.via, "path": self.path, "line": self.line}


@dataclass(frozen=True, slots=True)
class CriterionLink:
    """The tests that exercise criterion `criterion` (node ids, in sheet order), and why."""

    criterion: str
    facts: tuple[str, ...]
    tests: tuple[str, ...]
    evidence: tuple[LinkEvidence, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"criterion": self.criterion, "facts": list(self.facts), "tests": list(self.tests),
                "evidence": [e.to_json() for e in self.evidence]}


@dataclass(frozen=True, slots=True)
class TagEdit:
    path: str
    test: str
    line: int
    text: str


def link_criteria(citations: Mapping[str, Sequence[str]], sheet: FactSheet,
                  texts: Mapping[str, str] | None = None) -> list[CriterionLink]:
    """For each criterion id and the fact ids it cites, the tests exercising those facts.

    When the criterion's text is given and promises an error (`SHALL raise E`, `SHALL respond
    with status code N`), only tests that expect `E` or assert on `N` count: calling the
    function is not evidence for its error path.
    """
    by_id = sheet.by_id()
    tests = [TestIndex(test) for test in sheet.of_kind("test")]
    links = []
    for criterion, fact_ids in citations.items():
        cited = [by_id[f] for f in fact_ids if f in by_id and by_id[f].kind in LINKABLE_KINDS]
        text = (texts or {}).get(criterion, "")
        matched: list[str] = []
        evidence: list[LinkEvidence] = []
        for test in tests:
            found = next(filter(None, (test.evidence(fact) for fact in cited)), None)
            if found is not None and checks_outcome(test.fact, text):
                matched.append(found.test)
                evidence.append(found)
        links.append(CriterionLink(criterion, tuple(fact_ids), tuple(matched), tuple(evidence)))
    return links


class TestIndex:
    """A test fact's details arranged for lookups: reached targets and unresolved calls."""

    __test__ = False  # not a pytest test class

    def __init__(self, test: Fact) -> None:
        details = test.details
        self.fact = test
        self.nodeid = str(details.get("nodeid", test.name))
        self.reaches: dict[str, Mapping[str, Any]] = {}
        for reach in details.get("reaches", ()):
            if isinstance(reach, dict):
                self.reaches.setdefault(str(reach.get("target")), reach)
        if "reaches" in details:
            self.calls: dict[str, Mapping[str, Any]] = {
                str(c.get("name")): c for c in details.get("unresolved_calls", ())
                if isinstance(c, dict)}
        else:  # a test fact from before `reaches` existed: every call counts by name
            self.calls = {str(name): {} for name in details.get("calls", ())}
        self.names = set(details.get("names", ())) | set(details.get("calls", ()))

    def found(self, via: str, path: str | None = None, line: int | None = None) -> LinkEvidence:
        return LinkEvidence(self.nodeid, via, self.fact.path if path is None else path,
                            self.fact.line if line is None else line)

    def evidence(self, fact: Fact) -> LinkEvidence | None:
        details = self.fact.details
        if fact.kind == "route":
            pattern = route_pattern(str(fact.details.get("path", "")))
            methods = set(fact.details.get("methods", ()))
            for request in details.get("http", ()):
                verb, _, path = str(request).partition(" ")
                if (verb in methods or "ANY" in methods) and pattern.match(path):
                    return self.found(f"sends {request}, matching route {fact.name}")
        if fact.kind == "command" and \
                fact.details.get("command") in details.get("commands", ()):
            return self.found(f"invokes the {fact.details.get('command')} command")
        if fact.kind == "exception" and fact.symbol in details.get("expects_raises", ()):
            return self.found(f"expects {fact.symbol} with pytest.raises")
        target = fact.name if fact.kind in REACHABLE_KINDS else \
            f"{fact.details.get('module')}.{fact.details.get('handler') or fact.symbol}"
        reach = self.reaches.get(target)
        if reach is not None:
            return self.found(str(reach.get("via", "")), str(reach.get("path", self.fact.path)),
                              int(reach.get("line", self.fact.line)))
        if fact.kind == "exception":
            return None
        return self._by_name(fact)

    def _by_name(self, fact: Fact) -> LinkEvidence | None:
        """The name rule, for calls nothing resolved (or tests read before `reaches`)."""
        call = self.calls.get(fact.symbol)
        if call is None:
            return None
        path = str(call.get("path", self.fact.path))
        line = int(call.get("line", self.fact.line))
        if fact.kind == "method":
            owner = fact.name.rsplit(".", 2)[-2]
            if owner not in self.names:
                return None
            return self.found(f"by name: calls {fact.symbol}() on a value of unresolved type "
                              f"and names {owner}", path, line)
        return self.found(f"by name: calls {fact.symbol}() (not resolved to a definition)",
                          path, line)


RAISES = re.compile(r"SHALL raise (\w+)")
STATUS = re.compile(r"SHALL respond with (?:HTTP )?status(?: code)? (\d{3})")


def checks_outcome(test: Fact, criterion_text: str) -> bool:
    """False when the criterion promises an error the test neither expects nor asserts."""
    raised = RAISES.search(criterion_text)
    if raised:
        return raised.group(1) in test.details.get("expects_raises", ())
    status = STATUS.search(criterion_text)
    if status:
        return any(status.group(1) in str(a) for a in test.details.get("asserts", ()))
    return True


def route_pattern(template: str) -> re.Pattern[str]:
    """`/items/{id}` and `/items/<int:id>` match `/items/1` and `/items/{}`."""
    parts = re.split(r"(\{[^}]*\}|<[^>]*>)", template.rstrip("/"))
    body = "".join("[^/]+" if part[:1] in "{<" and part else re.escape(part) for part in parts)
    return re.compile(f"^{body}/?(?:\\?.*)?$")


def suggested_markers(spec: str, links: Sequence[CriterionLink]) -> dict[str, list[str]]:
    """Test node id -> the criteria it would verify, for printing `@pytest.mark.req` lines."""
    by_test: dict[str, list[str]] = {}
    for link in links:
        for test in link.tests:
            by_test.setdefault(test, []).append(link.criterion)
    return by_test


def insert_tags(root: Path, spec: str, links: Sequence[CriterionLink]) -> list[TagEdit]:
    """Add `# specloom: <spec> <ids>` above each matched test; return the lines added."""
    per_file: dict[str, dict[str, list[str]]] = {}
    for test, criteria in suggested_markers(spec, links).items():
        path, _, qualified = test.partition("::")
        per_file.setdefault(path, {})[qualified] = criteria
    edits: list[TagEdit] = []
    for path, tests in sorted(per_file.items()):
        edits.extend(_tag_file(root / path, path, spec, tests))
    return edits


def _tag_file(file: Path, display: str, spec: str,
              tests: Mapping[str, list[str]]) -> list[TagEdit]:
    original = read_bounded(file)
    text = original.decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    planned: list[tuple[int, str, TagEdit]] = []
    for qualified, (first_line, indent) in _test_positions(ast.parse(text)).items():
        criteria = tests.get(qualified)
        if not criteria:
            continue
        missing = [c for c in criteria if c not in _tagged_above(lines, first_line, spec)]
        if missing:
            tag = f"{indent}# specloom: {spec} {', '.join(missing)}"
            planned.append((first_line, tag, TagEdit(display, qualified, first_line, tag.strip())))
    if not planned:
        return []
    for first_line, tag, _ in sorted(planned, key=lambda p: p[0], reverse=True):
        lines.insert(first_line - 1, tag + newline)
    replace_if_unchanged(file, original, "".join(lines).encode("utf-8"))
    return [edit for _, _, edit in sorted(planned, key=lambda p: p[0])]


def _test_positions(tree: ast.Module) -> dict[str, tuple[int, str]]:
    """Qualified test name -> (first line of its decorators or def, its indentation)."""
    found: dict[str, tuple[int, str]] = {}
    for node in tree.body:
        members = [(node, "")] if not isinstance(node, ast.ClassDef) else \
            [(item, node.name) for item in node.body]
        for item, owner in members:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([d.lineno for d in item.decorator_list] + [item.lineno])
                name = f"{owner}::{item.name}" if owner else item.name
                found[name] = (first, " " * item.col_offset)
    return found


def _tagged_above(lines: list[str], first_line: int, spec: str) -> set[str]:
    """Criteria already tagged for `spec` in the comment block directly above line `first_line`."""
    tagged: set[str] = set()
    index = first_line - 2
    while index >= 0 and lines[index].lstrip().startswith("#"):
        match = TAG.match(lines[index].rstrip("\r\n"))
        if match and match.group("spec") == spec:
            tagged.update(part.strip() for part in match.group("ids").split(",") if part.strip())
        index -= 1
    return tagged
