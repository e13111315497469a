"""A fast line-based scanner for the common shapes of Python links; `ast` handles the rest.

It reads indentation instead of parsing: a marker line `@pytest.mark.req(...)` directly
above a `def`, a `# specloom:` comment block above a `def`, or a tag inside a function body
or docstring (the enclosing `def` is the nearest preceding `def` indented less than the tag).
Anything else (`pytestmark`, class markers, multi-line decorators, module-level tags in test
files, tags on classes) returns None so the exact `ast` scanner runs instead. On the shapes it
accepts it gives the same links as the `ast` scanner (tests compare the two).
"""

from __future__ import annotations

import re

from specloom.trace.links import (
    PROPERTY_TAG,
    TAG,
    Link,
    criteria_of_tag,
    in_comment,
    marker_targets,
)

DEF_LINE = re.compile(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+(\w+)")
MARKER_LINE = re.compile(r"^[ \t]*@(?:pytest\.)?mark\.req\(((?:[ \t]*(['\"])[^'\"\\]*\2[ \t]*,?)+)"
                         r"\)[ \t]*(?:#.*)?$")
MARKER_ANYWHERE = re.compile(r"mark\.req")
STRING = re.compile(r"""(['"])([^'"\\]*)\1""")
GIVEN = re.compile(r"^[ \t]*@(?:hypothesis\.)?given\b")


def _indent(line: str) -> int:
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


def _triple_string_opener(text: str, offset: int) -> int | None:
    """Offset of the triple quote opening the string that holds `offset`, if any."""
    doubles = text.count('"""', 0, offset) % 2
    singles = text.count("'''", 0, offset) % 2
    if doubles and singles:
        raise _Unsure
    if doubles:
        return text.rfind('"""', 0, offset)
    if singles:
        return text.rfind("'''", 0, offset)
    return None


class _Unsure(Exception):
    """The file has a shape this scanner does not read exactly."""


def scan_python_fast(path: str, text: str, test_file: bool) -> list[Link] | None:
    """Links of a Python file, or None when the exact `ast` scanner is needed."""
    if "pytestmark" in text:
        return None
    lines = text.splitlines()
    try:
        return _FastFile(path, lines, test_file).scan(text)
    except _Unsure:
        return None


class _FastFile:
    def __init__(self, path: str, lines: list[str], test_file: bool) -> None:
        self.path = path
        self.lines = lines
        self.test_file = test_file
        self.links: list[Link] = []

    def scan(self, text: str) -> list[Link]:
        hits: list[tuple[int, str, list[str], int | None, str]] = []
        if "mark.req" in text:
            hits += [(m.start(), "", [], None, "marker") for m in MARKER_ANYWHERE.finditer(text)]
        if "specloom:" in text:
            hits += [(m.start(), m.group(1), criteria_of_tag(m.group(2)), None, "tag")
                     for m in TAG.finditer(text)]
        if "Feature:" in text:
            hits += [(m.start(), m.group(1), [], int(m.group(2)), "property-tag")
                     for m in PROPERTY_TAG.finditer(text)]
        hits.sort(key=lambda item: item[0])
        line, position = 1, 0
        for offset, spec, criteria, prop, via in hits:
            line += text.count("\n", position, offset)
            position = offset
            opener = _triple_string_opener(text, offset)
            if via == "marker":
                if opener is None:  # a marker inside a string literal is no marker
                    self._marker(line)
            elif self._is_comment_or_docstring(text, offset, opener):
                self._emit(self._tag_owner(line), spec, criteria, prop, line, via)
        return self.links

    def _is_comment_or_docstring(self, text: str, offset: int, opener: int | None) -> bool:
        if opener is None:
            return in_comment(text[text.rfind("\n", 0, offset) + 1:offset])
        opener_line = text.count("\n", 0, opener)  # 0-based
        before = text[text.rfind("\n", 0, opener) + 1:opener].strip()
        if before not in ("", "r", "u", "R", "U"):
            return False
        for index in range(opener_line - 1, -1, -1):
            previous = self.lines[index].split("#", 1)[0].strip()
            if previous:
                return previous.endswith(":")
        return True  # the module docstring

    def _marker(self, number: int) -> None:
        match = MARKER_LINE.match(self.lines[number - 1])
        if match is None:
            raise _Unsure
        targets = marker_targets([s.group(2) for s in STRING.finditer(match.group(1))])
        if targets is None or not targets[1]:
            raise _Unsure
        self._emit(self._decorated(number), targets[0], targets[1], None, number, "marker")

    def _decorated(self, number: int) -> int:
        """Line of the `def` a decorator on line `number` belongs to."""
        for index in range(number, len(self.lines)):
            line = self.lines[index]
            if DEF_LINE.match(line):
                return index + 1
            if not line.lstrip().startswith("@"):
                raise _Unsure
        raise _Unsure

    def _tag_owner(self, number: int) -> int | None:
        line = self.lines[number - 1]
        if DEF_LINE.match(line):
            return number
        if line.lstrip().startswith("#"):
            for index in range(number, len(self.lines)):
                following = self.lines[index].lstrip()
                if DEF_LINE.match(self.lines[index]):
                    return index + 1
                if following and not following.startswith(("#", "@")):
                    break
        return self._enclosing(number, _indent(line))

    def _enclosing(self, number: int, indent: int) -> int | None:
        for index in range(number - 2, -1, -1):
            match = DEF_LINE.match(self.lines[index])
            if match and _indent(match.group(1)) < indent:
                return index + 1
        return None

    def _chain(self, def_line: int) -> list[tuple[str, str]]:
        """(kind, name) from the outermost definition to the one on `def_line`."""
        match = DEF_LINE.match(self.lines[def_line - 1])
        assert match is not None
        chain = [(match.group(2), match.group(3))]
        indent = _indent(match.group(1))
        for index in range(def_line - 2, -1, -1):
            if indent == 0:
                break
            outer = DEF_LINE.match(self.lines[index])
            if outer and _indent(outer.group(1)) < indent:
                chain.append((outer.group(2), outer.group(3)))
                indent = _indent(outer.group(1))
        if indent != 0:
            raise _Unsure
        return chain[::-1]

    def _given(self, def_line: int) -> bool:
        for index in range(def_line - 2, -1, -1):
            line = self.lines[index]
            if not line.lstrip().startswith("@"):
                return False
            if GIVEN.match(line):
                return True
        return False

    def _emit(self, owner: int | None, spec: str, criteria: list[str], prop: int | None,
              line: int, via: str) -> None:
        if owner is None:
            if self.test_file:
                raise _Unsure  # a module-level tag applies to every test: ast knows them all
            symbol, kind, nodeid, given = None, "code", None, False
        else:
            chain = self._chain(owner)
            kind_of_owner, name = chain[-1]
            parents = chain[:-1]
            is_test = (self.test_file and kind_of_owner == "def" and name.startswith("test")
                       and all(k == "class" and n.startswith("Test") for k, n in parents))
            if kind_of_owner == "class" and self.test_file:
                raise _Unsure  # a class tag applies to its tests: ast knows them
            symbol = ".".join(n for _, n in chain)
            kind = "test" if is_test else "code"
            nodeid = f"{self.path}::{'::'.join(n for _, n in chain)}" if is_test else None
            given = self._given(owner)
        targets = [(c, None) for c in criteria] if prop is None else [(None, prop)]
        for criterion, number in targets:
            self.links.append(Link(spec, criterion, number, self.path, line, symbol, kind, via,
                                   nodeid, given))
