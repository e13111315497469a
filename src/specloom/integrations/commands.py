"""The `/spec-*` commands every agent gets, as agent-neutral text.

Each command tells the agent to use specloom's MCP tools when the `specloom` server is
connected and the CLI otherwise; `{args}` stands for the agent's own argument placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str
    hint: str
    body: str


COMMANDS: tuple[Command, ...] = (
    Command("spec-new", "Start a new Kiro spec with specloom: requirements in EARS",
            "<feature idea>",
            "Create a new spec for: {args}\n\n"
            "1. Pick a kebab-case name; the spec lives in `.kiro/specs/<name>/`.\n"
            "2. Get the writing instructions from the MCP prompt `spec-requirements` of the "
            "`specloom` server (or read `.kiro/steering/`), then write `requirements.md`.\n"
            "3. Run the `check` tool (or `specloom check <name>`) and fix every error.\n"
            "4. Stop and ask me to review the requirements."),
    Command("spec-design", "Write design.md for a spec and check it", "<spec name>",
            "Write the design for spec {args}.\n\n"
            "1. Read its requirements with `read_spec_document` (or the file).\n"
            "2. Use the MCP prompt `spec-design`, write `design.md` with correctness "
            "properties that cite criteria (`**Validates: Requirements X.Y**`).\n"
            "3. Run `check` (or `specloom check {args}`) and fix every error; then ask me to "
            "review."),
    Command("spec-tasks", "Write tasks.md for a spec and check it", "<spec name>",
            "Write the implementation plan for spec {args}.\n\n"
            "1. Use the MCP prompt `spec-tasks`; every task cites `_Requirements: X.Y_`.\n"
            "2. Run `check` (or `specloom check {args}`) until it reports no errors, and "
            "`trace` to see that every criterion has a task."),
    Command("spec-run", "Implement the next task of a spec", "<spec name> [task id]",
            "Implement the next task of spec {args}.\n\n"
            "1. Call `next_task` (or `specloom show <spec>`): it gives the task, the text of "
            "the criteria it cites, the design and the steering for its files.\n"
            "2. Call `set_task_status` with `in-progress` (or `specloom task <spec> <id> "
            "--status in-progress`).\n"
            "3. Implement it, with tests tagged `@pytest.mark.req(\"<spec>\", \"X.Y\")`.\n"
            "4. Call `set_task_status` with `done`: specloom refuses unless every criterion "
            "the task cites has linked tests that pass; if refused, the message names each "
            "criterion (link a test to it, or fix the code) and you try again. Never tick "
            "the box by hand."),
    Command("spec-verify", "Verify a spec: run the linked tests per criterion", "[spec name]",
            "Verify spec {args}.\n\n"
            "Call `verify` (or run `specloom verify {args}`) and report, per acceptance "
            "criterion, verified, failing, untested or stale; for each failing one, show the "
            "test and the counterexample, and propose a fix."),
)
