"""Parser for design.md: its sections and its numbered correctness properties.

A property is a `### Property N: Title` heading (or a bold `**Property N: Title**` line)
followed by its statement and a `**Validates: Requirements 1.1, 2.3**` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specloom.spec.markdown import Ref, front_matter_end, iter_lines, parse_refs
from specloom.spec.sections import Section, close_sections
from specloom.spec.source import Problem, SourceText

EXPECTED_SECTIONS = (
    "Overview",
    "Architecture",
    "Components and Interfaces",
    "Data Models",
    "Correctness Properties",
    "Error Handling",
    "Testing Strategy",
)
# Localized and variant forms of each standard section, lower case. A level-2 heading names
# a section when, after any leading numbering (`2.`, `2.1`) and symbols, it equals one of
# these or starts with one followed by a space or punctuation ("Error Handling and Security").
SECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "Overview": ("overview", "概要", "概述", "概觀", "概览", "總覽", "总览"),
    "Architecture": ("architecture", "アーキテクチャ", "架构", "架構", "系统架构", "系統架構",
                     "システムアーキテクチャ", "体系结构"),
    "Components and Interfaces": (
        "components and interfaces", "コンポーネントとインターフェース",
        "コンポーネントとインターフェイス", "组件和接口", "組件和介面", "组件与接口", "組件與介面",
        "元件與介面", "元件和介面"),
    "Data Models": ("data models", "data model", "データモデル", "数据模型", "數據模型",
                    "资料模型", "資料模型"),
    "Correctness Properties": ("correctness properties", "正確性プロパティ", "正确性属性",
                               "正確性屬性", "正确性特性", "正確性特性"),
    "Error Handling": ("error handling", "エラーハンドリング", "エラー処理", "错误处理",
                       "錯誤處理"),
    "Testing Strategy": ("testing strategy", "test strategy", "テスト戦略", "测试策略",
                         "測試策略"),
}
SECTION_PREFIX = re.compile(r"^[^\w]*(?:\d{1,4}(?:\.\d{1,4}){0,3}\.?[ \t]*)?[^\w]*")
PROPERTY = re.compile(
    r"^[ \t]*(?:\*\*)?(?:Property|プロパティ|属性|屬性)[ \t]*(\d{1,9})((?:\.\d{1,9}){0,3}[a-z]?)"
    r"(?:\*\*)?[ \t]*[:：.\-–—]?[ \t]*(.*)$",
    re.IGNORECASE,
)
PROPERTIES_SECTION = SECTION_ALIASES["Correctness Properties"]
VALIDATES = re.compile(
    r"(?:Validates|検証対象|検証|验证|驗證)[ \t]*[:：]?[ \t]*(?:\*\*|__|_|\*)?[ \t]*[:：]?[ \t]*"
    r"(?:Requirements?|Criteria|要件|需求)?[ \t]*[:：]?", re.IGNORECASE
)
VALIDATES_PREFIX = re.compile(r"^[ \t>*_+\-]*$")
VALIDATES_LABEL_WORD = re.compile(r"Requirement|Criteria|要件|需求", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Property:
    number: int
    title: str
    line: int
    statement: str
    validates: tuple[Ref, ...]
    validates_line: int | None
    label: str = ""  # the number as written: "4", "4.1", "7a"


@dataclass(frozen=True, slots=True)
class DesignDoc:
    source: SourceText
    title: str | None
    sections: tuple[Section, ...]
    properties: tuple[Property, ...]
    problems: tuple[Problem, ...]

    def section(self, name: str) -> Section | None:
        """The level-2 section `name`, in English or one of its SECTION_ALIASES."""
        aliases = SECTION_ALIASES.get(name, (name.lower(),))
        for section in self.sections:
            if section.level == 2 and _names_section(section.title, aliases):
                return section
        return None

    def property(self, number: int) -> Property | None:
        for prop in self.properties:
            if prop.number == number:
                return prop
        return None


@dataclass(slots=True)
class _OpenProperty:
    number: int
    title: str
    line: int
    level: int
    body: list[str]
    label: str = ""
    validates: tuple[Ref, ...] = ()
    validates_line: int | None = None


def _open_property(match: re.Match[str], line: int, level: int) -> _OpenProperty:
    number = match.group(1)
    return _OpenProperty(int(number), match.group(3), line, level, [],
                         label=number + match.group(2))


def _names_section(title: str, aliases: tuple[str, ...]) -> bool:
    text = title.strip().strip("*_").strip()
    text = text[SECTION_PREFIX.match(text).end():].lower()  # type: ignore[union-attr]
    for alias in aliases:
        if text == alias:
            return True
        if text.startswith(alias):
            following = text[len(alias)]
            if not following.isalnum() or not alias.isascii():
                return True
    return False


def validates_refs(text: str, line: int) -> tuple[Ref, ...] | None:
    """Criterion refs of a `Validates: Requirements ...` line, or None if it is not one.

    The label must open the line (after list or emphasis markers) and carry a colon or the
    word Requirements/Criteria, so prose such as "the loader validates 1.2 inputs" is no
    citation.
    """
    if "alidates" not in text and "検証" not in text and "验证" not in text \
            and "驗證" not in text:
        return None
    match = VALIDATES.search(text)
    if match is None or not VALIDATES_PREFIX.match(text[:match.start()]):
        return None
    label = match.group(0)
    if ":" not in label and not VALIDATES_LABEL_WORD.search(label):
        return None
    rest = text[match.end():]
    return parse_refs(rest, line, match.end())


def parse_design(source: SourceText) -> DesignDoc:
    problems: list[Problem] = []
    start, fm_problem = front_matter_end(source.lines)
    if fm_problem:
        problems.append(fm_problem)
    if not source.text.strip():
        problems.append(Problem("S002", 1, "the document is empty",
                                "write the design, or delete the file"))
    title: str | None = None
    sections: list[Section] = []
    properties: list[_OpenProperty] = []
    current: _OpenProperty | None = None

    in_properties = False  # inside the Correctness Properties section
    has_properties_section = False
    for line in iter_lines(source.lines, start):
        if line.in_fence:
            if current is not None and line.kind in ("fence", "code"):
                current.body.append(line.text)
            continue
        text = line.text
        head = line.heading
        if head is not None:
            level, heading_title = head
            sections.append(Section(heading_title, level, line.number, line.number))
            if level == 1 and title is None:
                title = heading_title
            if level <= 2:
                in_properties = _names_section(heading_title, PROPERTIES_SECTION)
                has_properties_section = has_properties_section or in_properties
            match = PROPERTY.match(heading_title)
            if match:
                current = _open_property(match, line.number, level)
                properties.append(current)
            elif current is not None and level <= current.level:
                current = None
            continue
        # A bold `**Property N: ...**` line defines a property in the Correctness Properties
        # section, or anywhere in a design without one; a plain `Property N: ...` line only in
        # that section. Elsewhere (a Testing Strategy list) such lines refer to properties.
        stripped = text.lstrip()
        may_define = in_properties or (not has_properties_section and stripped[:2] == "**")
        line_property = PROPERTY.match(text) if may_define and (
            stripped[:2] == "**" or stripped[:1] in "Pp") else None
        if line_property:
            current = _open_property(line_property, line.number, 7)
            properties.append(current)
            continue
        if current is None:
            continue
        refs = validates_refs(text, line.number)
        if refs is not None and current.validates_line is None:
            current.validates = refs
            current.validates_line = line.number
        else:
            current.body.append(text)

    close_sections(sections, len(source.lines))
    built = tuple(
        Property(p.number, p.title.strip().strip("*").strip(), p.line,
                 " ".join(b.strip() for b in p.body if b.strip()), p.validates, p.validates_line,
                 p.label)
        for p in properties
    )
    return DesignDoc(source, title, tuple(sections), built, tuple(problems))
