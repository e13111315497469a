"""How fast is `specloom check` on a large workspace, and how fast does the CLI start?

Generates a workspace of N specs with render.py (each: 10 requirements of 4 strict-EARS
criteria in varied patterns with a glossary, a design with the 7 sections and 3 properties,
and tasks citing every criterion), then times whole processes:

- `specloom --root DIR check --format json > /dev/null`, best and median of --runs runs
  (target: 2 s or less for 1,000 specs);
- `specloom --version`, best and median of --version-runs runs (target: 150 ms or less).

It prints figures and never asserts: timings belong in a table, not in a flaky test.
`--profile` also prints the top cProfile entries of one in-process check.

    .venv/bin/python benchmarks/check_speed.py [--specs 1000] [--runs 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from specloom.spec.render import (
    PropertyDraft,
    RequirementDraft,
    TaskDraft,
    render_design,
    render_requirements,
    render_tasks,
)
from specloom.spec.tasks import TaskStatus

CHECK_TARGET_S = 2.0
VERSION_TARGET_S = 0.150
REQUIREMENTS_PER_SPEC = 10
CRITERIA_PER_REQUIREMENT = 4

THINGS = ("order", "invoice", "ticket", "report", "upload", "payment", "reminder", "booking",
          "profile", "comment", "shipment", "subscription", "refund", "coupon", "playlist")
ACTORS = ("customer", "administrator", "support agent", "guest", "editor", "auditor", "member")
COMPONENTS = ("Service", "Store", "Gateway", "Scheduler", "Validator", "Notifier", "Api")
TRIGGERS = (
    "{an_actor} submits a new {thing}",
    "{an_actor} cancels an existing {thing}",
    "the nightly {thing} import finishes",
    "{an_actor} requests the {thing} history",
    "the due date of {a_thing} passes",
    "{an_actor} uploads a file larger than 10 MB",
)
STATES = (
    "the {thing} is locked for review",
    "the system is in maintenance mode",
    "the session of {an_actor} is active",
    "the {thing} queue holds more than 1000 items",
)
CONDITIONS = (
    "the {thing} identifier is unknown",
    "the payment provider returns an error",
    "the {actor} lacks the permission to edit the {thing}",
    "the request body is malformed JSON",
)
FEATURES = (
    "the audit module is enabled",
    "the tenant has the premium plan",
    "email notifications are configured",
)
RESPONSES = (
    "store the {thing} with a unique identifier",
    "reject the request with the message \"{Thing} not found\"",
    "send a confirmation email to the {actor} within 60 seconds",
    "record the change in the audit log with the {actor} id and a timestamp",
    "return the {thing} list sorted by creation date in descending order",
    "keep the previous version of the {thing} for 30 days",
    "respond within 200 milliseconds for 95% of requests",
    "mark the {thing} as archived",
)


@dataclass(frozen=True, slots=True)
class Timing:
    label: str
    runs: int
    best: float
    median: float
    target: float


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="specloom-bench-"))
    try:
        started = time.perf_counter()
        stats = generate_workspace(scratch, args.specs, random.Random(args.seed))
        generated_in = time.perf_counter() - started
        print(f"workspace: {scratch} ({args.specs} specs, {stats['criteria']} criteria, "
              f"{stats['files']} files, {stats['bytes'] / 2**20:.1f} MB; "
              f"generated in {generated_in:.1f} s)")
        command = specloom_command()
        describe_check_output(command, scratch)
        timings = [
            time_process("check --format json", [*command, "--root", str(scratch), "check",
                                                 "--format", "json"], args.runs, CHECK_TARGET_S),
            time_process("--version", [*command, "--version"], args.version_runs,
                         VERSION_TARGET_S),
        ]
        print_table(timings)
        if args.profile:
            print_profile(scratch, args.profile_lines)
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--specs", type=int, default=1000, help="specs to generate (1000)")
    parser.add_argument("--runs", type=int, default=5, help="timed check runs (5)")
    parser.add_argument("--version-runs", type=int, default=20, help="timed --version runs (20)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed for the wording")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one in-process check (cProfile, by cumulative time)")
    parser.add_argument("--profile-lines", type=int, default=30, help="profile rows to print")
    parser.add_argument("--keep", action="store_true", help="keep the generated workspace")
    return parser.parse_args(argv)


# Generating the workspace.

def generate_workspace(root: Path, spec_count: int, rng: random.Random) -> dict[str, int]:
    specs_dir = root / ".kiro" / "specs"
    specs_dir.mkdir(parents=True, exist_ok=True)
    stats = {"criteria": 0, "files": 0, "bytes": 0}
    for index in range(spec_count):
        thing = THINGS[index % len(THINGS)]
        folder = specs_dir / f"{thing}-feature-{index:04d}"
        folder.mkdir(parents=True)
        documents = spec_documents(thing, index, rng)
        for name, text in documents.items():
            data = text.encode("utf-8")
            (folder / name).write_bytes(data)
            stats["files"] += 1
            stats["bytes"] += len(data)
        stats["criteria"] += REQUIREMENTS_PER_SPEC * CRITERIA_PER_REQUIREMENT
    return stats


def spec_documents(thing: str, index: int, rng: random.Random) -> dict[str, str]:
    systems = rng.sample([f"{thing.capitalize()}_{c}" for c in COMPONENTS], 3)
    requirements = [requirement_draft(number, thing, systems, rng)
                    for number in range(1, REQUIREMENTS_PER_SPEC + 1)]
    config = {"specId": f"00000000-0000-4000-8000-{index:012d}",
              "workflowType": "requirements-first", "specType": "feature"}
    return {
        "requirements.md": render_requirements(
            "", f"Customers manage their {thing}s online; this feature covers creating, "
                f"changing and archiving {with_article(thing)}.",
            [(name, f"the component that handles {thing} {name.split('_')[1].lower()} work.")
             for name in systems],
            requirements),
        "design.md": render_design(
            f"A small service that owns {thing} records.", design_sections(thing, systems),
            property_drafts(thing, rng)),
        "tasks.md": render_tasks(task_drafts(thing, rng)),
        ".config.kiro": json.dumps(config, indent=2) + "\n",
    }


def requirement_draft(number: int, thing: str, systems: list[str],
                      rng: random.Random) -> RequirementDraft:
    actor = rng.choice(ACTORS)
    criteria = [ears_criterion(pattern, thing, actor, rng.choice(systems), rng)
                for pattern in rng.sample(("event", "state", "unwanted", "optional",
                                           "ubiquitous", "complex"), CRITERIA_PER_REQUIREMENT)]
    return RequirementDraft(
        title=f"{rng.choice(('Create', 'Change', 'Archive', 'List', 'Audit'))} "
              f"{with_article(thing)} ({number})",
        user_story=f"As {with_article(actor)}, I want to manage my {thing}s, so that my "
                   f"records stay accurate.",
        criteria=criteria,
    )


def ears_criterion(pattern: str, thing: str, actor: str, system: str,
                   rng: random.Random) -> str:
    def fill(template: str) -> str:
        return template.format(thing=thing, Thing=thing.capitalize(), actor=actor,
                               a_thing=with_article(thing), an_actor=with_article(actor))

    response = f"THE {system} SHALL {fill(rng.choice(RESPONSES))}."
    if pattern == "event":
        return f"WHEN {fill(rng.choice(TRIGGERS))}, {response}"
    if pattern == "state":
        return f"WHILE {fill(rng.choice(STATES))}, {response}"
    if pattern == "unwanted":
        return f"IF {fill(rng.choice(CONDITIONS))}, THEN {response}"
    if pattern == "optional":
        return f"WHERE {fill(rng.choice(FEATURES))}, {response}"
    if pattern == "complex":
        return (f"WHERE {fill(rng.choice(FEATURES))}, WHEN {fill(rng.choice(TRIGGERS))}, "
                f"{response}")
    return response


def with_article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def design_sections(thing: str, systems: list[str]) -> dict[str, str]:
    first, second, third = systems
    return {
        "Architecture": (f"Requests reach the {first}, which uses the {second} and the "
                         f"{third}.\n\n```mermaid\ngraph TD\n  {first} --> {second}\n"
                         f"  {first} --> {third}\n```"),
        "Components and Interfaces": (f"- `{first}.handle(request)` validates and routes.\n"
                                      f"- `{second}.save({thing})` persists a {thing}."),
        "Data Models": f"`{thing.capitalize()}`: id, owner, status, created_at, updated_at.",
        "Correctness Properties": "Each property becomes one property-based test.",
        "Error Handling": "Validation errors return 400 with a message; storage errors 503.",
        "Testing Strategy": "Unit tests per component and Hypothesis tests per property.",
    }


def property_drafts(thing: str, rng: random.Random) -> list[PropertyDraft]:
    return [
        PropertyDraft(f"{thing.capitalize()} round trip",
                      f"*For any* valid {thing}, saving then loading it returns an equal {thing}.",
                      random_citations(rng, 2)),
        PropertyDraft("Audit completeness",
                      f"*For any* sequence of changes, every {thing} change has one audit entry.",
                      random_citations(rng, 1)),
        PropertyDraft("Rejected requests change nothing",
                      f"*For any* invalid request, the stored {thing}s are unchanged.",
                      random_citations(rng, 3)),
    ]


def random_citations(rng: random.Random, count: int) -> list[str]:
    ids = {f"{rng.randint(1, REQUIREMENTS_PER_SPEC)}.{rng.randint(1, CRITERIA_PER_REQUIREMENT)}"
           for _ in range(count)}
    return sorted(ids)


def task_drafts(thing: str, rng: random.Random) -> list[TaskDraft]:
    """Five tasks of two requirements each (every criterion cited), then a checkpoint."""
    tasks = []
    for group in range(REQUIREMENTS_PER_SPEC // 2):
        numbers = (2 * group + 1, 2 * group + 2)
        subtasks = [
            TaskDraft(f"Implement requirement {n} for the {thing}", rng.choice(list(TaskStatus)),
                      requirements=[f"{n}.{m}" for m in range(1, CRITERIA_PER_REQUIREMENT + 1)],
                      details=[f"Add the handler and its unit tests for requirement {n}"])
            for n in numbers
        ]
        subtasks.append(TaskDraft(f"Write property test {group % 3 + 1}", optional=True,
                                  details=[f"**Property {group % 3 + 1}**",
                                           f"**Validates: Requirements {numbers[0]}.1**"]))
        tasks.append(TaskDraft(f"Build {thing} slice {group + 1}", subtasks=subtasks,
                               parallel=group > 0))
    tasks.append(TaskDraft("Checkpoint - make sure all tests pass"))
    return tasks


# Timing whole processes.

def specloom_command() -> list[str]:
    script = Path(sys.executable).parent / "specloom"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "specloom.cli.main"]


def describe_check_output(command: list[str], root: Path) -> None:
    """One untimed run (warms caches) that says what the check found."""
    done = subprocess.run([*command, "--root", str(root), "check", "--format", "json"],
                          capture_output=True, text=True, check=False)
    try:
        summary = json.loads(done.stdout)["summary"]
        print(f"check: exit {done.returncode}, {summary.get('errors')} errors, "
              f"{summary.get('warnings')} warnings, {summary.get('info')} info "
              f"over {summary.get('files')} files")
    except (ValueError, KeyError, TypeError):
        first_error = (done.stderr.strip().splitlines() or ["no output"])[0]
        print(f"check: exit {done.returncode}, unreadable JSON ({first_error})")


def time_process(label: str, command: list[str], runs: int, target: float) -> Timing:
    durations = []
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        durations.append(time.perf_counter() - started)
    return Timing(label, len(durations), min(durations), statistics.median(durations), target)


def print_table(timings: list[Timing]) -> None:
    print()
    print(f"{'process':<24} {'runs':>4} {'best':>10} {'median':>10} {'target':>10}  verdict")
    for timing in timings:
        verdict = "ok" if timing.median <= timing.target else "OVER TARGET"
        print(f"{timing.label:<24} {timing.runs:>4} {format_seconds(timing.best):>10} "
              f"{format_seconds(timing.median):>10} {'<= ' + format_seconds(timing.target):>10}"
              f"  {verdict}")


def format_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def print_profile(root: Path, lines: int) -> None:
    from specloom.quality.check import check_workspace
    from specloom.quality.render.json_report import render_json
    from specloom.spec.workspace import Workspace

    profiler = cProfile.Profile()
    profiler.enable()
    render_json(check_workspace(Workspace(root)))
    profiler.disable()
    report = io.StringIO()
    pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(lines)
    print("\nin-process profile of one check (cumulative time):")
    print(report.getvalue())


if __name__ == "__main__":
    sys.exit(main())
