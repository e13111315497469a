"""Inline suppression with HTML comments in the markdown, invisible when rendered.

`<!-- specloom-ignore: A001, A005 -->` at the end of a line silences those codes on that line;
alone on its line it silences them on the next non-blank line. Without codes it silences
every code. `<!-- specloom-ignore-file: A001 -->` anywhere silences codes in the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

COMMENT = re.compile(r"<!--\s*specloom-ignore(?P<file>-file)?\s*:?\s*(?P<codes>[A-Za-z0-9,\s]*?)"
                     r"\s*-->")
ALL = "*"


@dataclass(frozen=True, slots=True)
class Suppressions:
    by_line: dict[int, frozenset[str]] = field(default_factory=dict)
    whole_file: frozenset[str] = frozenset()

    def silences(self, code: str, line: int) -> bool:
        if ALL in self.whole_file or code in self.whole_file:
            return True
        codes = self.by_line.get(line)
        return codes is not None and (ALL in codes or code in codes)


NONE = Suppressions()


def find_suppressions(lines: Sequence[str]) -> Suppressions:
    by_line: dict[int, set[str]] = {}
    whole_file: set[str] = set()
    pending: set[str] | None = None
    for index, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        number = index + 1
        if pending is not None and line.strip():
            by_line.setdefault(number, set()).update(pending)
            pending = None
        if "specloom-ignore" not in line:
            continue
        for match in COMMENT.finditer(line):
            codes = {c.upper() for c in re.split(r"[\s,]+", match.group("codes")) if c} or {ALL}
            if match.group("file"):
                whole_file.update(codes)
            elif COMMENT.sub("", line).strip():
                by_line.setdefault(number, set()).update(codes)
            else:
                pending = (pending or set()) | codes
    return Suppressions({k: frozenset(v) for k, v in by_line.items()}, frozenset(whole_file))
