"""GBNF grammars that let the embedded local model write only parseable documents.

llama.cpp constrains sampling to these grammars, so a tiny model cannot drift out of the
Kiro layout. They are deliberately strict and bounded (a tiny model would otherwise
repeat a list until its token limit; strict EARS, the seven design sections in order,
cited criteria on every task); `check` still judges the content. Text only: no model code.
"""

from __future__ import annotations

from specloom.workflows.phases import Phase

COMMON = r"""
line ::= [^#\n] [^\n]* "\n"
para ::= line line?
text ::= [^\n]+
clause ::= [^,\n]+
name ::= [A-Z] [A-Za-z0-9]* ("_" [A-Za-z0-9]+)*
num ::= [1-9] [0-9]?
ref ::= num "." num
refs ::= ref (", " ref)*
"""

REQUIREMENTS = r"""
root ::= (
  "# Requirements Document\n\n## Introduction\n" para
  "\n## Glossary\n" term{1,4}
  "\n## Requirements\n" requirement{1,4}
)
term ::= "- **" name "**: " text "\n"
requirement ::= (
  "\n### Requirement " num ": " text
  "\n**User Story:** As a " clause ", I want " clause ", so that " text
  "\n\n#### Acceptance Criteria\n" criterion{1,5}
)
criterion ::= num ". " ears "\n"
ears ::= event | unwanted | state | optional | ubiquitous
event ::= "WHEN " clause ", THE " name " SHALL " text
unwanted ::= "IF " clause ", THEN THE " name " SHALL " text
state ::= "WHILE " clause ", THE " name " SHALL " text
optional ::= "WHERE " clause ", THE " name " SHALL " text
ubiquitous ::= "THE " name " SHALL " text
""" + COMMON

BUGFIX = r"""
root ::= (
  "# Bugfix Requirements Document\n\n## Introduction\n" para
  "\n## Glossary\n" term{1,4}
  "\n## Bug Analysis\n\n### Current Behavior (Defect)\n" current{1,3}
  "\n### Expected Behavior (Correct)\n" expected{1,3}
  "\n### Unchanged Behavior (Regression Prevention)\n" unchanged{1,3}
)
term ::= "- **" name "**: " text "\n"
current ::= "1." num " WHEN " clause " THEN the system " text "\n"
expected ::= "2." num " WHEN " clause ", THE " name " SHALL " text "\n"
unchanged ::= "3." num " WHEN " clause ", THE " name " SHALL CONTINUE TO " text "\n"
""" + COMMON

DESIGN = r"""
root ::= (
  "# Design Document\n\n## Overview\n" para
  "\n## Architecture\n" para
  "\n## Components and Interfaces\n" para
  "\n## Data Models\n" para
  "\n## Correctness Properties\n" property{1,4}
  "\n## Error Handling\n" para
  "\n## Testing Strategy\n" para
)
property ::= (
  "\n### Property " num ": " text
  "\n*For any* " text
  "\n**Validates: Requirements " refs "**\n"
)
""" + COMMON

TASKS = r"""
root ::= "# Implementation Plan\n" task{1,6} checkpoint
task ::= "\n- [ ] " num ". " text "\n" (subtask{1,4} | ("  - " detail "\n")? cites)
cites ::= "  - _Requirements: " refs "_\n"
subtask ::= (
  "  - [ ]" "*"? " " ref " " text "\n"
  ("    - " detail "\n")*
  "    - _Requirements: " refs "_\n"
)
detail ::= [^\[_\n] [^\n]*
checkpoint ::= "\n- [ ] " num ". Checkpoint - make sure all tests pass\n"
""" + COMMON

GRAMMARS: dict[Phase, str] = {
    "requirements": REQUIREMENTS,
    "bugfix": BUGFIX,
    "design": DESIGN,
    "tasks": TASKS,
}


def grammar_for(phase: Phase) -> str:
    return GRAMMARS[phase].strip() + "\n"
