"""`ShellPolicy`: a verdict on one command line from the project's allow and deny patterns."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Literal

from specloom.agent.shell_policy.programs import GLOB, STREAMS
from specloom.agent.shell_policy.scan import CannotJudge, Leaf, Scan, WritesOutside
from specloom.agent.shell_policy.walk import judge_line

Kind = Literal["allowed", "denied", "not-allowed", "cannot-judge"]

HOW_TO = ("rewrite it as plain commands (no $(...), backticks, eval, variables as program "
          "names), or put the steps in a script file in the workspace and run that; in "
          "supervised mode a person can approve it")


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: Kind
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.kind == "allowed"


class ShellPolicy:
    def __init__(self, allow: Sequence[str], deny: Sequence[str], workspace: Path) -> None:
        self.allow = tuple(allow)
        self.deny = tuple(deny)
        self.workspace = Path(os.path.realpath(workspace))

    def judge(self, command: str) -> Verdict:
        try:
            leaves = self.leaves(command)
        except WritesOutside as exc:
            return Verdict("denied", str(exc))
        except CannotJudge as exc:
            return Verdict("cannot-judge", f"command refused: cannot judge it: {exc}; {HOW_TO}")
        for leaf in leaves:
            for level in [*leaf.wrappers, leaf.argv]:
                line = _line(level)
                for pattern in self.deny:
                    if fnmatchcase(line, pattern):
                        return Verdict("denied", f"command refused: {line!r} matches the deny "
                                                 f"pattern {pattern!r} in the project's "
                                                 "[commands] settings")
        for leaf in leaves:
            line = _line(leaf.argv)
            matched = any(fnmatchcase(line, p) for p in self.allow)
            if leaf.explicit and not matched:
                return Verdict("not-allowed", f"command refused: {leaf.why_explicit} ({line!r}); "
                                              "it runs only when an allow pattern in "
                                              "[tool.specloom.commands] names it, for example "
                                              f"allow = [{_line([*leaf.argv[:2], '*'])!r}]")
            if self.allow and not matched:
                return Verdict("not-allowed", f"command refused: {line!r} matches no allow "
                                              "pattern in the project's [commands] settings "
                                              f"(allowed: {', '.join(self.allow)})")
        return Verdict("allowed")

    def leaves(self, command: str) -> list[Leaf]:
        """Every program the line would run; CannotJudge when that cannot be known."""
        scan = Scan(self.workspace)
        judge_line(command, scan, [], 0)
        moves = scan.changes_dir or scan.runs_elsewhere
        if moves and scan.writes:
            raise CannotJudge(f"it changes directory (cd) and then writes to {scan.writes[0]!r}, "
                              "a relative path whose place cannot be known")
        for path, below in scan.scripts if moves else []:
            if below and scan.changes_dir:
                raise CannotJudge("it changes directory (cd) and then runs as code the files find "
                                  f"lists under {path!r}, whose place cannot be known")
            if below:
                continue  # find -execdir runs `./name` under the start point, checked already
            parts = PurePosixPath(path).parts
            if ".." in parts or parts[-1] in STREAMS or parts[-1].isdigit() or GLOB.search(path):
                raise CannotJudge(f"it changes directory (cd) and then runs {path!r} as code, a "
                                  "relative path that may then name stdin or another open "
                                  "descriptor")
        return scan.leaves


def _line(argv: Sequence[str]) -> str:
    return " ".join(" ".join(argv).split())
