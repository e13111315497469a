"""Malformed input: every file is parsed or refused with a located problem, never an exception.

Each case builds a temporary workspace and goes through `load_spec`, as the CLI does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from specloom.spec.loader import Spec, load_spec
from specloom.spec.render import RequirementDraft, render_requirements
from specloom.spec.source import MAX_BYTES, Problem, decode
from specloom.spec.workspace import Workspace

SPEC = ".kiro/specs/cart"


def load(root: Path, files: dict[str, bytes | str]) -> Spec:
    for name, content in files.items():
        file = root / SPEC / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(content.encode() if isinstance(content, str) else content)
    return load_spec(Workspace(root), "cart")


def all_problems(spec: Spec) -> list[tuple[str, Problem]]:
    """(display path, problem) from reading and from parsing every document of the spec."""
    found = [(path, p) for path, problems in spec.file_problems.items() for p in problems]
    found.extend((path, p) for path, doc in spec.documents() for p in doc.problems)
    return found


def codes_and_lines(spec: Spec) -> list[tuple[str, str, int]]:
    return [(path.rsplit("/", 1)[-1], p.code, p.line) for path, p in all_problems(spec)]


@pytest.mark.req("spec-check", "2.1")
def test_broken_numbering_is_read_as_written(tmp_path: Path) -> None:
    spec = load(tmp_path, {"requirements.md": (
        "# Requirements Document\n\n"
        "### Requirement 1: First\n#### Acceptance Criteria\n1. THE A SHALL b.\n"
        "### Requirement 3: Skipped two\n#### Acceptance Criteria\n2. THE A SHALL c.\n"
        "5. THE A SHALL d.\n"
    )})

    assert spec.requirements is not None
    assert [c.id for c in spec.requirements.criteria()] == ["1.1", "3.2", "3.5"]
    assert [c.line for c in spec.requirements.criteria()] == [5, 8, 9]
    assert all_problems(spec) == []


def test_broken_task_numbering_is_located(tmp_path: Path) -> None:
    spec = load(tmp_path, {"tasks.md": (
        "# Implementation Plan\n\n- [ ] 1. A\n  - [ ] 1.1.1.1 Too deep\n"
        "- [ ] B without number\n- [ ]* 3. Optional top level\n- [q] 4. Odd mark\n"
    )})

    assert codes_and_lines(spec) == [
        ("tasks.md", "S006", 4), ("tasks.md", "S006", 5), ("tasks.md", "S007", 6),
        ("tasks.md", "S006", 7)]
    assert spec.tasks is not None
    assert [t.id for t in spec.tasks.tasks] == ["1", "3", "4"]


def test_duplicate_ids_are_all_kept(tmp_path: Path) -> None:
    spec = load(tmp_path, {
        "requirements.md": ("### Requirement 1: A\n#### Acceptance Criteria\n1. THE A SHALL b.\n"
                            "### Requirement 1: A again\n#### Acceptance Criteria\n"
                            "1. THE A SHALL c.\n"),
        "tasks.md": "- [ ] 1. First\n- [x] 1. Second\n",
        "design.md": "### Property 1: P\nx\n### Property 1: Q\ny\n",
    })

    assert spec.requirements is not None and spec.tasks is not None and spec.design is not None
    assert [(r.number, r.title) for r in spec.requirements.requirements] == [
        ("1", "A"), ("1", "A again")]
    first = spec.requirements.criterion("1.1")
    assert first is not None and first.line == 3
    assert [t.line for t in spec.tasks.tasks] == [1, 2]
    found = spec.tasks.task("1")
    assert found is not None and found.title == "First"
    assert [p.title for p in spec.design.properties] == ["P", "Q"]


@pytest.mark.req("spec-check", "4.1")
def test_unterminated_front_matter_is_reported_on_line_1(tmp_path: Path) -> None:
    body = ("---\ninclusion: always\n### Requirement 1\n#### Acceptance Criteria\n"
            "1. THE A SHALL b.\n")
    spec = load(tmp_path, {"requirements.md": body, "design.md": "---\n", "tasks.md": "---\n---"})

    assert sorted(codes_and_lines(spec)) == [
        ("design.md", "S003", 1), ("requirements.md", "S003", 1)]
    assert spec.requirements is not None
    assert [c.id for c in spec.requirements.criteria()] == ["1.1"]


@pytest.mark.req("spec-check", "4.3")
def test_binary_file_is_refused_with_the_line_of_the_nul_byte(tmp_path: Path) -> None:
    spec = load(tmp_path, {"requirements.md": b"# Requirements\n\nline three\x00\x01\x02\n"})

    assert spec.requirements is None
    (path, problem), = all_problems(spec)
    assert path == f"{SPEC}/requirements.md"
    assert (problem.code, problem.line) == ("S001", 3)
    assert "binary" in problem.message and problem.hint


@pytest.mark.req("spec-check", "4.3")
def test_invalid_utf8_is_refused_with_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    spec = load(tmp_path, {"design.md": "## Overview\nCafé\n".encode("latin-1")})

    assert spec.design is None
    assert codes_and_lines(spec) == [("design.md", "S001", 2)]
    (_, problem), = all_problems(spec)
    assert "0xe9" in problem.message and "UTF-8" in problem.hint


@pytest.mark.req("spec-check", "4.4")
def test_empty_files_are_located_problems(tmp_path: Path) -> None:
    spec = load(tmp_path, {"requirements.md": b"", "design.md": b"\n\n", "tasks.md": b"   "})

    assert sorted(codes_and_lines(spec)) == [
        ("design.md", "S002", 1), ("requirements.md", "S002", 1), ("tasks.md", "S002", 1)]
    assert spec.phase == "design"


@pytest.mark.req("spec-check", "2.6")
def test_crlf_files_parse_like_lf_files(tmp_path: Path) -> None:
    requirements = ("# Requirements Document\n\n### Requirement 1: A\n"
                    "#### Acceptance Criteria\n1. THE A SHALL b.\n   and c.\n")
    tasks = "- [x] 1. A\n  - _Requirements: 1.1_\n"
    crlf = load(tmp_path / "crlf", {"requirements.md": requirements.replace("\n", "\r\n"),
                                    "tasks.md": tasks.replace("\n", "\r\n")})
    lf = load(tmp_path / "lf", {"requirements.md": requirements, "tasks.md": tasks})

    assert crlf.requirements is not None and lf.requirements is not None
    assert crlf.tasks is not None and lf.tasks is not None
    assert [(c.id, c.text, c.line) for c in crlf.requirements.criteria()] == [
        (c.id, c.text, c.line) for c in lf.requirements.criteria()]
    assert [c.text for c in crlf.requirements.criteria()] == ["THE A SHALL b. and c."]
    assert [(t.id, t.title, t.status) for t in crlf.tasks.tasks] == [
        (t.id, t.title, t.status) for t in lf.tasks.tasks]
    assert all_problems(crlf) == []


@pytest.mark.req("spec-check", "4.6")
def test_a_5_mb_file_parses_with_every_requirement(tmp_path: Path) -> None:
    drafts = [RequirementDraft(f"Requirement number {n}", "As a user, I want it, so that I can.",
                               [f"WHEN event {n}.{m} happens, THE System_{n} SHALL respond "
                                f"within {m} seconds and log the outcome for audit."
                                for m in range(1, 11)])
              for n in range(1, 6001)]
    text = render_requirements("", "Large.", [("System_1", "the system.")], drafts)
    assert len(text.encode()) > 5 * 2**20

    spec = load(tmp_path, {"requirements.md": text})

    assert spec.requirements is not None
    assert len(spec.requirements.requirements) == 6000
    last = spec.requirements.criteria()[-1]
    assert last.id == "6000.10" and last.line == len(text.splitlines())
    assert all_problems(spec) == []


@pytest.mark.req("spec-check", "4.5")
def test_a_file_over_the_size_limit_is_refused_not_parsed() -> None:
    read = decode("huge.md", b"x" * (MAX_BYTES + 1))

    assert read.source is None
    assert read.problem is not None
    assert (read.problem.code, read.problem.line) == ("S001", 0)
    assert "MB" in read.problem.message


@pytest.mark.req("spec-check", "4.1")
def test_invalid_config_json_is_a_problem_with_line_and_column(tmp_path: Path) -> None:
    spec = load(tmp_path, {".config.kiro": '{\n  "specId": "x",\n  "specType": bugfix\n}\n',
                           "requirements.md": "### Requirement 1\n#### Acceptance Criteria\n"
                                              "1. THE A SHALL b.\n"})

    (path, problem), = all_problems(spec)
    assert path == f"{SPEC}/.config.kiro"
    assert (problem.code, problem.line, problem.column) == ("S008", 3, 15)
    assert spec.config.raw == {}


@pytest.mark.parametrize(
    "content",
    [
        b"\xef\xbb\xbf",
        b"\r\r\r",
        b"```\n### Requirement 1\n",
        b"#### Acceptance Criteria\n1.\n2) \n",
        b"- [ ] \n- [x]\n- [ ]* .\n",
        b"\t\t\t- [x] 1.2.3.4.5 deep\n",
        "### Requirement 99999999999999999999: big\n1. \u2028\n".encode(),
        b"**Property 1**\n_Validates:_\n**Validates: Requirements**\n",
        b"# " + b"#" * 5000 + b"\n",
    ],
)
def test_odd_content_never_raises(tmp_path: Path, content: bytes) -> None:
    spec = load(tmp_path, {"requirements.md": content, "bugfix.md": content,
                           "design.md": content, "tasks.md": content,
                           ".config.kiro": content, "spec.json": content})

    for _, problem in all_problems(spec):
        assert problem.line >= 0 and problem.message and problem.hint
