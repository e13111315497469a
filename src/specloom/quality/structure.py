"""Structure rules (S codes): problems met while reading and parsing spec files.

The parsers report these as `Problem`s; this module only describes them for `specloom rules`.
"""

from __future__ import annotations

from specloom.core.rule import Rule, Severity

RULES: tuple[Rule, ...] = (
    Rule("S001", "unreadable-file", "structure", Severity.ERROR,
         "A spec file cannot be read as UTF-8 markdown text.",
         "The file is binary, not UTF-8, larger than the size limit, or cannot be opened. "
         "Nothing in it can be checked until it is readable text.",
         "requirements.md saved as UTF-16 or as a word-processor document",
         "requirements.md saved as UTF-8 markdown",
         "save the file as UTF-8 markdown text"),
    Rule("S002", "empty-document", "structure", Severity.ERROR,
         "A spec document is empty.",
         "An empty requirements, design or tasks file usually means a generation step failed "
         "or a file was truncated. Write the document or delete the file.",
         "(a zero-byte tasks.md)", "# Implementation Plan\n\n- [ ] 1. ...",
         "write the document, or delete the file"),
    Rule("S003", "unterminated-front-matter", "structure", Severity.ERROR,
         "Front matter opened with '---' is never closed.",
         "A first line of '---' starts YAML front matter that must end with another '---' line. "
         "Without it the whole file would be read as front matter.",
         "---\ninclusion: always\n# Title", "---\ninclusion: always\n---\n# Title",
         "add the closing '---' line"),
    Rule("S004", "no-requirements", "structure", Severity.ERROR,
         "requirements.md has no '### Requirement N' sections "
         "(or bugfix.md no behaviour sections).",
         "specloom finds requirements by their '### Requirement N: Title' headings and bugfix "
         "items under 'Current Behavior', 'Expected Behavior' and 'Unchanged Behavior'.",
         "## Login\n1. The system shall ...",
         "### Requirement 1: Login\n#### Acceptance Criteria\n1. WHEN ...",
         "use the Kiro headings so that criteria can be cited as N.M"),
    Rule("S005", "no-acceptance-criteria", "structure", Severity.ERROR,
         "A requirement has no numbered acceptance criteria.",
         "Criteria are what tasks, tests and properties cite; a requirement without them cannot "
         "be traced or verified.",
         "### Requirement 2: Logout\n**User Story:** ...",
         "### Requirement 2: Logout\n#### Acceptance Criteria\n1. WHEN ...",
         "add a numbered list under '#### Acceptance Criteria'"),
    Rule("S006", "malformed-task", "structure", Severity.WARNING,
         "A checkbox line in tasks.md cannot be read as a task.",
         "Tasks are '- [ ] N. Title' or '- [ ] N.M Title' with the marks ' ', '-' and 'x'. "
         "A line without a number, with another mark, or nested deeper is not tracked.",
         "- [?] Write the parser", "- [ ] 3. Write the parser",
         "number the task and use one of the marks ' ', '-', 'x'"),
    Rule("S007", "optional-top-level-task", "structure", Severity.WARNING,
         "A top-level task is marked optional with '*'.",
         "Only sub-tasks (usually tests) may be optional; a top-level task is part of the plan.",
         "- [ ]* 4. Write property tests", "- [ ] 4. Tests\n  - [ ]* 4.1 Write property tests",
         "remove the '*' or move the task under a parent"),
    Rule("S008", "invalid-config", "structure", Severity.ERROR,
         ".config.kiro or spec.json is not a valid JSON object with known values.",
         "Kiro and cc-sdd keep spec metadata in these files; a syntax error hides the workflow "
         "type and approvals from every tool.",
         '{"specType": "feature",}', '{"specType": "feature"}',
         "fix the JSON; specloom keeps keys it does not know"),
    Rule("S009", "missing-user-story", "structure", Severity.INFO,
         "A requirement has no '**User Story:**' line.",
         "The user story says who needs the requirement and why; reviewers use it to judge "
         "whether the criteria are complete.",
         "### Requirement 1: Login\n#### Acceptance Criteria",
         "### Requirement 1: Login\n**User Story:** As a member, I want to log in, so that ...",
         "add '**User Story:** As a <role>, I want <goal>, so that <benefit>'"),
)
