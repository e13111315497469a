"""Property-based tests for the task-runner spec's correctness properties (design.md)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, assume, example, given, settings
from hypothesis import strategies as st
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)

from specloom.agent.budget import BudgetPolicy, compact
from specloom.agent.checkpoints import CheckpointStore
from specloom.agent.delimit import wrap_file, wrap_tool_output
from specloom.agent.runner import runnable_tasks
from specloom.agent.sandbox import PathRefused, Sandbox
from specloom.core.redact import Redactor
from specloom.spec.source import SourceText
from specloom.spec.tasks import parse_tasks
from specloom.spec.workspace import Workspace

words = st.text("abcdefghij klmnop\n", max_size=120)


@st.composite
def conversations(draw: st.DrawFn) -> list[ModelMessage]:
    messages: list[ModelMessage] = [ModelRequest(parts=[UserPromptPart(draw(words))])]
    for turn in range(draw(st.integers(0, 8))):
        calls = [ToolCallPart(draw(st.sampled_from(["read_file", "search", "run_command"])),
                              {"path": draw(words)}, tool_call_id=f"c{turn}-{i}")
                 for i in range(draw(st.integers(1, 2)))]
        text = [TextPart(draw(words))] if draw(st.booleans()) else []
        messages.append(ModelResponse(parts=[*text, *calls]))
        messages.append(ModelRequest(parts=[
            ToolReturnPart(c.tool_name, draw(words), tool_call_id=c.tool_call_id) for c in calls]))
    if draw(st.booleans()):
        messages.append(ModelResponse(parts=[TextPart(draw(words))]))
    return messages


# Feature: task-runner, Property 1: Compaction keeps the history valid
@settings(max_examples=100, deadline=None)
@given(conversations(), st.integers(1, 600), st.integers(1, 6), st.integers(0, 200))
def test_compaction_keeps_history_valid(messages: list[ModelMessage], context: int,
                                        keep_recent: int, fixed: int) -> None:
    policy = BudgetPolicy(context_tokens=context, keep_recent=keep_recent)
    once = compact(messages, policy, fixed)
    # each tool return has its tool call, in the response right before it
    for index, message in enumerate(once):
        returns = [p for p in message.parts if isinstance(p, ToolReturnPart)]
        if returns:
            assert index > 0 and isinstance(once[index - 1], ModelResponse)
            called = {p.tool_call_id for p in once[index - 1].parts
                      if isinstance(p, ToolCallPart)}
            assert {p.tool_call_id for p in returns} <= called
    # the recent turns are the input's, unchanged; the first request keeps its parts
    tail = once[1:]
    assert tail == messages[len(messages) - len(tail):]
    assert len(tail) >= min(keep_recent, 2, len(messages) - 1)
    assert once[0].parts[:len(messages[0].parts)] == messages[0].parts
    # compacting twice gives the same result
    assert compact(once, policy, fixed) == once


@st.composite
def task_plans(draw: st.DrawFn) -> tuple[str, list[str]]:
    """tasks.md text and the ids of its open, required Leaf_Tasks in document order."""
    lines = ["# Implementation Plan", ""]
    expected: list[str] = []
    for top in range(1, draw(st.integers(1, 5)) + 1):
        mark = draw(st.sampled_from([" ", "x", "-", "~", "X"]))
        lines.append(f"- [{mark}] {top}. Task {top}")
        subs = draw(st.integers(0, 4))
        if subs == 0 and mark not in "xX":
            expected.append(str(top))
        for sub in range(1, subs + 1):
            sub_mark = draw(st.sampled_from([" ", "x", "-", "~"]))
            optional = draw(st.booleans())
            lines.append(f"  - [{sub_mark}]{'*' if optional else ''} {top}.{sub} Sub {sub}")
            if draw(st.booleans()):
                lines.append(f"    - _Requirements: {top}.{sub}_")
            if sub_mark != "x" and not optional:
                expected.append(f"{top}.{sub}")
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines) + "\n", expected


# Feature: task-runner, Property 2: Selection follows the plan
@settings(max_examples=100, deadline=None)
@given(task_plans())
def test_selection_follows_the_plan(plan: tuple[str, list[str]]) -> None:
    text, expected = plan
    doc = parse_tasks(SourceText.from_text(".kiro/specs/s/tasks.md", text))
    assert [t.id for t in runnable_tasks(doc)] == expected


PATH_PIECES = ("..", ".", "src", "src/app.py", ".git", ".git/config", "inside", "out_link",
               "git_link", "loop", "~", "missing", ".GIT", "x/../..", "", "/")


@st.composite
def path_strings(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.one_of(st.sampled_from(PATH_PIECES),
                                     st.text("ab.-_/~ \\", max_size=6)), max_size=6))
    text = "/".join(pieces)
    return draw(st.sampled_from(["", "/", "./", "~/"])) + text


@pytest.fixture(scope="module")
def sandbox_tree() -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        root = base / "ws"
        (root / "src").mkdir(parents=True)
        (root / "src" / "app.py").write_text("x = 1\n")
        (root / ".git").mkdir()
        (root / ".git" / "config").write_text("[core]\n")
        (base / "outside").mkdir()
        (base / "outside" / "secret.txt").write_text("s\n")
        (root / "out_link").symlink_to(base / "outside")
        (root / "git_link").symlink_to(root / ".git")
        (root / "inside").symlink_to(root / "src")
        (root / "loop").symlink_to(root / "loop")
        yield root


# Feature: task-runner, Property 3: Tools stay inside the workspace
@settings(max_examples=100, deadline=None)
@given(path_strings() | st.text(max_size=30), st.booleans())
def test_tools_stay_inside_workspace(sandbox_tree: Path, path: str, write: bool) -> None:
    sandbox = Sandbox.for_root(sandbox_tree)
    try:
        real = sandbox.resolve(path, write=write)
    except (PathRefused, RuntimeError, OSError):
        return  # refused (a symlink loop is refused by the resolver's error)
    resolved = real.resolve()
    relative = resolved.relative_to(sandbox_tree.resolve())  # raises if outside the root
    assert ".git" not in relative.parts


SECRET_NAMES = ("OPENAI_API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "MY_SECRET", "AWS_CREDENTIALS")


@st.composite
def secret_cases(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(SECRET_NAMES))
    placeholder = f"[redacted:{name}]"
    start = draw(st.integers(0, len(placeholder) - 4))
    overlapping = placeholder[start:start + draw(st.integers(4, len(placeholder) - start))]
    value = draw(st.one_of(st.text(min_size=4, max_size=20).filter(lambda v: len(v.strip()) >= 4),
                           st.just(overlapping)))
    return name, value


# Feature: task-runner, Property 4: Redaction removes each secret
# (was a strict xfail: DB_PASSWORD='PASSWORD' survived inside '[redacted:DB_PASSWORD]'; a
# placeholder holding a secret is now replaced by a neutral one)
@example(("DB_PASSWORD", "PASSWORD"), "", "", False, {})
@example(("MY_SECRET", "redacted"), "[", "]", True, {})
@settings(max_examples=100, deadline=None)
@given(secret_cases(), st.text(max_size=30), st.text(max_size=30), st.booleans(),
       st.dictionaries(st.sampled_from(["PATH", "HOME", "LANG"]), st.text(max_size=10)))
def test_redaction_removes_each_secret(case: tuple[str, str], before: str, after: str,
                                       twice: bool, others: dict[str, str]) -> None:
    name, value = case
    redactor = Redactor.from_environment({name: value, **others})
    text = before + value + after + (value if twice else "")
    assert value not in redactor(text)


_CLOSING = {"file": re.compile(r"</\s*file(?=[\s>/]|$)", re.IGNORECASE),
            "tool-output": re.compile(r"</\s*tool-output(?=[\s>/]|$)", re.IGNORECASE)}
tag_bits = st.sampled_from(["<file", "</file", "</file>", "<tool-output", "</tool-output>",
                            "</tool-output", "</ file>", "</FILE>", "</file\n", "<file>",
                            "<", "/", ">", "\n", " ", "file", "tool-output"])


# Feature: task-runner, Property 5: Content cannot close its block
@pytest.mark.xfail(strict=True, reason=(
    "counterexample: content '</file' (or '</tool-output') at the very end: neutralise() only "
    "matches a tag name followed by whitespace, '>' or '/', so the final '</file' stays; the "
    "wrapper then adds '\\n</file>', giving '<file path=\"a.txt\">\\n</file\\n</file>' with "
    "two closing tags"))
@settings(max_examples=100, deadline=None,
          phases=(Phase.explicit, Phase.reuse, Phase.generate))  # known failure: skip shrinking
@example("</file", "file", "")
@given(st.lists(st.one_of(tag_bits, st.text(max_size=8)), max_size=10).map("".join),
       st.sampled_from(["file", "tool-output"]), st.text(max_size=12))
def test_content_cannot_close_its_block(content: str, kind: str, label: str) -> None:
    if kind == "file":
        wrapped = wrap_file(label or "a.txt", content)
    else:
        wrapped = wrap_tool_output(content, tool=label)
    assert len(_CLOSING[kind].findall(wrapped)) == 1
    assert wrapped.endswith(f"</{kind}>")


NAMES = st.from_regex(r"[a-z][a-z0-9_.-]{0,6}", fullmatch=True)
trees = st.dictionaries(
    st.lists(NAMES, min_size=1, max_size=3).map(lambda parts: "/".join(parts)),
    st.tuples(st.binary(max_size=40), st.sampled_from([0o644, 0o755])), min_size=1, max_size=6)


def _write_tree(root: Path, tree: dict[str, tuple[bytes, int]]) -> dict[str, tuple[bytes, int]]:
    written: dict[str, tuple[bytes, int]] = {}
    for relative, (data, mode) in sorted(tree.items()):
        path = root / relative
        if any(p.is_file() for p in [*path.parents] if root in p.parents):
            continue  # a file where this path needs a folder
        if path.is_dir():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.chmod(path, mode)
        written[relative] = (data, mode)
    return written


def _read_tree(root: Path) -> dict[str, tuple[bytes, bool]]:
    found = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(".kiro/specloom") or not path.is_file():
            continue
        found[relative] = (path.read_bytes(), bool(path.stat().st_mode & 0o100))
    return found


# Feature: task-runner, Property 6: Restore round-trips
@settings(max_examples=100, deadline=None)
@given(trees, trees, st.data())
def test_restore_round_trips(tree: dict[str, tuple[bytes, int]],
                             changes: dict[str, tuple[bytes, int]], data: st.DataObject) -> None:
    assume(shutil.which("git") is not None)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".kiro" / "specs").mkdir(parents=True)
        _write_tree(root, tree)
        store = CheckpointStore(Workspace(root))
        snapshot_state = _read_tree(root)
        checkpoint = store.snapshot("before")
        # change files: edit or chmod some, delete some, add new ones
        for relative in sorted(snapshot_state):
            if relative.startswith(".kiro"):
                continue
            action = data.draw(st.sampled_from(["keep", "edit", "chmod", "delete"]))
            path = root / relative
            if action == "edit":
                path.write_bytes(path.read_bytes() + b"changed")
            elif action == "chmod":
                os.chmod(path, path.stat().st_mode ^ 0o111)
            elif action == "delete":
                path.unlink()
        _write_tree(root, {f"new/{k}": v for k, v in changes.items()})
        store.restore(checkpoint.id)
        assert _read_tree(root) == snapshot_state
