"""Parser and status writer for tasks.md (the implementation plan).

Tasks are checkbox list items `- [ ] 1. Title` (top level) and `- [x] 1.2 Title`
(sub-task). Detail bullets under a task carry `_Requirements: 1.1_`, `**Property N: ...**`,
`**Validates: Requirements ...**` and cc-sdd's `_Depends: 1.2_`. A status change rewrites
only the checkbox characters, so a hand-edited file keeps every other byte.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from specloom.spec.design import validates_refs
from specloom.spec.markdown import Ref, front_matter_end, heading, iter_lines, parse_refs
from specloom.spec.source import Problem, SourceText

TASK_LINE = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+\[(?P<mark>[^\]]?)\](?P<optional>\*)?"
                       r"(?P<gap>[ \t]*)(?P<rest>.*)$")
TASK_ID = re.compile(r"^(?P<id>\d+(?:\.\d+)*)\.?(?:[ \t]+|$)(?P<title>.*)$")
REQUIREMENTS_DETAIL = re.compile(r"^[ \t]*[-*+][ \t]+[_*]*Requirements?[_*]*[ \t]*:[_*]*",
                                 re.IGNORECASE)
DEPENDS_DETAIL = re.compile(r"^[ \t]*[-*+][ \t]+[_*]*Depends(?:[ \t]+on)?[_*]*[ \t]*:[_*]*",
                            re.IGNORECASE)
PROPERTY_DETAIL = re.compile(r"Property[ \t]+(\d+)", re.IGNORECASE)
PARALLEL = re.compile(r"^\(P\)[ \t]+|[ \t]*\(P\)[ \t]*$")  # cc-sdd writes it first or last
MARKS = {" ": "todo", "": "todo", "x": "done", "X": "done", "-": "in-progress", "~": "in-progress"}


class TaskStatus(enum.StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in-progress"
    DONE = "done"

    @property
    def mark(self) -> str:
        return {"todo": " ", "in-progress": "-", "done": "x"}[self.value]


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    title: str
    status: TaskStatus
    optional: bool
    parallel: bool
    line: int
    mark_offset: int  # 0-based offset of the checkbox character within its line
    level: int
    parent: str | None
    requirements: tuple[Ref, ...] = ()
    properties: tuple[Ref, ...] = ()
    validates: tuple[Ref, ...] = ()
    depends: tuple[Ref, ...] = ()
    details: tuple[str, ...] = ()

    @property
    def cited_criteria(self) -> tuple[Ref, ...]:
        return self.requirements + self.validates

    @property
    def is_checkpoint(self) -> bool:
        return self.title.lower().startswith("checkpoint")


@dataclass(frozen=True, slots=True)
class TasksDoc:
    source: SourceText
    title: str | None
    tasks: tuple[Task, ...]
    problems: tuple[Problem, ...]
    _index: dict[str, Task] = field(default_factory=dict, compare=False, repr=False)
    _children: dict[str, tuple[Task, ...]] = field(default_factory=dict, compare=False,
                                                   repr=False)

    def task(self, task_id: str) -> Task | None:
        if not self._index:
            for task in self.tasks:
                self._index.setdefault(task.id, task)
        return self._index.get(task_id)

    def children(self, task_id: str) -> tuple[Task, ...]:
        if not self._children:  # indexed once, so large plans stay linear
            grouped: dict[str, list[Task]] = {"": []}  # "": marks the index as built
            for task in self.tasks:
                if task.parent is not None:
                    grouped.setdefault(task.parent, []).append(task)
            self._children.update({k: tuple(v) for k, v in grouped.items()})
        return self._children.get(task_id, ())

    def effective_status(self, task: Task) -> TaskStatus:
        """A parent is done when its required sub-tasks are; started when any sub-task is."""
        children = self.children(task.id) if task.level == 1 else ()
        required = [c for c in children if not c.optional]
        if not required:
            return task.status
        if all(c.status is TaskStatus.DONE for c in required):
            return TaskStatus.DONE
        if task.status is not TaskStatus.TODO or any(
            c.status is not TaskStatus.TODO for c in children
        ):
            return TaskStatus.IN_PROGRESS
        return TaskStatus.TODO

    def progress(self) -> tuple[int, int]:
        """(done, total) over required leaf tasks: sub-tasks, or top-level tasks without any."""
        leaves = [t for t in self.tasks if not t.optional and not self.children(t.id)]
        return sum(1 for t in leaves if t.status is TaskStatus.DONE), len(leaves)


@dataclass(slots=True)
class _OpenTask:
    task: Task
    requirements: list[Ref] = field(default_factory=list)
    properties: list[Ref] = field(default_factory=list)
    validates: list[Ref] = field(default_factory=list)
    depends: list[Ref] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


def parse_tasks(source: SourceText) -> TasksDoc:
    problems: list[Problem] = []
    start, fm_problem = front_matter_end(source.lines)
    if fm_problem:
        problems.append(fm_problem)
    if not source.text.strip():
        problems.append(Problem("S002", 1, "the document is empty",
                                "write the implementation plan, or delete the file"))
    title: str | None = None
    opened: list[_OpenTask] = []
    current: _OpenTask | None = None
    top_id: str | None = None
    top_indent = 0

    for line in iter_lines(source.lines, start):
        if line.in_fence:
            continue
        text = line.text
        head = heading(text)
        if head is not None:
            if head[0] == 1 and title is None:
                title = head[1]
            current = None
            continue
        match = TASK_LINE.match(text)
        if match is None:
            if current is not None and text.strip():
                _consume_detail(current, text, line.number)
            continue
        task, problem = _task_from_match(match, line.number, top_id, top_indent)
        if problem is not None:
            problems.append(problem)
        if task is None:
            continue
        if task.level == 1:
            top_id, top_indent = task.id, len(match.group("indent").expandtabs(4))
        current = _OpenTask(task)
        opened.append(current)

    tasks = tuple(_close_task(t) for t in opened)
    return TasksDoc(source, title, tasks, tuple(problems))


def _task_from_match(match: re.Match[str], number: int, top_id: str | None,
                     top_indent: int) -> tuple[Task | None, Problem | None]:
    mark = match.group("mark")
    rest = match.group("rest")
    problem: Problem | None = None
    if mark not in MARKS:
        problem = Problem("S006", number, f"unknown checkbox mark '[{mark}]'",
                          "use '[ ]' (to do), '[-]' (in progress) or '[x]' (done)",
                          match.start("mark") + 1, match.end("mark") + 1)
    id_match = TASK_ID.match(rest)
    if id_match is None:
        return None, Problem("S006", number, "task has no number",
                             "number tasks '1.' at the top level and '1.2' for sub-tasks",
                             match.start("rest") + 1)
    task_id = id_match.group("id")
    depth = task_id.count(".") + 1
    indent = len(match.group("indent").expandtabs(4))
    if depth > 2:
        return None, Problem("S006", number, f"task {task_id} is nested deeper than two levels",
                             "tasks.md allows 'N.' and 'N.M' only; fold it into its parent")
    parent = task_id.split(".")[0] if depth == 2 else None
    if depth == 1 and indent > top_indent and top_id is not None:
        problem = problem or Problem(
            "S006", number,
            f"task {task_id} is indented like a sub-task but has a top-level number",
            f"number it {top_id}.N, or remove the indentation")
    title = id_match.group("title").strip()
    parallel = bool(PARALLEL.search(title))
    if parallel:
        title = PARALLEL.sub("", title, count=1)
    optional = match.group("optional") is not None
    if optional and depth == 1:
        problem = problem or Problem(
            "S007", number, f"top-level task {task_id} is marked optional with '*'",
            "only sub-tasks may be optional; remove the '*'", match.start("optional") + 1)
    task = Task(
        id=task_id, title=title, status=TaskStatus(MARKS.get(mark, "todo")), optional=optional,
        parallel=parallel, line=number, mark_offset=match.start("mark"), level=depth,
        parent=parent,
    )
    return task, problem


def _consume_detail(current: _OpenTask, text: str, number: int) -> None:
    current.details.append(text.strip())
    requirements = REQUIREMENTS_DETAIL.match(text)
    if requirements:
        current.requirements.extend(parse_refs(text[requirements.end():], number,
                                               requirements.end()))
        return
    depends = DEPENDS_DETAIL.match(text)
    if depends:
        current.depends.extend(parse_refs(text[depends.end():], number, depends.end()))
        return
    if "alidates" in text:
        refs = validates_refs(text, number)
        if refs is not None:
            current.validates.extend(refs)
            return
    prop = PROPERTY_DETAIL.search(text)
    if prop and "**" in text:
        current.properties.append(Ref(prop.group(1), number, prop.start(1) + 1))


def _close_task(opened: _OpenTask) -> Task:
    task = opened.task
    return Task(
        id=task.id, title=task.title, status=task.status, optional=task.optional,
        parallel=task.parallel, line=task.line, mark_offset=task.mark_offset, level=task.level,
        parent=task.parent, requirements=tuple(opened.requirements),
        properties=tuple(opened.properties), validates=tuple(opened.validates),
        depends=tuple(opened.depends), details=tuple(opened.details),
    )


class TaskNotFound(LookupError):
    pass


def with_status(doc: TasksDoc, task_id: str, status: TaskStatus) -> str:
    """The text of tasks.md with one task's status changed and its parent's box kept in step.

    Only checkbox characters change. A parent's box follows its required sub-tasks: done when
    all are done, in progress when any has started.
    """
    task = doc.task(task_id)
    if task is None:
        known = ", ".join(t.id for t in doc.tasks[:12])
        raise TaskNotFound(f"no task {task_id!r} in {doc.source.path} (tasks: {known})")
    lines = list(doc.source.lines)
    marks = {t.id: t.status for t in doc.tasks}
    marks[task.id] = status
    _set_mark(lines, task, status)
    if task.parent is not None:
        parent = doc.task(task.parent)
        if parent is not None:
            required = [c for c in doc.children(parent.id) if not c.optional]
            if required:
                states = [marks[c.id] for c in required]
                if all(s is TaskStatus.DONE for s in states):
                    parent_status = TaskStatus.DONE
                elif any(s is not TaskStatus.TODO for s in states):
                    parent_status = TaskStatus.IN_PROGRESS
                else:
                    parent_status = TaskStatus.TODO if parent.status is TaskStatus.DONE \
                        else parent.status
                _set_mark(lines, parent, parent_status)
    return "".join(lines)


def _set_mark(lines: list[str], task: Task, status: TaskStatus) -> None:
    line = lines[task.line - 1]
    offset = task.mark_offset
    if line[offset:offset + 1] == "]":  # an empty box '[]' gets its character inserted
        lines[task.line - 1] = line[:offset] + status.mark + line[offset:]
    else:
        lines[task.line - 1] = line[:offset] + status.mark + line[offset + 1:]
