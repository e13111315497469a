"""`specloom steering show` (which steering is included and why) and `specloom init`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specloom.cli.common import add_json_flag, print_json, workspace_from
from specloom.cli.errors import EXIT_FINDINGS, EXIT_OK, CliError
from specloom.cli.mcp_cmds import AGENTS

if TYPE_CHECKING:
    from specloom.context.steering import SteeringSelection
    from specloom.integrations.agents import WriteResult
    from specloom.project.init import InitOutcome, SteeringProse
    from specloom.project.scan import RepoFacts
    from specloom.spec.workspace import Workspace


def register(commands: Any) -> None:
    steering = commands.add_parser("steering", help="inspect steering files",
                                   description="Inspect the steering files agents receive.")
    actions = steering.add_subparsers(dest="steering_command", metavar="SUBCOMMAND",
                                      required=True)
    show = actions.add_parser(
        "show", help="which steering files would be included, why, and their token cost",
        description="Show which steering files would be included for the given files and "
                    "prompt, why (mode and matching pattern, mention or description words), "
                    "which are excluded and why, and an estimate of their tokens "
                    "(characters/4, rounded up).")
    show.add_argument("--for", dest="for_paths", metavar="PATH", action="append", default=[],
                      help="a file in the agent's context (repeatable); drives fileMatch")
    show.add_argument("--prompt", default="", metavar="TEXT",
                      help="the request text; drives auto and #name mentions")
    add_json_flag(show)
    show.set_defaults(handler=run_steering_show)

    init = commands.add_parser(
        "init", help="create .kiro/ and write product.md, tech.md and structure.md steering",
        description="Scan the repository (languages, manifests, commands, layout) and write "
                    ".kiro/steering/product.md, tech.md and structure.md, with a model-written "
                    "overview when a model is configured. Files you edited are never "
                    "overwritten without --force: specloom shows the diff instead. With "
                    "--agent, also write that agent's /spec-* commands and MCP entry (as "
                    "'specloom agents install'). The folder is --root, or the current folder.",
        epilog="Exit codes: 0 all files written or already up to date, 1 a file was left "
               "alone because you edited it (see the diff), 2 usage error.")
    init.add_argument("--no-llm", action="store_true", help="write the scanned facts only")
    init.add_argument("--force", action="store_true",
                      help="overwrite steering files even if you edited them")
    init.add_argument("--model", metavar="M", help="model to write the overview with")
    init.add_argument("--replay", metavar="RUN", help="replay the model calls of a recorded run")
    init.add_argument("--agent", dest="agents", action="append", default=[], choices=AGENTS,
                      metavar="NAME",
                      help="also write this agent's command files and MCP entry (repeatable; "
                           f"{', '.join(AGENTS)}); files you changed are kept, never "
                           "overwritten (--force does not apply to them)")
    add_json_flag(init)
    init.set_defaults(handler=run_init)


# -- steering show --------------------------------------------------------------------------

def run_steering_show(args: argparse.Namespace) -> int:
    from specloom.context.steering import select_steering

    workspace = workspace_from(args)
    paths = [_context_path(workspace, raw) for raw in args.for_paths]
    selection = select_steering(workspace, paths=paths, prompt=args.prompt)
    if args.json:
        print_json(_selection_json(workspace, paths, args.prompt, selection))
    else:
        _print_selection(paths, args.prompt, selection)
    return EXIT_OK


def _context_path(workspace: Workspace, raw: str) -> str:
    """A --for PATH as a workspace-relative path (from the current folder if it exists there)."""
    candidate = Path(raw)
    if not candidate.is_absolute() and (Path.cwd() / candidate).exists():
        candidate = Path.cwd() / candidate
    if candidate.is_absolute():
        resolved = candidate.resolve()
        if resolved.is_relative_to(workspace.root):
            return resolved.relative_to(workspace.root).as_posix()
    return raw.replace("\\", "/").removeprefix("./")


def _selection_json(workspace: Workspace, paths: list[str], prompt: str,
                    selection: SteeringSelection) -> dict[str, Any]:
    from specloom.context.tokens import ESTIMATE_METHOD
    from specloom.quality.registry import diagnostics_json

    def describe(file: Any) -> dict[str, Any]:
        return {"name": file.name, "path": file.display_path, "scope": file.scope,
                "inclusion": file.inclusion, "patterns": list(file.patterns),
                "description": file.description}

    return {
        "root": str(workspace.root), "paths": paths, "prompt": prompt,
        "token_estimate": ESTIMATE_METHOD,
        "total_tokens": sum(item.tokens for item in selection.included),
        "included": [{**describe(item.file), "reason": item.reason, "tokens": item.tokens}
                     for item in selection.included],
        "excluded": [{**describe(file), "reason": reason, "tokens": tokens}
                     for (file, reason), tokens
                     in zip(selection.excluded, selection.excluded_tokens, strict=True)],
        "problems": diagnostics_json(selection.problems),
    }


def _print_selection(paths: list[str], prompt: str, selection: SteeringSelection) -> None:
    from specloom.context.tokens import ESTIMATE_METHOD

    print(f"Files in context: {', '.join(paths) if paths else '(none)'}")
    print(f"Prompt: {prompt!r}" if prompt else "Prompt: (none)")
    total = sum(item.tokens for item in selection.included)
    rows = [(i.file.display_path, f"{i.tokens} tokens", i.reason) for i in selection.included]
    print(f"\nIncluded: {len(rows)} file(s), {total} tokens")
    _print_rows(rows)
    skipped = [(f.display_path, f"({t} tokens)", why)
               for (f, why), t in zip(selection.excluded, selection.excluded_tokens, strict=True)]
    print(f"\nExcluded: {len(skipped)} file(s)")
    _print_rows(skipped)
    if selection.problems:
        print(f"\nProblems: {len(selection.problems)}")
        for p in selection.problems:
            print(f"  {p.path}:{p.line}:{p.column}: {p.severity.label} {p.code} {p.message}")
    print(f"\nTokens are estimated as {ESTIMATE_METHOD}.")


def _print_rows(rows: list[tuple[str, str, str]]) -> None:
    if not rows:
        print("  (none)")
        return
    path_width = max(len(r[0]) for r in rows)
    cost_width = max(len(r[1]) for r in rows)
    for path, cost, why in rows:
        print(f"  {path:<{path_width}}  {cost:>{cost_width}}  {why}")


# -- init -----------------------------------------------------------------------------------

def run_init(args: argparse.Namespace) -> int:
    from specloom.project.init import apply_init, render_steering_files
    from specloom.project.scan import scan_repository

    root = _init_root(args.root)
    facts = scan_repository(root)
    notes: list[str] = []
    prose, usage = (None, None) if args.no_llm else _model_prose(args, root, facts, notes)
    outcomes = apply_init(root, render_steering_files(facts, prose), force=args.force)
    conflicts = [o for o in outcomes if o.plan.action == "conflict" and not o.written]
    agent_files = _install_agents(root, getattr(args, "agents", None) or [])
    kept = [r for r in agent_files if r.action == "kept"]
    if args.json:
        data = _init_json(root, outcomes, notes, prose is not None, usage)
        data["agent_files"] = [{"path": r.path, "action": r.action, "diff": r.diff}
                               for r in agent_files]
        print_json(data)
    else:
        _print_init(outcomes, notes, usage)
        _print_agent_files(agent_files)
    return EXIT_FINDINGS if conflicts or kept else EXIT_OK


def _init_root(raw: str | None) -> Path:
    """`--root`, else the nearest folder above with `.kiro/` within this repository, else the
    repository root; a new `.kiro/` is announced so the user knows where their steering went."""
    from specloom.spec.workspace import workspace_home

    if raw is not None:
        root = Path(raw).expanduser().resolve()
        if not root.is_dir():
            raise CliError(f"--root {raw}: no such folder")
        return root
    root, found = workspace_home(Path.cwd().resolve())
    if not found:
        print(f"specloom: creating .kiro/ in {root} (the repository root)", file=sys.stderr)
    return root


def _install_agents(root: Path, agents: list[str]) -> list[WriteResult]:
    """`specloom agents install AGENTS...` after the steering files (none: nothing)."""
    if not agents:
        return []
    from specloom.integrations.agents import install_agent_files
    from specloom.spec.workspace import Workspace

    return install_agent_files(Workspace(root), list(dict.fromkeys(agents)))


def _print_agent_files(results: list[WriteResult]) -> None:
    for result in results:
        print(f"{result.action:<9} {result.path}")
        if result.diff:
            print(result.diff.rstrip())
    if any(r.action == "kept" for r in results):
        print("          kept: you changed these since specloom wrote them (or wrote them "
              "yourself); merge what you want from the diff")


EMBEDDED_MODEL_NOTE = (
    "the embedded model (Gemma 3 270M) is too small to write steering prose (it copies the "
    "prompt's instructions), so init did not ask it and wrote the facts only; for a written "
    "overview use a real model: 'specloom init --model anthropic:<model>' (or openai:<model>, "
    "google:<model>, ollama:<model>, ...), or set `model` in the configuration")


def _names_embedded_model(root: Path, args: argparse.Namespace) -> bool:
    """Whether init would run the embedded model (a replay says so only once it is open)."""
    if args.replay:
        return False
    from specloom.models import config
    from specloom.models.errors import ModelConfigError

    try:
        return bool(config.resolve_model(root, args.model).spec.provider == config.LOCAL)
    except ModelConfigError:
        return False  # open_model_session reports it


def _model_prose(args: argparse.Namespace, root: Path, facts: RepoFacts,
                 notes: list[str]) -> tuple[SteeringProse | None, str | None]:
    """The model's overview and the usage line, or None for the overview with a note saying
    why not: no model, the embedded model (never asked), a failed call, or prose that
    `review_prose` refused."""
    from specloom.models.errors import ModelCallError, ModelConfigError
    from specloom.models.session import open_model_session
    from specloom.project.init import review_prose, write_prose
    from specloom.spec.workspace import Workspace

    if _names_embedded_model(root, args):  # decided before a session imports pydantic-ai
        notes.append(EMBEDDED_MODEL_NOTE)
        return None, None
    try:
        session = open_model_session(Workspace(root), model=args.model, replay=args.replay,
                                     command="init")
    except ModelConfigError as exc:
        notes.append(f"{exc}")
        notes.append("continuing with the facts only (no model-written overview)")
        return None, None
    if session.is_local:  # a replayed run of the embedded model
        session.close()
        notes.append(EMBEDDED_MODEL_NOTE)
        return None, None
    from pydantic_ai.exceptions import AgentRunError

    try:
        review = review_prose(write_prose(session.model, facts), facts)
    except (ModelCallError, AgentRunError, OSError) as exc:
        notes.append(f"the model call failed ({exc}); wrote the facts only")
        return None, str(session.usage_line())
    finally:
        session.close()
    if review.refusal is not None:
        notes.append(review.refusal)
    return review.prose, str(session.usage_line())


def _init_json(root: Path, outcomes: list[InitOutcome], notes: list[str], prose: bool,
               usage: str | None) -> dict[str, Any]:
    return {
        "root": str(root), "model_prose": prose, "usage": usage, "notes": notes,
        "files": [{"path": o.plan.path, "action": o.plan.action, "written": o.written,
                   "diff": o.plan.diff} for o in outcomes],
    }


def _print_init(outcomes: list[InitOutcome], notes: list[str], usage: str | None) -> None:
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for outcome in outcomes:
        plan = outcome.plan
        if plan.action == "conflict" and not outcome.written:
            print(f"kept      {plan.path}: you edited it (or specloom did not write it); "
                  "specloom would change it like this:")
            sys.stdout.write(plan.diff if plan.diff.endswith("\n") else plan.diff + "\n")
            print("          to apply: run 'specloom init --force' (replaces your version), "
                  "or copy the lines you want from the diff")
            continue
        verb = {"create": "created", "update": "updated", "unchanged": "unchanged",
                "conflict": "overwrote"}[plan.action]
        print(f"{verb:<9} {plan.path}")
    if usage:
        print(usage)
