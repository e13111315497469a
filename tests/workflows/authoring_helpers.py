"""Scripted models and sample documents for the authoring tests.

`ScriptedModel` wraps pydantic-ai's `FunctionModel`: it streams the next scripted answer in
small chunks and records every prompt it was sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic_ai.messages import ModelMessage, ModelRequest, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.spec.workspace import Workspace
from specloom.workflows.authoring import Authoring
from specloom.workflows.phases import Workflow

REQUIREMENTS = """\
# Requirements Document

## Introduction
Members borrow books from the shelf.

## Glossary
- **Loan_Service**: the component that records loans.

## Requirements

### Requirement 1: Borrow a book
**User Story:** As a member, I want to borrow a book, so that I can read it at home.

#### Acceptance Criteria
1. WHEN a member borrows an available book, THE Loan_Service SHALL record a loan due in 14 days.
2. IF the book is already on loan, THEN THE Loan_Service SHALL reject the request with the message "On loan".

### Requirement 2: Return a book
**User Story:** As a member, I want to return a book, so that others can borrow it.

#### Acceptance Criteria
1. WHEN a member returns a book, THE Loan_Service SHALL close the loan.
"""

DESIGN = """\
# Design Document

## Overview
A loan ledger.

## Architecture
One module.

## Components and Interfaces
`LoanService.borrow(book)`, `LoanService.give_back(book)`.

## Data Models
`Loan`: book id, member id, due date.

## Correctness Properties

### Property 1: One open loan per book
*For any* sequence of borrow and return calls, a book has at most one open loan.
**Validates: Requirements 1.1, 1.2**

### Property 2: Returned books are available
*For any* open loan, returning the book closes the loan.
**Validates: Requirements 2.1**

## Error Handling
A borrow of a lent book is rejected.

## Testing Strategy
Unit tests and property tests.
"""

TASKS = """\
# Implementation Plan

- [ ] 1. Implement the loan ledger
  - [ ] 1.1 Implement borrow with the on-loan check
    - _Requirements: 1.1, 1.2_
  - [ ] 1.2 Implement return
    - _Requirements: 2.1_
  - [ ]* 1.3 Write property test for one open loan per book
    - **Property 1: One open loan per book**
    - **Validates: Requirements 1.1, 1.2**

- [ ] 2. Checkpoint - make sure all tests pass
"""

TASKS_CITING_MISSING = TASKS.replace("_Requirements: 2.1_", "_Requirements: 9.9_")

BUGFIX = """\
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

BUGFIX_DESIGN = DESIGN.replace("1.1, 1.2**", "2.1**").replace(
    "Requirements 2.1**", "Requirements 3.1**")

BUGFIX_TASKS = """\
# Implementation Plan

- [ ] 1. Write a test that fails on the unfixed rounding
  - _Requirements: 2.1_

- [ ] 2. Round half a cent up
  - _Requirements: 2.1, 3.1_

- [ ] 3. Checkpoint - make sure all tests pass
"""

def new_workspace(root: Path, files: dict[str, str] | None = None) -> Workspace:
    """A workspace at `root` with `.kiro/specs/` and the given files (relative path: text)."""
    (root / ".kiro" / "specs").mkdir(parents=True, exist_ok=True)
    for relative, text in (files or {}).items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return Workspace(root)


GARBAGE = "Sure! Here are some thoughts about loans, but no document."


@dataclass
class ScriptedModel:
    """Answers with the scripted texts in order; an exception in the script is raised."""

    answers: list[str | BaseException]
    prompts: list[list[ModelMessage]] = field(default_factory=list)
    chunk: int = 40

    @property
    def model(self) -> FunctionModel:
        return FunctionModel(stream_function=self._stream, model_name="scripted")

    async def _stream(self, messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        self.prompts.append(list(messages))
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        for start in range(0, len(answer), self.chunk):
            yield answer[start:start + self.chunk]

    def prompt_text(self, index: int) -> str:
        """Every user and system text of one recorded prompt, joined."""
        parts: list[str] = []
        for message in self.prompts[index]:
            if isinstance(message, ModelRequest):
                parts.extend(str(p.content) for p in message.parts
                             if isinstance(p, UserPromptPart) or hasattr(p, "content"))
        return "\n".join(parts)


def authoring(workspace: Workspace, scripted: ScriptedModel, workflow: Workflow = "requirements-first",
              name: str = "book-loans", idea: str = "Let members borrow and return books.",
              **options: object) -> Authoring:
    return Authoring(workspace=workspace, spec_name=name, workflow=workflow,
                     model=scripted.model, idea=idea,
                     steering_text="STEERING: use Python 3.11 and pytest.",
                     **options)  # type: ignore[arg-type]
