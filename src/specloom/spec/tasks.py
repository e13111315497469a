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

from specloom.core.errors import SpecloomError
from specloom.spec.design import validates_refs
from specloom.spec.markdown import Ref, front_matter_end, iter_lines, parse_refs
from specloom.spec.source import Problem, SourceText

# `- [ ] 1. Title`, `- [ ]* 2.1 Title` and the escaped optional marker `- [ ]\\* 2.1 Title`.
TASK_LINE = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+\[(?P<mark>[^\]]?)\](?P<optional>\\?\*)?"
                       r"(?P<gap>[ \t]*)(?P<rest>.*)$")
# `1.`, `1.2`, `1.2.3`, also bold or `T`-prefixed (`**T1.2.3**: Title`).
TASK_ID = re.compile(r"^(?:\*\*)?T?(?P<id>\d{1,9}(?:\.\d{1,9}){0,5})\.?(?:\*\*)?:?(?:[ \t]+|$)"
                     r"(?P<title>.*)$")
MAX_TASK_DEPTH = 3
REQUIREMENTS_DETAIL = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?[_*]*(?:Requirements?|要件|需求)[_*]*[ \t]*[:：][_*]*", re.IGNORECASE)
DEPENDS_DETAIL = re.compile(
    r"^[ \t]*[-*+][ \t]+[_*]*(?:Depends(?:[ \t]+on)?|依存|依赖|依賴)[_*]*[ \t]*[:：][_*]*",
    re.IGNORECASE)
PROPERTY_DETAIL = re.compile(r"(?:Property|プロパティ)[ \t]*(\d{1,9})", re.IGNORECASE)
# `_Requirements: All_` (and its translations) cites the whole document, not one criterion.
BLANKET_CITATION = re.compile(
    r"^[\s_*]*(?:all(?:[ \t]+(?:requirements|criteria))?|全て|すべて|全部|全般|所有(?:需求)?)"
    r"[\s_*.]*$", re.IGNORECASE)
CHECKPOINT_TITLE = re.compile(r"(?:\*\*)?(?:final[ \t]+)?checkpoint\b", re.IGNORECASE)
PARALLEL_MARK = "(P)"  # cc-sdd writes it first or last
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
    cites_all: bool = False  # `_Requirements: All_`: a blanket citation of the whole document

    @property
    def cited_criteria(self) -> tuple[Ref, ...]:
        return self.requirements + self.validates

    @property
    def is_checkpoint(self) -> bool:
        """"Checkpoint - ...", "Final checkpoint - ...": a pause to run the tests."""
        return CHECKPOINT_TITLE.match(self.title) is not None


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
        """A parent is done when its required sub-tasks are; started when any sub-task is.

        This holds at every level (`3` over `3.2` over `3.2.1`): a sub-task's own status is
        its effective status.
        """
        children = self.children(task.id)
        if not children:
            return task.status
        return _parent_status(task.status,
                              [(c.optional, self.effective_status(c)) for c in children])

    def progress(self) -> tuple[int, int]:
        """(done, total) over required leaf tasks: tasks without sub-tasks, at any level,
        that are not optional and have no optional ancestor."""
        leaves = self.required_leaves()
        return sum(1 for t in leaves if t.status is TaskStatus.DONE), len(leaves)

    def required_leaves(self) -> list[Task]:
        """Tasks without sub-tasks, at any level, that are not optional and have no optional
        ancestor, in plan order."""
        return [t for t in self.tasks if not self.children(t.id) and not self._optional(t)]

    def open_leaves(self) -> list[Task]:
        """The required leaf tasks not done yet, in plan order: the work left."""
        return [t for t in self.required_leaves() if t.status is not TaskStatus.DONE]

    def next_open(self) -> Task | None:
        """The next open leaf task: the first of `open_leaves`. The one rule behind `specloom
        show`'s next task, the MCP tool `next_task` and `specloom run` without a task."""
        leaves = self.open_leaves()
        return leaves[0] if leaves else None

    def _optional(self, task: Task) -> bool:
        seen: set[str] = set()
        current: Task | None = task
        while current is not None and current.id not in seen:
            if current.optional:
                return True
            seen.add(current.id)
            current = self.task(current.parent) if current.parent is not None else None
        return False


def _parent_status(own: TaskStatus, children: list[tuple[bool, TaskStatus]]) -> TaskStatus:
    """A parent's status from (optional, status) of its sub-tasks."""
    required = [status for optional, status in children if not optional]
    if not required:
        return own
    if all(status is TaskStatus.DONE for status in required):
        return TaskStatus.DONE
    if own is not TaskStatus.TODO or any(s is not TaskStatus.TODO for _, s in children):
        return TaskStatus.IN_PROGRESS
    return TaskStatus.TODO


@dataclass(slots=True)
class _OpenTask:
    task: Task
    requirements: list[Ref] = field(default_factory=list)
    properties: list[Ref] = field(default_factory=list)
    validates: list[Ref] = field(default_factory=list)
    depends: list[Ref] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    cites_all: bool = False


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
    current_indent = 0
    stack: list[tuple[int, _OpenTask]] = []  # open tasks by the indentation of their bullet

    for line in iter_lines(source.lines, start):
        if line.in_fence:
            continue
        text = line.text
        head = line.heading
        if head is not None:
            if head[0] == 1 and title is None:
                title = head[1]
            current = None
            stack.clear()
            continue
        match = TASK_LINE.match(text)
        if match is None:
            if current is not None and text.strip():
                _consume_detail(_owner(stack, text, current), text, line.number)
            continue
        if TASK_ID.match(match.group("rest")) is None and (
            current is None or len(match.group("indent").expandtabs(4)) > current_indent
        ):
            # an unnumbered checkbox under a task, or in a section without numbered tasks
            # ("## Success Criteria"), is a checklist item, not a task
            if current is not None:
                _consume_detail(_owner(stack, text, current), text, line.number)
            continue
        task, problem = _task_from_match(match, line.number, top_id, top_indent)
        if problem is not None:
            problems.append(problem)
        if task is None:
            continue
        current_indent = len(match.group("indent").expandtabs(4))
        if task.level == 1:
            top_id, top_indent = task.id, len(match.group("indent").expandtabs(4))
        current = _OpenTask(task)
        opened.append(current)
        while stack and stack[-1][0] >= current_indent:
            stack.pop()
        stack.append((current_indent, current))

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
    if depth > MAX_TASK_DEPTH:
        return None, Problem("S006", number,
                             f"task {task_id} is nested deeper than {MAX_TASK_DEPTH} levels",
                             "tasks.md allows 'N.', 'N.M' and 'N.M.K'; fold it into its parent")
    parent = task_id.rsplit(".", 1)[0] if depth > 1 else None
    if depth == 1 and indent > top_indent and top_id is not None:
        problem = problem or Problem(
            "S006", number,
            f"task {task_id} is indented like a sub-task but has a top-level number",
            f"number it {top_id}.N, or remove the indentation")
    title = id_match.group("title").strip()
    parallel = False
    if title.startswith(PARALLEL_MARK + " ") or title.startswith(PARALLEL_MARK + "\t"):
        parallel, title = True, title[len(PARALLEL_MARK):].lstrip(" \t")
    elif title.endswith(PARALLEL_MARK):
        parallel, title = True, title[:-len(PARALLEL_MARK)].rstrip(" \t")
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


def _owner(stack: list[tuple[int, _OpenTask]], text: str, current: _OpenTask) -> _OpenTask:
    """The task a detail line belongs to: the innermost open task whose bullet is indented
    less than the line (a bullet at a sub-task's own indentation is its parent's item)."""
    indent = len(text[:len(text) - len(text.lstrip(" \t"))].expandtabs(4))
    for task_indent, task in reversed(stack):
        if task_indent < indent:
            return task
    return current


def _consume_detail(current: _OpenTask, text: str, number: int) -> None:
    current.details.append(text.strip())
    requirements = REQUIREMENTS_DETAIL.match(text)
    if requirements:
        cited = text[requirements.end():]
        if BLANKET_CITATION.match(cited):
            current.cites_all = True
        current.requirements.extend(parse_refs(cited, number, requirements.end()))
        return
    depends = DEPENDS_DETAIL.match(text)
    if depends:
        current.depends.extend(parse_refs(text[depends.end():], number, depends.end()))
        return
    refs = validates_refs(text, number)
    if refs is not None:
        current.validates.extend(refs)
        return
    prop = PROPERTY_DETAIL.search(text)
    if prop and "**" in text:
        current.properties.append(Ref(prop.group(1), number, prop.start(1) + 1, prop.group(1)))


def _close_task(opened: _OpenTask) -> Task:
    task = opened.task
    return Task(
        id=task.id, title=task.title, status=task.status, optional=task.optional,
        parallel=task.parallel, line=task.line, mark_offset=task.mark_offset, level=task.level,
        parent=task.parent, requirements=tuple(opened.requirements),
        properties=tuple(opened.properties), validates=tuple(opened.validates),
        depends=tuple(opened.depends), details=tuple(opened.details),
        cites_all=opened.cites_all,
    )


class TaskNotFound(LookupError, SpecloomError):
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
    seen = {task.id}
    parent = doc.task(task.parent) if task.parent is not None else None
    while parent is not None and parent.id not in seen:  # every ancestor, up to level 1
        seen.add(parent.id)
        required = [c for c in doc.children(parent.id) if not c.optional]
        if not required:
            break
        states = [marks[c.id] for c in required]
        if all(s is TaskStatus.DONE for s in states):
            parent_status = TaskStatus.DONE
        elif any(s is not TaskStatus.TODO for s in states):
            parent_status = TaskStatus.IN_PROGRESS
        else:
            parent_status = TaskStatus.TODO if parent.status is TaskStatus.DONE \
                else parent.status
        marks[parent.id] = parent_status
        _set_mark(lines, parent, parent_status)
        parent = doc.task(parent.parent) if parent.parent is not None else None
    return "".join(lines)


def _set_mark(lines: list[str], task: Task, status: TaskStatus) -> None:
    line = lines[task.line - 1]
    offset = task.mark_offset
    if line[offset:offset + 1] == "]":  # an empty box '[]' gets its character inserted
        lines[task.line - 1] = line[:offset] + status.mark + line[offset:]
    else:
        lines[task.line - 1] = line[:offset] + status.mark + line[offset + 1:]
