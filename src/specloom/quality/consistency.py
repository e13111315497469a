"""Consistency rules (C codes): what the documents of one spec say about each other.

Tasks must cite criteria that exist, every criterion must be covered by a task, properties
must validate real criteria, numbering must have no gaps or duplicates, and a ticked parent
must not hide an open sub-task. Findings go to an `emit` callback; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from specloom.core.rule import Rule, Severity
from specloom.spec.design import EXPECTED_SECTIONS, DesignDoc
from specloom.spec.markdown import Ref
from specloom.spec.requirements import RequirementsDoc
from specloom.spec.tasks import Task, TasksDoc, TaskStatus

# emit(code, path, line, column, end_column, message, hint)
Emit = Callable[[str, str, int, int, int, str, str], None]

RULES: tuple[Rule, ...] = (
    Rule("C001", "unknown-criterion", "consistency", Severity.ERROR,
         "A task cites a criterion or requirement that does not exist.",
         "Every `_Requirements:` entry must name a criterion N.M (or a requirement N) of this "
         "spec's requirements.md. A dangling citation usually means the requirements were "
         "renumbered after the tasks were written.",
         "- _Requirements: 7.2_   (requirement 7 has one criterion)",
         "- _Requirements: 7.1_", "cite an existing criterion, or update the tasks"),
    Rule("C002", "uncovered-criterion", "consistency", Severity.WARNING,
         "No task cites this acceptance criterion.",
         "A criterion that no task covers will not be implemented on purpose. Cite it from the "
         "task that implements it (or from a test task).",
         "criterion 2.3 is cited by no task", "- _Requirements: 2.1, 2.3_",
         "add the criterion to the `_Requirements:` line of the task that implements it"),
    Rule("C003", "property-unknown-criterion", "consistency", Severity.ERROR,
         "A correctness property validates a criterion that does not exist.",
         "`**Validates: Requirements N.M**` must name criteria of this spec's requirements.",
         "**Validates: Requirements 9.1**", "**Validates: Requirements 1.1, 2.3**",
         "cite existing criteria in the Validates line"),
    Rule("C004", "duplicate-number", "consistency", Severity.ERROR,
         "Two requirements, criteria, properties or tasks share a number.",
         "Citations by number become ambiguous: a task citing 2.1 could mean either criterion.",
         "1. WHEN ...\n1. WHEN ...", "1. WHEN ...\n2. WHEN ...",
         "renumber so that each number is used once"),
    Rule("C005", "skipped-number", "consistency", Severity.WARNING,
         "Numbering skips a number or runs out of order.",
         "A gap often means something was deleted and the citations elsewhere still point at the "
         "old numbers.",
         "### Requirement 1 ... ### Requirement 3", "### Requirement 1 ... ### Requirement 2",
         "renumber in order, and update the citations in design.md and tasks.md"),
    Rule("C006", "parent-done-with-open-subtask", "consistency", Severity.ERROR,
         "A task is ticked done while one of its required sub-tasks is not.",
         "A parent task is done when its required sub-tasks are. A ticked parent over open work "
         "claims progress the code does not have.",
         "- [x] 2. Cart\n  - [ ] 2.1 Add item", "- [-] 2. Cart\n  - [ ] 2.1 Add item",
         "finish the sub-task, or untick the parent (specloom task SPEC ID --status ...)"),
    Rule("C007", "design-missing-section", "consistency", Severity.WARNING,
         "design.md lacks one of the standard sections.",
         "Kiro designs have Overview, Architecture, Components and Interfaces, Data Models, "
         "Correctness Properties, Error Handling and Testing Strategy, in that order.",
         "(no '## Error Handling' section)", "## Error Handling\n...",
         "add the missing '## ' section"),
    Rule("C008", "property-without-validates", "consistency", Severity.WARNING,
         "A correctness property names no criteria it validates.",
         "Each property becomes a property-based test; without a Validates line it cannot be "
         "traced back to the requirements it protects.",
         "### Property 1: Totals add up\n*For any* cart ...",
         "### Property 1: Totals add up\n*For any* cart ...\n**Validates: Requirements 2.1**",
         "add '**Validates: Requirements N.M**' under the property"),
    Rule("C009", "unknown-dependency", "consistency", Severity.ERROR,
         "`_Depends:` names a task that does not exist.",
         "cc-sdd's dependency bullets must name task ids of this tasks.md.",
         "- _Depends: 9.1_", "- _Depends: 1.2_", "name an existing task id"),
    Rule("C010", "unknown-property", "consistency", Severity.WARNING,
         "A task refers to a correctness property that design.md does not define.",
         "`**Property N: ...**` in a task must match a `### Property N` of the design.",
         "- **Property 7: Totals add up**   (design has 3 properties)",
         "- **Property 2: Totals add up**", "use the property's number from design.md"),
    Rule("C011", "task-without-requirements", "consistency", Severity.WARNING,
         "A task cites no criteria.",
         "Every implementation task should say which criteria it serves, so that progress can "
         "be traced to requirements. Checkpoint tasks and parents whose sub-tasks cite "
         "criteria are exempt.",
         "- [ ] 3. Add caching", "- [ ] 3. Add caching\n  - _Requirements: 4.2_",
         "add '_Requirements: N.M_' under the task"),
)


def check_numbering(emit: Emit, path: str, numbers: Sequence[tuple[str, int]], what: str,
                    start: int = 1) -> None:
    """Report duplicates and gaps in a sequence of (number, line)."""
    seen: dict[str, int] = {}
    expected = start
    for number, line in numbers:
        if number in seen:
            emit("C004", path, line, 1, 0,
                 f"{what} {number} is numbered twice (first at line {seen[number]})",
                 "renumber so that each number is used once")
            continue
        seen[number] = line
        last = number.rsplit(".", 1)[-1]
        if last.isdigit():
            value = int(last)
            if value != expected:
                emit("C005", path, line, 1, 0,
                     f"{what} {number} follows number {expected - 1}; expected {expected}",
                     "renumber in order and update the citations")
            expected = value + 1


def check_duplicates(emit: Emit, path: str, numbers: Sequence[tuple[str, int]],
                     what: str) -> None:
    seen: dict[str, int] = {}
    for number, line in numbers:
        if number in seen:
            emit("C004", path, line, 1, 0,
                 f"{what} {number} is numbered twice (first at line {seen[number]})",
                 "renumber so that each number is used once")
        seen.setdefault(number, line)


def check_requirements_numbering(emit: Emit, doc: RequirementsDoc) -> None:
    path = doc.source.path
    if doc.kind == "requirements":
        check_numbering(emit, path, [(r.number, r.line) for r in doc.requirements],
                        "requirement")
    for requirement in doc.requirements:
        # Criteria numbered 1, 2, 3 ... (the usual case) have nothing to report.
        if any(c.number != index for index, c in enumerate(requirement.criteria, 1)):
            written = [(f"{requirement.number}.{c.number}", c.line) for c in requirement.criteria]
            check_numbering(emit, path, written, "criterion")
        if requirement.user_story is None and doc.kind == "requirements":
            emit("S009", path, requirement.line, 1, 0,
                 f"requirement {requirement.number} has no user story",
                 "add '**User Story:** As a <role>, I want <goal>, so that <benefit>'")


def _resolved(doc: RequirementsDoc | None, refs: Iterable[Ref]) -> list[tuple[Ref, str | None]]:
    """Each citation with the criterion or requirement it names (None: names nothing).

    Numbers name themselves; ID-style references (`FR-2`) resolve through the IDs the
    requirements document defines, never by reading their digits as a number.
    """
    if doc is None:
        return [(ref, ref.id) for ref in refs]
    return [(ref, doc.resolve(ref.id)) for ref in refs]


def _quoted(ref: Ref) -> str:
    """The citation exactly as written; a range also names the criterion it stands for."""
    written = ref.quoted
    if written == ref.id or ref.is_id_style or written[:1] in "Rr":
        return written
    return f"{ref.id} (written '{written}')"


def check_design(emit: Emit, design: DesignDoc, requirements: RequirementsDoc | None,
                 kind: str) -> None:
    path = design.source.path
    if kind == "feature" and design.source.text.strip():
        for name in EXPECTED_SECTIONS:
            if design.section(name) is None:
                emit("C007", path, 1, 1, 0, f"design.md has no '## {name}' section",
                     f"add a '## {name}' section")
    labels = [(p.label or str(p.number), p.line) for p in design.properties]
    if all(label.isdigit() for label, _ in labels):
        check_numbering(emit, path, labels, "property")
    else:  # sub-numbered properties (4.1, 7a): only duplicates are wrong
        check_duplicates(emit, path, labels, "property")
    for prop in design.properties:
        if prop.validates_line is None or not prop.validates:
            emit("C008", path, prop.line, 1, 0,
                 f"property {prop.number} names no criteria it validates",
                 "add '**Validates: Requirements N.M**' under the property")
            continue
        if requirements is None:
            continue
        for ref, target in _resolved(requirements, prop.validates):
            if target is None:
                emit("C003", path, ref.line, ref.column, ref.column + len(ref.quoted),
                     f"property {prop.number} validates {_quoted(ref)}, which is not a "
                     f"criterion of {requirements.source.path}",
                     "cite an existing criterion of requirements.md")


def _citing_tasks(tasks: TasksDoc) -> set[str]:
    """Ids of the tasks that cite criteria: by themselves (a citation, a property, or a blanket
    `_Requirements: All_`), through a sub-task at any depth, or through a parent whose
    citations cover its sub-tasks (cc-sdd writes one `_Requirements:` line for a group)."""
    own = {t.id for t in tasks.tasks if t.cited_criteria or t.properties or t.cites_all}
    citing = set(own)
    for task in tasks.tasks:  # parents come before their sub-tasks in file order
        if task.parent is not None and task.parent in citing and task.parent in own:
            citing.add(task.id)
            own.add(task.id)  # inherited citations pass further down
    for task in reversed(tasks.tasks):  # sub-tasks come after their parents
        if task.id in citing and task.parent is not None:
            citing.add(task.parent)
    return citing


def check_tasks(emit: Emit, tasks: TasksDoc, requirements: RequirementsDoc | None,
                design: DesignDoc | None) -> None:
    path = tasks.source.path
    top = [(t.id, t.line) for t in tasks.tasks if t.level == 1]
    check_numbering(emit, path, top, "task")
    for parent in tasks.tasks:
        subs = [(t.id, t.line) for t in tasks.children(parent.id)]
        if subs:
            check_numbering(emit, path, subs, "task")
    task_ids = {t.id for t in tasks.tasks}
    cited: set[str] = set()
    citing = _citing_tasks(tasks)
    for task in tasks.tasks:
        _check_task_references(emit, path, task, task_ids, requirements, design, cited)
        _check_open_subtasks(emit, path, task, tasks)
        if task.id not in citing and not task.is_checkpoint:
            emit("C011", path, task.line, task.mark_offset + 3, 0,
                 f"task {task.id} cites no criteria", "add '_Requirements: N.M_' under the task")
    if requirements is not None:
        _check_coverage(emit, path, requirements, cited)


def _check_task_references(emit: Emit, path: str, task: Task, task_ids: set[str],
                           requirements: RequirementsDoc | None, design: DesignDoc | None,
                           cited: set[str]) -> None:
    """C001, C009 and C010 for the criteria, tasks and properties one task names; the criteria
    and requirements it cites are added to `cited`."""
    for ref, target in _resolved(requirements, task.cited_criteria):
        cited.add(target if target is not None else ref.id)
        if requirements is not None and target is None:
            emit("C001", path, ref.line, ref.column, ref.column + len(ref.quoted),
                 f"task {task.id} cites {_quoted(ref)}, which is not a criterion of "
                 f"{requirements.source.path}", "cite an existing criterion N.M")
    for ref in task.depends:
        if ref.id not in task_ids:
            emit("C009", path, ref.line, ref.column, ref.column + len(ref.id),
                 f"task {task.id} depends on task {ref.id}, which does not exist",
                 "name an existing task id")
    if design is not None:
        for ref in task.properties:
            if design.property(int(ref.id)) is None:
                emit("C010", path, ref.line, ref.column, ref.column + len(ref.id),
                     f"task {task.id} refers to property {ref.id}, which design.md "
                     "does not define", "use the property's number from design.md")


def _check_open_subtasks(emit: Emit, path: str, task: Task, tasks: TasksDoc) -> None:
    """C006: a task ticked done while a required sub-task is not."""
    if task.status is not TaskStatus.DONE:
        return
    children = tasks.children(task.id)
    open_required = [c.id for c in children
                     if not c.optional and tasks.effective_status(c) is not TaskStatus.DONE]
    if open_required:
        emit("C006", path, task.line, task.mark_offset + 1, task.mark_offset + 2,
             f"task {task.id} is ticked but sub-task(s) {', '.join(open_required)} "
             "are not done", "finish the sub-tasks, or untick the parent")


def _check_coverage(emit: Emit, path: str, requirements: RequirementsDoc,
                    cited: set[str]) -> None:
    """C002: a criterion that no task cites, by itself or through its whole requirement."""
    covered_requirements = {r for r in cited if "." not in r}
    for criterion in requirements.criteria():
        if requirements.kind == "bugfix" and criterion.requirement == "1":
            continue  # current (defective) behaviour is described, not implemented
        if criterion.id not in cited and criterion.requirement not in covered_requirements:
            emit("C002", requirements.source.path, criterion.line, 1, 0,
                 f"criterion {criterion.id} is cited by no task in {path}",
                 "add it to the '_Requirements:' line of the task that implements it")
