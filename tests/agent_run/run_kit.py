"""Helpers for the task runner tests: a temporary git project with a real pytest suite, and
scripted models (pydantic-ai FunctionModels) that call the real agent tools."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

PY = sys.executable

REQUIREMENTS = """\
# Requirements Document

## Introduction
A tiny calculator.

## Requirements

### Requirement 1: Add
**User Story:** As a user, I want to add numbers, so that I get sums.

#### Acceptance Criteria
1. WHEN two integers are given, THE Calculator SHALL return their sum.

### Requirement 2: Subtract
**User Story:** As a user, I want to subtract numbers, so that I get differences.

#### Acceptance Criteria
1. WHEN two integers are given, THE Calculator SHALL return the first minus the second.

### Requirement 3: Multiply
**User Story:** As a user, I want to multiply numbers, so that I get products.

#### Acceptance Criteria
1. WHEN two integers are given, THE Calculator SHALL return their product.
"""

DESIGN = """\
# Design Document

## Overview
One module, `calc.py`, with one function per operation.
"""

TASKS = """\
# Implementation Plan

- [ ] 1. Implement add in calc.py
  - _Requirements: 1.1_

- [ ] 2. Implement subtract in calc.py
  - _Requirements: 2.1_

- [ ] 3. Implement multiply in calc.py
  - _Requirements: 3.1_
"""

TESTS = '''\
import pytest

import calc


@pytest.mark.req("calc", "1.1")
def test_add():
    if not hasattr(calc, "add"):
        pytest.skip("not implemented yet")
    assert calc.add(2, 3) == 5


@pytest.mark.req("calc", "2.1")
def test_subtract():
    if not hasattr(calc, "subtract"):
        pytest.skip("not implemented yet")
    assert calc.subtract(5, 3) == 2


@pytest.mark.req("calc", "3.1")
def test_multiply():
    if not hasattr(calc, "multiply"):
        pytest.skip("not implemented yet")
    assert calc.multiply(4, 3) == 12
'''

GOOD_ADD = "def add(a, b):\n    return a + b\n"


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                   cwd=root, check=True, capture_output=True)


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def make_project(root: Path, *, tasks: str = TASKS, test_command: str | None = "default",
                 extra: dict[str, str] | None = None) -> Path:
    """A git repository with the calc spec, its linked tests, and optional extras."""
    command = f"{PY} -m pytest -q -p no:cacheprovider tests" if test_command == "default" \
        else test_command
    pyproject = "[project]\nname = \"calc\"\nversion = \"0\"\n"
    if command is not None:
        pyproject += f"\n[tool.specloom]\nrun-test-command = {toml_string(command)}\n"
    write(root, {
        "pyproject.toml": pyproject,
        ".kiro/specs/calc/requirements.md": REQUIREMENTS,
        ".kiro/specs/calc/design.md": DESIGN,
        ".kiro/specs/calc/tasks.md": tasks,
        "tests/test_calc.py": TESTS,
        "calc.py": "",
        **(extra or {}),
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    return root


Step = Callable[[list[ModelMessage], AgentInfo], ModelResponse]


def call(tool: str, **args: Any) -> Step:
    return lambda _m, _i: ModelResponse(parts=[ToolCallPart(tool, args)])


def report(done: bool, summary: str) -> Step:
    def step(_messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        name = info.output_tools[0].name
        return ModelResponse(parts=[ToolCallPart(name, {"done": done, "summary": summary})])

    return step


def say(text: str) -> Step:
    return lambda _m, _i: ModelResponse(parts=[TextPart(text)])


class Script:
    """A FunctionModel that plays `steps` in order; remembers what it was shown."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = list(steps)
        self.seen: list[tuple[list[ModelMessage], AgentInfo]] = []
        self.model = FunctionModel(self._respond)

    def _respond(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        self.seen.append((list(messages), info))
        if not self.steps:
            raise AssertionError("the scripted model was called more often than scripted")
        return self.steps.pop(0)(messages, info)


def implement(code: str, summary: str = "implemented") -> list[Step]:
    """Write calc.py, run the tests, then report done."""
    return [call("write_file", path="calc.py", content=code),
            call("run_command", command=f"{PY} -m pytest -q -p no:cacheprovider tests"),
            report(True, summary)]


def paths(tmp_path: Path) -> tuple[Path, Path]:
    """(project root, empty home folder so no user-wide steering leaks into the tests)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return tmp_path / "project", home
