"""Dialects found in real specs, each from a minimal fixture written for this file."""

from __future__ import annotations

import pytest

from specloom.quality.consistency import check_design, check_tasks
from specloom.spec.design import parse_design
from specloom.spec.markdown import heading, iter_lines, parse_refs
from specloom.spec.requirements import parse_requirements
from specloom.spec.source import SourceText
from specloom.spec.tasks import TaskStatus, parse_tasks, with_status


def src(name: str, text: str) -> SourceText:
    return SourceText.from_text(name, text)


def requirements(text: str):  # type: ignore[no-untyped-def]
    return parse_requirements(src("requirements.md", text))


def findings(tasks_text: str, req_text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    check_tasks(lambda code, *rest: out.append((code, str(rest[4]))) if code == "C001" else None,
                parse_tasks(src("tasks.md", tasks_text)), requirements(req_text), None)
    return out


REQ = "### Requirement {n}: T\n\n#### Acceptance Criteria\n\n"


@pytest.mark.req("spec-check", "10.1")
@pytest.mark.parametrize("items", [
    "1. THE A SHALL b.\n2. THE A SHALL c.\n",
    "1) THE A SHALL b.\n2) THE A SHALL c.\n",
    "2.1. THE A SHALL b.\n2.2. THE A SHALL c.\n",
    "2.1 THE A SHALL b.\n2.2 THE A SHALL c.\n",
])
def test_criterion_numbering_styles(items: str) -> None:
    doc = requirements(REQ.format(n=2) + items)
    assert [(c.id, c.text) for c in doc.criteria()] == [
        ("2.1", "THE A SHALL b."), ("2.2", "THE A SHALL c.")]


@pytest.mark.req("spec-check", "10.1")
def test_bullets_after_numbered_criteria_are_not_criteria() -> None:
    doc = requirements(REQ.format(n=1) + "1. THE A SHALL b\n   and c.\n\nNotes:\n- a note\n- another\n")
    assert [(c.id, c.text) for c in doc.criteria()] == [("1.1", "THE A SHALL b and c.")]


@pytest.mark.req("spec-check", "10.1")
def test_bullets_only_criteria_are_numbered_by_position() -> None:
    doc = requirements(REQ.format(n=1) + "- THE A SHALL b.\n- THE A SHALL c.\n")
    assert [c.id for c in doc.criteria()] == ["1.1", "1.2"]


@pytest.mark.req("spec-check", "10.2")
@pytest.mark.parametrize("head, acceptance, story", [
    ("### 要件 1: 登録", "#### 受け入れ基準", "**ユーザーストーリー:** 利用者として"),
    ("### 要件 1", "#### 受入基準", "**ユーザーストーリー：** 利用者として"),
    ("### 需求 1 - 登记", "#### 验收标准", "**用户故事:** 作为用户"),
    ("### 需求 1", "#### 驗收標準", "**用戶故事：** 作為用戶"),
    ("### Requirement 1: Login", "#### Acceptance Criteria", "**Objective:** As a user"),
])
def test_localized_requirement_headings(head: str, acceptance: str, story: str) -> None:
    doc = requirements(f"# R\n\n{head}\n\n{story}\n\n{acceptance}\n\n1. WHEN x THEN 系统 SHALL y\n")
    assert [c.id for c in doc.criteria()] == ["1.1"]
    assert doc.requirements[0].user_story is not None
    assert doc.requirements[0].user_story.startswith(story.split(" ", 1)[1].lstrip())


@pytest.mark.req("spec-check", "10.2")
def test_localized_glossary_and_citation_label() -> None:
    doc = requirements("## 用語集\n\n- **Cart_Service**: 買い物かご\n")
    assert [g.term for g in doc.glossary] == ["Cart_Service"]
    tasks = parse_tasks(src("tasks.md", "- [ ] 1. 作る\n  - _需求: 1.1, 1.2_\n  - _要件：2.1_\n"))
    assert [r.id for r in tasks.tasks[0].requirements] == ["1.1", "1.2", "2.1"]


@pytest.mark.req("spec-check", "10.2")
def test_localized_design_sections_satisfy_c007() -> None:
    design = parse_design(src("design.md", (
        "# D\n\n## 概要\n\n## アーキテクチャ\n\n## 組件和介面\n\n## 数据模型\n\n"
        "## 正確性プロパティ\n\n## 2. Error Handling and Recovery\n\n## 测试策略\n")))
    out: list[str] = []
    check_design(lambda code, *rest: out.append(code), design, None, "feature")
    assert out == []
    design = parse_design(src("design.md", "## Overviewing\n"))
    out.clear()
    check_design(lambda code, *rest: out.append(str(rest[4])), design, None, "feature")
    assert "design.md has no '## Overview' section" in out


@pytest.mark.req("spec-check", "10.3")
@pytest.mark.parametrize("text", ["1.1–1.3", "1.1-1.3", "1.1 to 1.3", "1.1 - 1.3"])
def test_ranges_expand(text: str) -> None:
    refs = parse_refs(text, 4, 10)
    assert [(r.id, r.written, r.column) for r in refs] == [
        (i, text, 11) for i in ("1.1", "1.2", "1.3")]


@pytest.mark.req("spec-check", "10.3")
def test_lists_and_cross_requirement_ranges() -> None:
    assert [r.id for r in parse_refs("1.1, 1.3 and 2", 1, 0)] == ["1.1", "1.3", "2"]
    # across requirements: the first end, each whole requirement between, 1..M of the last
    assert [r.id for r in parse_refs("1.3-3.2", 1, 0)] == ["1.3", "2", "3.1", "3.2"]
    assert [(r.id, r.written) for r in parse_refs("R1.1, R1.2", 1, 0)] == [
        ("1.1", "R1.1"), ("1.2", "R1.2")]


@pytest.mark.req("spec-check", "10.3")
def test_a_range_covers_each_criterion() -> None:
    req = REQ.format(n=1) + "1. THE A SHALL b.\n2. THE A SHALL c.\n3. THE A SHALL d.\n"
    assert findings("- [ ] 1. Do\n  - _Requirements: 1.1–1.3_\n", req) == []
    assert findings("- [ ] 1. Do\n  - _Requirements: 1.2-1.4_\n", req) == [
        ("C001", "task 1 cites 1.4 (written '1.2-1.4'), which is not a criterion of "
                 "requirements.md")]


@pytest.mark.req("spec-check", "10.4")
def test_id_references_resolve_where_defined() -> None:
    req = ("## Requirements\n\n### Functional\n1. **FR-1**: Pools\n   - WHEN x THEN y SHALL z\n"
           "2. **NFR-02**: Speed\n\n### Requirement 3: Login (US-3)\n\n#### Acceptance Criteria\n\n"
           "1. THE A SHALL b.\n2. THE A SHALL c.\n\n### REQ-004: Audit\n\n"
           "#### Acceptance Criteria\n\n1. THE A SHALL d.\n")
    doc = requirements(req)
    assert doc.resolve("FR-1") == "FR-1" and doc.resolve("NFR-2") == "NFR-2"
    assert doc.resolve("US-3") == "3" and doc.resolve("US-3.2") == "3.2"
    assert [c.id for c in doc.criteria()] == ["3.1", "3.2", "REQ-4.1"]
    tasks = ("- [ ] 1. Do\n  - _Requirements: FR-1, NFR-002, REQ-004_\n"
             "- [ ] 2. Do\n  - _Requirements: US-3 (Acceptance Criteria 2), 3.1_\n")
    assert findings(tasks, req) == []


@pytest.mark.req("spec-check", "10.5")
def test_unresolved_id_references_are_quoted_as_written() -> None:
    req = REQ.format(n=2) + "1. THE A SHALL b.\n"
    out = findings("- [ ] 1. Do\n  - _Requirements: FR-2, REQ-003, FR2.1_\n", req)
    assert out == [
        ("C001", "task 1 cites FR-2, which is not a criterion of requirements.md"),
        ("C001", "task 1 cites REQ-003, which is not a criterion of requirements.md"),
        ("C001", "task 1 cites FR2.1, which is not a criterion of requirements.md")]


@pytest.mark.req("spec-check", "10.5")
def test_property_with_unknown_id_is_quoted() -> None:
    design = parse_design(src("design.md", (
        "## Correctness Properties\n\n### Property 1: P\n*For any* x.\n"
        "**Validates: Requirements NFR-9, 1.1**\n")))
    assert [(r.id, r.written) for r in design.properties[0].validates] == [
        ("NFR-9", "NFR-9"), ("1.1", "1.1")]
    out: list[tuple[str, str]] = []
    check_design(lambda code, *rest: out.append((code, str(rest[4]))), design,
                 requirements(REQ.format(n=1) + "1. THE A SHALL b.\n"), "bugfix")
    assert out == [("C003", "property 1 validates NFR-9, which is not a criterion of "
                            "requirements.md")]


@pytest.mark.req("spec-check", "10.7")
def test_comments_and_code_blocks_are_not_content() -> None:
    doc = requirements(REQ.format(n=1) + (
        "1. THE A SHALL b.\n<!--\n2. THE A SHALL hidden.\n-->\n<!-- 3. one-line -->\n"
        "```\n4. THE A SHALL fenced.\n```\n\n    5. THE A SHALL indented code.\n"
        "\n2. THE A SHALL c.\n"))
    assert [(c.id, c.text) for c in doc.criteria()] == [
        ("1.1", "THE A SHALL b."), ("1.2", "THE A SHALL c.")]
    tasks = parse_tasks(src("tasks.md", (
        "- [ ] 1. A\n  - _Requirements: 1.1_\n<!-- - [ ] 2. Hidden\n  - _Requirements: 9.9_ -->\n"
        "\nNotes:\n\n    - [ ] 3. Code\n")))
    assert [t.id for t in tasks.tasks] == ["1"]
    design = parse_design(src("design.md", "<!--\n### Property 1: Hidden\n-->\n"))
    assert design.properties == ()


@pytest.mark.req("spec-check", "10.7")
def test_list_continuation_is_no_indented_code() -> None:
    doc = requirements(REQ.format(n=1) + "1. THE A SHALL b\n\n    and c.\n2. THE A SHALL d.\n")
    assert [(c.id, c.text) for c in doc.criteria()] == [
        ("1.1", "THE A SHALL b and c."), ("1.2", "THE A SHALL d.")]


@pytest.mark.req("spec-check", "10.7")
def test_setext_headings_are_headings() -> None:
    doc = requirements("Requirements\n============\n\nRequirement 1: Login\n---\n\n"
                       "#### Acceptance Criteria\n\n1. THE A SHALL b.\n")
    assert doc.title == "Requirements"
    assert [c.id for c in doc.criteria()] == ["1.1"]
    lines = list(iter_lines(["a\n", "- b\n", "---\n"]))
    assert [line.heading for line in lines] == [None, None, None]


@pytest.mark.req("spec-check", "10.8")
def test_escaped_optional_marker_and_three_level_tasks() -> None:
    doc = parse_tasks(src("tasks.md", (
        "- [ ] 3. Parent\n  - [ ] 3.2 Middle (P)\n    - [x] 3.2.1 Leaf\n"
        "    - [ ]\\* 3.2.2 Optional leaf\n      - _Depends: 3.2.1_\n"
        "  - _Requirements: 1.1_\n")))
    assert [(t.id, t.level, t.parent, t.optional) for t in doc.tasks] == [
        ("3", 1, None, False), ("3.2", 2, "3", False), ("3.2.1", 3, "3.2", False),
        ("3.2.2", 3, "3.2", True)]
    assert doc.problems == ()
    assert doc.task("3.2").parallel  # type: ignore[union-attr]
    assert [r.id for r in doc.task("3").requirements] == ["1.1"]  # type: ignore[union-attr]
    assert [r.id for r in doc.task("3.2.2").depends] == ["3.2.1"]  # type: ignore[union-attr]
    assert doc.effective_status(doc.tasks[1]) is TaskStatus.DONE
    assert doc.effective_status(doc.tasks[0]) is TaskStatus.DONE
    assert doc.progress() == (1, 1)
    text = with_status(doc, "3.2.1", TaskStatus.TODO)
    assert text.splitlines()[:3] == ["- [ ] 3. Parent", "  - [ ] 3.2 Middle (P)",
                                     "    - [ ] 3.2.1 Leaf"]
    done = with_status(parse_tasks(src("tasks.md", text)), "3.2.1", TaskStatus.DONE)
    assert done.splitlines()[:2] == ["- [x] 3. Parent", "  - [x] 3.2 Middle (P)"]


@pytest.mark.req("spec-check", "10.8")
def test_unnumbered_checklists_are_not_tasks() -> None:
    doc = parse_tasks(src("tasks.md", (
        "- [ ] 1. A\n  - [ ] check one\n  - [x] check two\n\n## Success Criteria\n\n"
        "- [x] All tests pass\n")))
    assert [t.id for t in doc.tasks] == ["1"] and doc.problems == ()
    assert doc.tasks[0].details == ("- [ ] check one", "- [x] check two")


@pytest.mark.req("spec-check", "10.7")
def test_regexes_are_linear_on_long_lines() -> None:
    spaces = " " * 5000
    assert heading("# a" + spaces + "x") == (1, "a" + spaces + "x")
    assert heading("## a" + spaces + "#") == (2, "a")
    line = "- [ ] 1. a" + spaces + "x"
    parse_tasks(src("tasks.md", line + "\n  - _Requirements: 1" + spaces + "x_\n"))
    requirements("### Requirement 1" + spaces + "x\n#### Acceptance Criteria\n1. a" + spaces
                 + "x\n**User Story:**" + spaces + "x\n")
    parse_design(src("design.md", "### Property 1" + spaces + "x\n**Validates:" + spaces
                     + "1.1" + spaces + "x\n"))
    parse_refs("a-" * 2500 + "1" + spaces + "1.1" + spaces + "x", 1, 0)
