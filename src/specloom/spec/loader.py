"""Loading one spec folder into typed documents, always fresh from disk."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specloom.spec.config import (
    CcSddStatus,
    SpecConfig,
    cc_sdd_status,
    parse_config,
    parse_json_object,
)
from specloom.spec.design import DesignDoc, parse_design
from specloom.spec.requirements import RequirementsDoc, parse_requirements
from specloom.spec.source import Problem, read_source
from specloom.spec.tasks import Task, TasksDoc, TaskStatus, parse_tasks
from specloom.spec.workspace import Workspace, is_archived


@dataclass(frozen=True, slots=True)
class Spec:
    """One spec folder: its documents (None when absent) and the problems met reading it."""

    name: str
    path: Path
    display_path: str
    config: SpecConfig
    cc_sdd: dict[str, Any] | None
    requirements: RequirementsDoc | None
    design: DesignDoc | None
    tasks: TasksDoc | None
    file_problems: dict[str, tuple[Problem, ...]] = field(default_factory=dict)

    @property
    def archived(self) -> bool:
        """Whether the spec sits inside `_archived/` (or another `_`/`.` folder)."""
        return is_archived(self.name)

    @property
    def cc_sdd_status(self) -> CcSddStatus | None:
        """cc-sdd's phase and approvals from `spec.json`, or None without that file."""
        return cc_sdd_status(self.cc_sdd) if self.cc_sdd is not None else None

    @property
    def kind(self) -> str:
        if self.config.spec_type in ("feature", "bugfix"):
            return self.config.spec_type
        if self.requirements is not None and self.requirements.kind == "bugfix":
            return "bugfix"
        return "feature"

    @property
    def phase(self) -> str:
        """requirements, design, tasks, implementing or done: how far the spec has come."""
        if self.tasks is not None and self.tasks.tasks:
            done, total = self.tasks.progress()
            if total and done == total:
                return "done"
            started = any(t.status is not TaskStatus.TODO for t in self.tasks.tasks)
            return "implementing" if started else "tasks"
        if self.design is not None:
            return "design"
        if self.requirements is not None:
            return "requirements"
        return "empty"

    def cited_ids(self, task: Task) -> list[str]:
        """The criteria or requirements a task cites, with ID-style references (`FR-2`)
        resolved through the IDs the requirements define; unresolved ones as written."""
        refs = task.cited_criteria
        if self.requirements is None:
            return [ref.id for ref in refs]
        return [self.requirements.resolve(ref.id) or ref.id for ref in refs]

    def documents(self) -> list[tuple[str, RequirementsDoc | DesignDoc | TasksDoc]]:
        found: list[tuple[str, RequirementsDoc | DesignDoc | TasksDoc]] = []
        for doc in (self.requirements, self.design, self.tasks):
            if doc is not None:
                found.append((doc.source.path, doc))
        return found


def load_spec(workspace: Workspace, name: str) -> Spec:
    folder = workspace.spec_dir(name)
    problems: dict[str, tuple[Problem, ...]] = {}

    def read(file_name: str) -> Any:
        file = folder / file_name
        shown = workspace.relative(file)
        try:
            os.lstat(file)  # only absence means absent: a folder or FIFO here is a finding
        except FileNotFoundError:
            return None
        except OSError as exc:  # the folder itself cannot be searched: one problem for it
            problems.setdefault(workspace.relative(folder), (Problem(
                "S001", 0, f"cannot read spec folder: {exc.strerror or exc}",
                "check that the spec folder is readable"),))
            return None
        result = read_source(file, shown)
        if result.problem is not None:
            problems[shown] = (result.problem,)
            return None
        return result.source

    config = SpecConfig()
    config_source = read(".config.kiro")
    if config_source is not None:
        config = parse_config(config_source.text)
        if config.problems:
            problems[config_source.path] = config.problems
    cc_sdd: dict[str, Any] | None = None
    cc_source = read("spec.json")
    if cc_source is not None:
        cc_sdd, cc_problems = parse_json_object(cc_source.text, "spec.json")
        if cc_problems:
            problems[cc_source.path] = cc_problems

    requirements: RequirementsDoc | None = None
    bugfix_source = read("bugfix.md")
    requirements_source = read("requirements.md")
    if requirements_source is not None:
        requirements = parse_requirements(requirements_source, "requirements")
    elif bugfix_source is not None:
        requirements = parse_requirements(bugfix_source, "bugfix")
    design_source = read("design.md")
    design = parse_design(design_source) if design_source is not None else None
    tasks_source = read("tasks.md")
    tasks = parse_tasks(tasks_source) if tasks_source is not None else None
    return Spec(name, folder, workspace.relative(folder), config, cc_sdd, requirements, design,
                tasks, problems)
