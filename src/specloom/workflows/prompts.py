"""The text sent to the model for each phase, built so that providers can cache a prefix.

Every phase's prompt starts with the same system instructions, then the steering, then the
idea, then the earlier documents in workflow order; the phase's own request comes last. So
phase N+1's prompt begins with phase N's context, byte for byte. This module only builds
strings: it must not read files (callers pass documents re-read from disk) or call models.
"""

from __future__ import annotations

from collections.abc import Sequence

from specloom.core.diagnostic import Diagnostic
from specloom.workflows.phases import Phase, phase_file

SYSTEM_INSTRUCTIONS = """\
You write spec documents for spec-driven development in Kiro's `.kiro/specs/` layout.
Answer with the complete Markdown text of ONE document and nothing else: no preamble, no
closing remarks, no code fences around the document, no file paths. specloom decides where
the document is saved.

requirements.md:
  # Requirements Document
  ## Introduction (a short summary)
  ## Glossary (- **System_Name**: definition; system names in Snake_Case)
  ## Requirements
  ### Requirement N: Title
  **User Story:** As a <role>, I want <capability>, so that <benefit>.
  #### Acceptance Criteria
  1. WHEN <trigger>, THE <System_Name> SHALL <response>.
  Use strict EARS: THE <System_Name> SHALL ... (ubiquitous), WHEN ..., THE ... SHALL ...,
  WHILE ..., THE ... SHALL ..., IF ..., THEN THE ... SHALL ..., WHERE ..., THE ... SHALL ....
  One SHALL per criterion; measurable responses; no vague words (fast, promptly, user-friendly).

bugfix.md:
  # Bugfix Requirements Document
  ## Introduction
  ## Bug Analysis
  ### Current Behavior (Defect)      items 1.1, 1.2 ...: WHEN <input> THEN the system <wrong result>
  ### Expected Behavior (Correct)    items 2.1 ...: WHEN <input>, THE <System_Name> SHALL <result>
  ### Unchanged Behavior (Regression Prevention)  items 3.1 ...: ... SHALL CONTINUE TO ...

design.md:
  # Design Document
  ## Overview, ## Architecture, ## Components and Interfaces, ## Data Models,
  ## Correctness Properties, ## Error Handling, ## Testing Strategy (in this order).
  Under Correctness Properties, numbered properties, each one property-based test:
  ### Property N: Title
  *For any* <inputs>, <statement that must always hold>.
  **Validates: Requirements X.Y, X.Z**   (cite acceptance criteria that exist)
  For a bugfix: define the bug condition, one property that the fix holds wherever the bug
  condition holds (validates 2.x) and one that behaviour is unchanged elsewhere (validates 3.x).

tasks.md:
  # Implementation Plan
  - [ ] 1. Top-level task
    - [ ] 1.1 Sub-task
      - detail bullet
      - _Requirements: X.Y_
    - [ ]* 1.2 Write property test for <property>   (optional sub-tasks are tests only)
      - **Property N: Title**
      - **Validates: Requirements X.Y**
  - [ ] 2. Checkpoint - make sure all tests pass
  At most two levels; every task except checkpoints ends with a _Requirements: ..._ bullet
  citing existing criteria. For a bugfix, the first task writes a test that fails on the
  unfixed code.
"""

PHASE_REQUESTS: dict[Phase, str] = {
    "requirements": "Write requirements.md for the idea above.",
    "bugfix": "Write bugfix.md for the defect described above.",
    "design": "Write design.md for the idea above, with correctness properties that cite "
              "acceptance criteria.",
    "tasks": "Write tasks.md: an implementation plan in which every task cites the "
             "acceptance criteria it serves.",
}
DESIGN_FIRST_NOTE = (" There is no requirements.md yet: number the criteria you intend "
                     "(1.1, 1.2, ...) and cite those.")


def context_text(steering_text: str, idea: str,
                 earlier: Sequence[tuple[Phase, str]]) -> str:
    """Steering, idea and earlier documents: the part of the prompt shared between phases."""
    blocks = ["# Project steering", steering_text.strip() or "(no steering files)",
              "# The idea", idea.strip()]
    for phase, text in earlier:
        blocks.extend([f"# Approved document: {phase_file(phase)}", text.rstrip()])
    return "\n\n".join(blocks) + "\n"


def phase_request(phase: Phase, spec_name: str, has_requirements: bool) -> str:
    request = f"Spec name: {spec_name}. {PHASE_REQUESTS[phase]}"
    if phase == "design" and not has_requirements:
        request += DESIGN_FIRST_NOTE
    return request


def repair_request(phase: Phase, findings: Sequence[Diagnostic]) -> str:
    """Ask for the whole document again with the error-level findings fixed."""
    lines = [f"specloom check found these errors in your {phase_file(phase)}:"]
    lines.extend(f"- line {d.line}: {d.code} {d.message}" + (f" ({d.hint})" if d.hint else "")
                 for d in findings)
    lines.append("Answer with the complete corrected document only.")
    return "\n".join(lines)


def unparseable_request(phase: Phase, reason: str) -> str:
    return (f"Your answer is not a usable {phase_file(phase)}: {reason}. Answer with the "
            "complete document only, in the format described in the instructions.")


def refine_request(phase: Phase, current_text: str, feedback: str) -> str:
    """Revise the document now on disk (the user's own edits included) per the feedback."""
    return (f"Here is the current {phase_file(phase)}, possibly edited by hand; keep what the "
            f"feedback does not ask to change.\n\n{current_text.rstrip()}\n\n"
            f"Feedback from the reviewer:\n{feedback.strip()}\n\n"
            "Answer with the complete revised document only.")
