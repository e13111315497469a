"""The words of a simple command: expansions and substitutions, the program name, and
redirections (a here-doc feeding code, a write outside the workspace)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from specloom.agent.shell_policy.interpreters import reads_code_from_stdin
from specloom.agent.shell_policy.programs import SAFE_WRITE_TARGETS, WRITE_REDIRECTS
from specloom.agent.shell_policy.scan import CannotJudge, Scan, WritesOutside


def check_word(word: Any) -> bool:
    """True when the word holds a parameter expansion; CannotJudge on substitutions."""
    dynamic = False
    for part in getattr(word, "parts", []) or []:
        if part.kind == "commandsubstitution":
            raise CannotJudge("it uses command substitution ($(...) or backticks)")
        if part.kind == "processsubstitution":
            raise CannotJudge("it uses process substitution (<(...) or >(...))")
        if part.kind == "parameter":
            dynamic = True
            value = str(getattr(part, "value", ""))
            if re.search(r"\$\(|`|[<>]\(", value):  # bashlex leaves ${...} unparsed
                raise CannotJudge(f"${{{value}}} holds a command or process substitution")
            if re.match(r"!\w", value) and not re.search(r"[*@]\]?$", value):
                raise CannotJudge(f"${{{value}}} takes a variable name from a variable, and an "
                                  "array subscript in that name can run code")
        elif part.kind != "tilde":
            raise CannotJudge(f"it uses a word expansion this policy does not follow ({part.kind})")
    return dynamic


def program_name(word: str, dynamic: bool) -> str:
    if dynamic or "$" in word:
        raise CannotJudge(f"the program name {word!r} comes from a variable, so what runs "
                          "cannot be known")
    if re.search(r"[*?\[]", word) or re.search(r"\{[^}]*[,.][^}]*\}", word):
        raise CannotJudge(f"the program name {word!r} is a glob or brace pattern")
    name = word.rstrip("/").rsplit("/", 1)[-1]
    if not name:
        raise CannotJudge(f"the program name {word!r} is empty")
    return name


def check_redirect(node: Any, scan: Scan, program: str | None) -> None:
    kind = node.type
    heredoc = getattr(node, "heredoc", None)
    if heredoc is not None and program is not None and reads_code_from_stdin(program):
        raise CannotJudge(f"a here-doc feeds code to {program}")
    # bashlex reads only unquoted here-doc delimiters, so the body is expanded when it runs
    if heredoc is not None and re.search(r"\$\(|`", str(getattr(heredoc, "value", ""))):
        raise CannotJudge("a here-doc body holds command substitution ($(...) or backticks)")
    target = node.output
    if getattr(target, "kind", "") == "word":
        check_word(target)  # `< $(...)` and `<<< "$(...)"` run the substitution too
    if kind not in WRITE_REDIRECTS:
        return
    if isinstance(target, int) or getattr(target, "kind", "") != "word":
        return  # a file-descriptor duplication such as 2>&1
    if check_word(target) or "$" in target.word:
        raise CannotJudge(f"the redirection target {target.word!r} comes from a variable")
    path = target.word
    if path.startswith("~"):
        path = os.path.expanduser(path)
    if path in SAFE_WRITE_TARGETS:
        return
    if not os.path.isabs(path):
        scan.writes.append(path)
    real = Path(os.path.realpath(scan.root / path))
    if real != scan.root and scan.root not in real.parents:
        raise WritesOutside(f"command refused: it redirects output to {target.word!r}, outside "
                            "the workspace; write inside the workspace instead")
