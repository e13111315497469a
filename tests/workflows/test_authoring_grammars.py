"""The GBNF grammars for the embedded model admit documents that parse and check cleanly.

The grammars are not recursive, so each one is translated to a regular expression here and
sample documents in the grammar's shape are matched against it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from authoring_helpers import DESIGN, REQUIREMENTS, new_workspace

from specloom.spec.workspace import Workspace
from specloom.workflows.documents import judge
from specloom.workflows.grammars import grammar_for
from specloom.workflows.phases import Phase

TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\[(?:[^\]\\]|\\.)*\]|[A-Za-z_][\w-]*|[()|*+?]|\{\d+,\d+\})')
ESCAPES = {"n": "\n", '"': '"', "\\": "\\", "[": "[", "]": "]", "t": "\t"}


def grammar_rules(grammar: str) -> dict[str, str]:
    rules: dict[str, str] = {}
    name = ""
    for line in grammar.splitlines():
        head = re.match(r"^(\w+) ::= ?(.*)$", line)
        if head:
            name = head.group(1)
            rules[name] = head.group(2)
        elif line.strip():
            rules[name] += " " + line.strip()
    return rules


def to_regex(rules: dict[str, str], name: str) -> str:
    body, out, position = rules[name], [], 0
    while position < len(body.rstrip()):
        match = TOKEN.match(body, position)
        assert match, f"cannot read {body[position:]!r}"
        token, position = match.group(1), match.end()
        if token.startswith('"'):
            text = re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], token[1:-1])
            out.append(re.escape(text))
        elif token.startswith("["):
            out.append(token)
        elif token[0].isalpha() or token[0] == "_":
            assert token in rules, f"rule {token} is not defined"
            out.append(f"(?:{to_regex(rules, token)})")
        else:
            out.append(token)
    return "".join(out)


def matches(phase: Phase, text: str) -> bool:
    return re.fullmatch(to_regex(grammar_rules(grammar_for(phase)), "root"), text) is not None


BUGFIX_IN_GRAMMAR = """\
# Bugfix Requirements Document

## Introduction
Fees of half a cent are rounded down.

## Glossary
- **Fee_Service**: computes overdue fees.

## Bug Analysis

### Current Behavior (Defect)
1.1 WHEN the unrounded fee ends in exactly half a cent THEN the system rounds the fee down

### Expected Behavior (Correct)
2.1 WHEN the unrounded fee ends in exactly half a cent, THE Fee_Service SHALL round the fee up to the next whole cent

### Unchanged Behavior (Regression Prevention)
3.1 WHEN the unrounded fee is a whole number of cents, THE Fee_Service SHALL CONTINUE TO charge exactly that amount
"""

TASKS_IN_GRAMMAR = """\
# Implementation Plan

- [ ] 1. Implement the loan ledger
  - [ ] 1.1 Implement borrow with the on-loan check
    - _Requirements: 1.1, 1.2_
  - [ ]* 1.2 Write property test for one open loan per book
    - **Property 1: One open loan per book**
    - _Requirements: 1.1, 1.2_

- [ ] 2. Implement return
  - Close the loan record
  - _Requirements: 2.1_

- [ ] 3. Checkpoint - make sure all tests pass
"""


@pytest.mark.req("authoring", "3.5")
@pytest.mark.parametrize(("phase", "text"), [
    ("requirements", REQUIREMENTS), ("design", DESIGN), ("tasks", TASKS_IN_GRAMMAR),
    ("bugfix", BUGFIX_IN_GRAMMAR),
])
def test_grammar_admits_a_clean_document(tmp_path: Path, phase: Phase,
                                         text: str) -> None:
    assert matches(phase, text)
    files: dict[str, str] = {}
    if phase in ("design", "tasks"):
        files[".kiro/specs/demo/requirements.md"] = REQUIREMENTS
    workspace: Workspace = new_workspace(tmp_path, files)
    (workspace.spec_dir("demo")).mkdir(parents=True, exist_ok=True)
    candidate = judge(workspace, "demo", phase, text, None)
    assert candidate.unusable is None and not candidate.errors, candidate.findings


@pytest.mark.req("authoring", "3.6")
@pytest.mark.parametrize(("phase", "text"), [
    ("requirements", REQUIREMENTS.replace("THE Loan_Service SHALL close", "the loans close")),
    ("design", DESIGN.replace("## Data Models", "## Data")),
    ("tasks", TASKS_IN_GRAMMAR.replace("    - _Requirements: 1.1, 1.2_\n  - [ ]*", "  - [ ]*")),
])
def test_grammar_refuses_documents_out_of_shape(phase: Phase, text: str) -> None:
    assert not matches(phase, text)
