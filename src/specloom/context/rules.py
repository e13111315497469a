"""Steering rules (K codes): problems met while loading steering files and inlining files.

The loader and the inliner report these as `Diagnostic`s; this module describes them for
`specloom rules` and gives each its severity.
"""

from __future__ import annotations

from specloom.core.diagnostic import Diagnostic
from specloom.core.rule import Rule, Severity

RULES: tuple[Rule, ...] = (
    Rule("K001", "steering-front-matter", "steering", Severity.ERROR,
         "A steering file's YAML front matter is broken or never closed.",
         "Front matter starts with a '---' line and ends with another; between them must be a "
         "YAML mapping. A file whose front matter cannot be read is not loaded, because its "
         "inclusion mode is unknown.",
         "---\ninclusion: [always\n---", "---\ninclusion: always\n---",
         "fix the YAML between the '---' lines, or close it with a '---' line"),
    Rule("K002", "unknown-inclusion", "steering", Severity.ERROR,
         "A steering file's `inclusion` is not always, fileMatch, manual or auto.",
         "The inclusion mode decides when a steering file reaches the agent. An unknown value "
         "could mean anything, so the file is not loaded until the value is fixed.",
         "inclusion: sometimes", "inclusion: manual",
         "use one of: always, fileMatch, manual, auto"),
    Rule("K003", "missing-inline-file", "steering", Severity.ERROR,
         "A `#[[file:path]]` reference names a file that does not exist or cannot be read.",
         "Inlined files are resolved relative to the workspace root. A missing file leaves the "
         "reference text in place and the agent without the content it was meant to see.",
         "#[[file:docs/api.yml]]  (no such file)", "#[[file:docs/openapi.yml]]",
         "fix the path (relative to the workspace root) or remove the reference"),
    Rule("K004", "inline-outside-workspace", "steering", Severity.ERROR,
         "A `#[[file:path]]` reference points outside the workspace.",
         "Inlining is confined to the workspace, after resolving '..' and symbolic links, so a "
         "steering file cannot pull in arbitrary files such as ~/.ssh keys.",
         "#[[file:../secrets.txt]]", "#[[file:docs/architecture.md]]",
         "copy the file into the workspace, or drop the reference"),
    Rule("K005", "fileMatch-without-pattern", "steering", Severity.WARNING,
         "A fileMatch steering file has no usable `fileMatchPattern`.",
         "`fileMatchPattern` is a glob or a list of globs matched against workspace-relative "
         "paths. Without one the file can never be included.",
         "---\ninclusion: fileMatch\n---",
         '---\ninclusion: fileMatch\nfileMatchPattern: "src/**/*.py"\n---',
         "add fileMatchPattern: a glob string or a list of glob strings"),
    Rule("K006", "auto-without-description", "steering", Severity.WARNING,
         "An auto steering file has no `description`.",
         "auto steering is included when the request matches its description; without one it "
         "can only be included by mentioning #name.",
         "---\ninclusion: auto\n---",
         "---\ninclusion: auto\ndescription: REST API conventions for endpoints.\n---",
         "add a description naming the topics the file is about"),
    Rule("K007", "inline-cycle", "steering", Severity.WARNING,
         "`#[[file:...]]` references form a cycle.",
         "A file that (directly or through others) inlines itself would never end; the "
         "reference that closes the cycle is left as text.",
         "a.md: #[[file:b.md]]   b.md: #[[file:a.md]]",
         "a.md: #[[file:b.md]]   b.md: (no reference back)",
         "remove the reference that leads back"),
    Rule("K008", "inline-too-deep", "steering", Severity.WARNING,
         "`#[[file:...]]` references are nested deeper than the limit.",
         "Inlining follows references inside inlined files up to a fixed depth; deeper "
         "references are left as text.",
         "a.md -> b.md -> c.md -> d.md -> e.md -> f.md -> g.md", "a.md -> b.md",
         "inline the deep file directly, or flatten the chain"),
)

_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def steering_diagnostic(code: str, path: str, line: int, message: str,
                        hint: str = "", column: int = 1, width: int = 0) -> Diagnostic:
    """A K-code finding at `line` (1-based) of `path`, with the rule's severity and hint."""
    rule = _BY_CODE[code]
    return Diagnostic(code=code, severity=rule.severity, path=path, line=line, column=column,
                      end_line=line, end_column=column + width, message=message,
                      hint=hint or rule.hint)
