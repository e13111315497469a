"""Loading one spec folder into typed documents, always fresh from disk.

`load_spec` reads every file at once (so a spec is one moment's files, and the problems met
reading them are known), and each document is parsed from the text read the first time it is
asked for: `specloom list` needs only the task list, so it never imports or runs the
requirements parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specloom.spec.config import (
    CcSddStatus,
    SpecConfig,
    cc_sdd_status,
    parse_config,
    parse_json_object,
)
from specloom.spec.folder import FileRead, UnsearchableFolder, read_spec_files
from specloom.spec.source import FileRefused, Problem, ReadResult, SourceText, decode
from specloom.spec.tasks import Task, TasksDoc, TaskStatus, parse_tasks
from specloom.spec.workspace import Workspace, is_archived

if TYPE_CHECKING:
    from specloom.spec.design import DesignDoc
    from specloom.spec.requirements import RequirementsDoc


@dataclass(frozen=True, slots=True)
class Spec:
    """One spec folder: its documents (None when absent) and the problems met reading it.

    `requirements_source` is requirements.md, else bugfix.md (`requirements_kind` says which);
    `requirements`, `design` and `tasks` are those texts parsed, on first use."""

    name: str
    path: Path
    display_path: str
    config: SpecConfig
    cc_sdd: dict[str, Any] | None
    requirements_source: SourceText | None
    requirements_kind: str  # "requirements" or "bugfix"
    design_source: SourceText | None
    tasks_source: SourceText | None
    file_problems: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    _parsed: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def requirements(self) -> RequirementsDoc | None:
        if "requirements" not in self._parsed:
            from specloom.spec.requirements import parse_requirements

            source = self.requirements_source
            self._parsed["requirements"] = None if source is None else parse_requirements(
                source, self.requirements_kind)
        doc: RequirementsDoc | None = self._parsed["requirements"]
        return doc

    @property
    def design(self) -> DesignDoc | None:
        if "design" not in self._parsed:
            from specloom.spec.design import parse_design

            source = self.design_source
            self._parsed["design"] = None if source is None else parse_design(source)
        doc: DesignDoc | None = self._parsed["design"]
        return doc

    @property
    def tasks(self) -> TasksDoc | None:
        if "tasks" not in self._parsed:
            source = self.tasks_source
            self._parsed["tasks"] = None if source is None else parse_tasks(source)
        doc: TasksDoc | None = self._parsed["tasks"]
        return doc

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
        if self.requirements_source is not None and self.requirements_kind == "bugfix":
            return "bugfix"  # the parsed document's kind, known without parsing it
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
        if self.design_source is not None:
            return "design"
        if self.requirements_source is not None:
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


def load_spec(workspace: Workspace, name: str,
              files: dict[str, FileRead] | None = None) -> Spec:
    """The spec `name`, parsed from `files` (as `read_spec_files` gives them) or read now."""
    folder = workspace.spec_dir(name)
    read_files = read_spec_files(folder) if files is None else files
    problems: dict[str, tuple[Problem, ...]] = {}

    def read(file_name: str) -> Any:
        file = folder / file_name
        shown = workspace.relative(file)
        found = read_files.get(file_name)
        if found is None:
            return None
        if isinstance(found, bytes):
            result = decode(shown, found)
        elif isinstance(found, FileRefused):
            result = ReadResult(None, Problem("S001", 0, found.reason, found.hint))
        elif isinstance(found, UnsearchableFolder):  # one problem for the folder
            problems.setdefault(workspace.relative(folder), (Problem(
                "S001", 0, f"cannot read spec folder: {found.strerror or found}",
                "check that the spec folder is readable"),))
            return None
        else:
            reason = found.strerror or type(found).__name__
            result = ReadResult(None, Problem("S001", 0, f"cannot read file: {reason}",
                                              "check that the file exists and is readable"))
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

    bugfix_source = read("bugfix.md")
    requirements_source = read("requirements.md")
    kind = "requirements" if requirements_source is not None or bugfix_source is None \
        else "bugfix"
    design_source = read("design.md")
    tasks_source = read("tasks.md")
    return Spec(name, folder, workspace.relative(folder), config, cc_sdd,
                requirements_source or bugfix_source, kind, design_source, tasks_source,
                problems)
