"""`specloom list`, `specloom show SPEC` and `specloom task SPEC ID --status STATUS`."""

from __future__ import annotations

import argparse

from specloom.cli.common import add_json_flag, print_json, user_errors, workspace_from
from specloom.cli.errors import EXIT_FINDINGS, EXIT_OK, CliError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy reads the name)
if TYPE_CHECKING:
    from typing import Any

STATUS_CHOICES = ("todo", "in-progress", "done")
MARKS = {"todo": "[ ]", "in-progress": "[-]", "done": "[x]"}


def register(commands: Any) -> None:
    listing = commands.add_parser("list", help="list specs with type, phase and task progress")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)

    show = commands.add_parser("show", help="summarise one spec")
    show.add_argument("spec", metavar="SPEC")
    add_json_flag(show)
    show.set_defaults(handler=run_show)

    task = commands.add_parser(
        "task", help="set a task's status (rewrites only its checkbox)",
        description="Set a task's status in tasks.md. Only checkbox characters change; a parent "
                    "task follows its required sub-tasks. 'done' passes the task gate first: "
                    "every criterion the task and its required sub-tasks cite needs linked "
                    "tests that pass now (exit 1 with the reason otherwise).")
    task.add_argument("spec", metavar="SPEC")
    task.add_argument("task_id", metavar="ID", help="task id such as 2 or 2.1")
    task.add_argument("--status", required=True, choices=STATUS_CHOICES)
    task.add_argument("--force", metavar="REASON",
                      help="with --status done: mark it done although the gate refuses; the "
                           "reason, your name and the time go to "
                           ".kiro/specloom/trace/forced.json and 'specloom list' shows it")
    task.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                      help="stop the linked tests after this long (default 600)")
    add_json_flag(task)
    task.set_defaults(handler=run_task)


def run_list(args: argparse.Namespace) -> int:
    from specloom.app.overview import list_specs

    workspace = workspace_from(args)
    with user_errors():
        listing = list_specs(workspace)
    if args.json:
        print_json(listing)
        return EXIT_OK
    rows = listing["specs"]
    if not rows:
        print(f"No specs in {workspace.relative(workspace.specs_dir)}/.")
        return EXIT_OK
    names = [row["name"] + (ARCHIVED_MARK if row["archived"] else "") for row in rows]
    width = max(len(name) for name in names)
    reviews = [review_summary(row["approvals"]) for row in rows]
    # a CC-SDD column (phase and approvals from spec.json) only when some spec has spec.json
    cc_sdd = [cc_sdd_summary(row["cc_sdd"]) if row["cc_sdd"] else "" for row in rows]
    review_width = max(len("REVIEW"), *(len(review) for review in reviews))
    header = ["SPEC".ljust(width), "TYPE   ", "PHASE       ", "TASKS  ",
              "REVIEW".ljust(review_width), "CC-SDD" if any(cc_sdd) else ""]
    print("  ".join(header).rstrip())
    for name, row, review, cc in zip(names, rows, reviews, cc_sdd, strict=True):
        tasks = f"{row['tasks_done']}/{row['tasks_total']}" if row["tasks_total"] else "-"
        print(f"{name:<{width}}  {row['type']:<7}  {row['phase']:<12}  {tasks:<7}  "
              f"{review:<{review_width}}  {cc}".rstrip())
    forced = [(row["name"], entry) for row in rows for entry in row["forced"]]
    if forced:
        print("\nForced done (the task gate refused; .kiro/specloom/trace/forced.json):")
        for name, entry in forced:
            print("  " + forced_line(name, entry))
    return EXIT_OK


def forced_line(spec: str, entry: dict[str, Any]) -> str:
    """`cart 2.1 FORCED by ada at 2025-...: "reason" (not verified: 1.2 failing, ...)`."""
    pending = ", ".join(f"{c['id']} {c['status']}" for c in entry["criteria"])
    return (f"{spec} {entry['task']} FORCED by {entry['user']} at {entry['at']}: "
            f"\"{entry['reason']}\"" + (f" (not verified: {pending})" if pending else ""))


ARCHIVED_MARK = " (archived)"


def cc_sdd_summary(cc_sdd: dict[str, Any]) -> str:
    """cc-sdd's phase and each document's approval from spec.json, as written there."""
    phase = cc_sdd["phase"] or "no phase"
    approvals = " ".join(f"{doc}:{'approved' if ok else 'not-approved'}"
                         for doc, ok in cc_sdd["approvals"].items())
    return f"{phase} {approvals}".rstrip()


def review_summary(approvals: dict[str, str]) -> str:
    """STALE (or EDITED) names the phases to look at; otherwise how many are approved."""
    flagged = [f"{state.upper()}: {', '.join(p for p, v in approvals.items() if v == state)}"
               for state in ("edited", "stale") if state in approvals.values()]
    if flagged:
        return "; ".join(flagged)
    approved = sum(1 for value in approvals.values() if value == "approved")
    return f"approved {approved}/{len(approvals)}" if approved else "not approved"


def run_show(args: argparse.Namespace) -> int:
    from specloom.app.overview import spec_overview
    from specloom.app.tasks import load_named_spec

    with user_errors():
        data = spec_overview(load_named_spec(workspace_from(args), args.spec))
    if args.json:
        print_json(data)
        return EXIT_OK
    archived = ARCHIVED_MARK if data["archived"] else ""
    print(f"{data['name']}{archived}  ({data['type']}, "
          f"{data['workflow'] or 'workflow not recorded'})")
    print(f"  path:   {data['path']}")
    print(f"  phase:  {data['phase']}")
    if data["cc_sdd"] is not None:
        cc_sdd = data["cc_sdd"]
        print(f"  cc-sdd: phase {cc_sdd['phase'] or 'not recorded'} (spec.json)")
        for doc, ok in cc_sdd["approvals"].items():
            print(f"    {doc:<13} {'approved' if ok else 'not approved'}")
    print(f"  files:  {', '.join(d.rsplit('/', 1)[-1] for d in data['documents']) or 'none'}")
    print("  review:")
    for phase, state in data["approvals"].items():
        print(f"    {phase:<13} {state}")
    if "requirements" in data:
        patterns = ", ".join(f"{k} {v}" for k, v in data["ears_patterns"].items())
        print(f"  requirements: {len(data['requirements'])}, criteria: {data['criteria']}"
              f" (EARS: {patterns})")
        for req in data["requirements"]:
            title = f" {req['title']}" if req["title"] else ""
            print(f"    {req['number']}.{title} ({req['criteria']} criteria)")
    if "properties" in data:
        print(f"  correctness properties: {len(data['properties'])}")
    if "tasks" in data:
        print(f"  tasks: {data['tasks_done']}/{data['tasks_total']} required done")
        for task in data["tasks"]:
            indent = "      " if "." in task["id"] else "    "
            star = "*" if task["optional"] else " "
            print(f"{indent}{MARKS[task['status']]}{star}{task['id']} {task['title']}")
        nxt = data["next_task"]
        print(f"  next: {nxt['id']} {nxt['title']}" if nxt else "  next: nothing open")
    return EXIT_OK


def run_task(args: argparse.Namespace) -> int:
    import sys

    from specloom.app.tasks import set_task_status
    from specloom.trace.task_gate import GateRefused

    if args.timeout <= 0:
        raise CliError("--timeout must be a positive number of seconds")
    workspace = workspace_from(args)
    with user_errors():
        try:
            gated = set_task_status(
                workspace, args.spec, args.task_id, args.status, timeout=args.timeout,
                force=args.force,
                progress=lambda line: print(f"specloom: {line}", file=sys.stderr))
        except GateRefused as exc:  # the gate's message, and the bypass only a person has
            raise CliError(f"{exc}\nTo mark it done anyway, pass --force REASON (recorded in "
                           ".kiro/specloom/trace/forced.json and shown by 'specloom list').",
                           EXIT_FINDINGS) from None
    change = gated.change
    if args.json:
        print_json(gated.to_json())
        return EXIT_OK
    if not change.changed:
        print(f"{change.path}: task {change.task} is already {change.after}")
        return EXIT_OK
    print(f"{change.path}: task {change.task} {change.before} -> {change.after}")
    if change.parent and change.parent_before != change.parent_after:
        print(f"{change.path}: parent task {change.parent} "
              f"{change.parent_before} -> {change.parent_after}")
    verdict = gated.verdict
    if gated.forced is not None:
        print(f"{change.path}: task {change.task} FORCED done; recorded in "
              ".kiro/specloom/trace/forced.json: " + forced_line(change.spec,
                                                                  gated.forced.row()))
    elif verdict is not None and verdict.note:
        print(f"{change.path}: {verdict.note}")
    elif verdict is not None:
        print(f"{change.path}: criteria verified: "
              + ", ".join(c.id for c in verdict.criteria))
    return EXIT_OK
