"""Task selection, context assembly, the repository map and hooks around a task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic_ai.messages import ModelRequest, UserPromptPart
from run_kit import GOOD_ADD, Script, implement, make_project, paths, report, write

from specloom.agent.context_builder import ContextBuilder
from specloom.agent.repo_map import RepoMapper
from specloom.agent.runner import RunnerError, RunOptions, TaskRunner, runnable_tasks
from specloom.spec.source import SourceText
from specloom.spec.tasks import parse_tasks
from specloom.spec.workspace import Workspace

PLAN = """\
# Implementation Plan

- [x] 1. Set up
- [ ] 2. Cart
  - [x] 2.1 Store
  - [ ]* 2.2 Property test for the store
  - [-] 2.3 Add items
  - [ ] 2.4 Remove items
- [ ] 3. Checkpoint - make sure all tests pass
"""


def ids(named: str | None = None) -> list[str]:
    doc = parse_tasks(SourceText.from_text("tasks.md", PLAN))
    return [t.id for t in runnable_tasks(doc, named)]


@pytest.mark.req("task-runner", "1.1", "1.2")
def test_selection_runs_sub_tasks_in_order_and_skips_optional_ones() -> None:
    assert ids() == ["2.3", "2.4", "3"]


@pytest.mark.req("task-runner", "1.3")
def test_selection_of_a_named_task() -> None:
    assert ids("2.2") == ["2.2"]          # an optional task runs when named
    assert ids("2") == ["2.3", "2.4"]     # a parent means its open required sub-tasks
    assert ids("1") == []                 # already done
    with pytest.raises(RunnerError, match="no task '9'"):
        ids("9")


@pytest.mark.req("task-runner", "3.2", "3.3")
def test_context_holds_steering_documents_criteria_map_and_done_tasks(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root, extra={
        ".kiro/steering/tech.md": "Use Python 3.11.\n",
        ".kiro/steering/api.md": "---\ninclusion: fileMatch\nfileMatchPattern: 'api/**'\n---\n"
                                 "API rules.\n",
        ".kiro/steering/style.md": "---\ninclusion: manual\n---\nStyle rules.\n",
        "calc.py": GOOD_ADD,
    })
    builder = ContextBuilder(Workspace(root), "calc", "1", home=home,
                             done=[("0", "Bootstrap", "made the repo")])
    first = builder.build()
    assert [i.file.name for i in first.steering.included] == ["tech"]
    assert "1.1: WHEN two integers are given, THE Calculator SHALL return their sum." in (
        first.instructions)
    assert "### Requirement 3: Multiply" in first.instructions
    assert "calc.py: def add" in first.instructions
    assert "- 0 Bootstrap: made the repo" in first.instructions

    builder.note_paths(["api/routes.py"])
    assert [i.file.name for i in builder.build().steering.included] == ["tech", "api"]

    tasks = (root / ".kiro/specs/calc/tasks.md").read_text()
    write(root, {".kiro/specs/calc/tasks.md": tasks.replace("in calc.py\n", "(see #style)\n", 1)})
    assert "style" in [i.file.name for i in builder.build().steering.included]


@pytest.mark.req("task-runner", "3.4")
def test_repo_map_is_capped_and_says_what_was_cut(tmp_path: Path) -> None:
    write(tmp_path, {f"pkg/m{i:03d}.py": f"class C{i}:\n    pass\n\ndef f{i}():\n    pass\n"
                     for i in range(50)})
    full = RepoMapper(tmp_path).build()
    assert full.cut is None and full.shown == 50
    assert "pkg/m007.py: class C7, def f7" in full.text
    capped = RepoMapper(tmp_path, max_lines=10).build()
    assert capped.shown == 9 and len(capped.text.splitlines()) == 10
    assert capped.cut is not None and capped.cut.startswith("41 more files not shown")
    assert capped.text.endswith(capped.cut)
    small = RepoMapper(tmp_path, max_chars=300).build()
    assert len(small.text) <= 300 and small.cut is not None


@pytest.mark.req("task-runner", "8.6")
def test_hooks_around_a_task(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    def hook(event: str, then: dict[str, object]) -> str:
        return json.dumps({"name": event, "version": "1", "when": {"type": event},
                           "then": then})

    make_project(root, extra={
        ".kiro/hooks/pre.kiro.hook": hook("preTaskExecution",
                                          {"type": "runCommand", "command": "echo pre-task-note"}),
        ".kiro/hooks/submit.kiro.hook": hook("promptSubmit",
                                             {"type": "askAgent", "prompt": "Mind the style."}),
        ".kiro/hooks/stop.kiro.hook": hook("agentStop",
                                           {"type": "askAgent", "prompt": "Double-check tests."}),
        ".kiro/hooks/post.kiro.hook": hook("postTaskExecution",
                                           {"type": "runCommand",
                                            "command": "echo ran > post-ran.txt"}),
    })
    model = Script([*implement(GOOD_ADD), *[report(True, "checked") for _ in range(3)]])
    result = TaskRunner(Workspace(root), model.model, RunOptions(spec="calc", home=home)).run()

    assert [o.state for o in result.outcomes] == ["verified"]
    first_prompt = str(model.seen[0][0][0].parts)
    assert "pre-task-note" in first_prompt and "Mind the style." in first_prompt
    prompts = [p.content for m in model.seen[-1][0] if isinstance(m, ModelRequest)
               for p in m.parts if isinstance(p, UserPromptPart)]
    assert prompts.count("Double-check tests.") == 3  # capped rounds of askAgent on agentStop
    assert (root / "post-ran.txt").is_file()
