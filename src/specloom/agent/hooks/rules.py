"""Hook rules (H codes): problems met while loading `.kiro/hooks/` files.

The loader reports these as diagnostics; this module only describes them for `specloom rules`.
"""

from __future__ import annotations

from specloom.core.rule import Rule, Severity

RULES: tuple[Rule, ...] = (
    Rule("H001", "invalid-hook-json", "hooks", Severity.ERROR,
         "A hook file is not valid JSON.",
         "Hook files are JSON objects. A syntax error hides every hook in the file; the other "
         "hook files still load.",
         '{"name": "lint",}', '{"name": "lint"}',
         "fix the JSON syntax at the reported line"),
    Rule("H002", "invalid-hook", "hooks", Severity.ERROR,
         "A hook is missing a required field or has a value of the wrong type.",
         "A hook needs a name, a trigger ('when.type' or 'trigger') and an action: runCommand "
         "or command with a 'command', askAgent or agent with a 'prompt'.",
         '{"name": "lint", "when": {"type": "fileEdited"}, "then": {"type": "runCommand"}}',
         '{"name": "lint", "when": {"type": "fileEdited", "patterns": ["**/*.py"]}, '
         '"then": {"type": "runCommand", "command": "ruff check ."}}',
         "add the missing field with a value of the right type"),
    Rule("H003", "unknown-hook-event", "hooks", Severity.ERROR,
         "A hook's trigger is not an event specloom knows.",
         "Events: promptSubmit, agentStop, preToolUse, postToolUse, fileEdited, fileCreated, "
         "fileDeleted, preTaskExecution, postTaskExecution, userTriggered (and the v1 names "
         "such as PostFileSave, PreToolUse).",
         '"when": {"type": "onSave"}', '"when": {"type": "fileEdited"}',
         "use one of the listed event names"),
    Rule("H004", "invalid-hook-matcher", "hooks", Severity.ERROR,
         "A hook's matcher is not a valid regular expression, or a tool type is unknown.",
         "v1 matchers are regular expressions on the tool name or the file path; toolTypes are "
         "read, write, shell, mcp or *.",
         '"matcher": "*.py"', '"matcher": "\\\\.py$"',
         "write a valid regular expression, or use a known tool type"),
    Rule("H005", "duplicate-hook-name", "hooks", Severity.WARNING,
         "Two hooks have the same name.",
         "'specloom hook run NAME' and the hook list identify hooks by name; a duplicate makes "
         "the second one unreachable by name.",
         "two files both naming their hook 'lint'", "'lint-python' and 'lint-docs'",
         "rename one of the hooks"),
    Rule("H006", "unreadable-hook-file", "hooks", Severity.ERROR,
         "A hook file cannot be read as UTF-8 text.",
         "The file is binary, not UTF-8 or cannot be opened.",
         "a hook file saved as UTF-16", "a hook file saved as UTF-8",
         "save the file as UTF-8 JSON"),
)
