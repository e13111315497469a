"""`specloom checkpoint list|diff|restore|create`, `specloom hook list|run` and `specloom watch`.

Thin adapters over specloom.agent: parse arguments, call the library, print. Library imports
stay inside the handlers so that start-up stays fast.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from specloom.cli.common import add_json_flag, print_json, workspace_from
from specloom.cli.errors import EXIT_FINDINGS, EXIT_OK, CliError


def register(commands: Any) -> None:
    _register_checkpoint(commands)
    _register_hook(commands)
    watch = commands.add_parser(
        "watch", help="run file hooks when files change (edits by people or other tools)",
        description="Watch the workspace and run fileEdited, fileCreated and fileDeleted hooks. "
                    "Stops on Ctrl-C or after --duration seconds.")
    watch.add_argument("--duration", type=float, metavar="SECONDS",
                       help="stop after this many seconds (default: run until Ctrl-C)")
    watch.set_defaults(handler=run_watch)


def _register_checkpoint(commands: Any) -> None:
    checkpoint = commands.add_parser(
        "checkpoint", help="list, diff and restore snapshots of the working tree",
        description="Checkpoints live in a shadow git repository under .kiro/specloom/; your own "
                    "git index, branches and stash are never touched.")
    sub = checkpoint.add_subparsers(dest="checkpoint_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="list checkpoints, newest first")
    add_json_flag(listing)
    listing.set_defaults(handler=run_checkpoint_list)
    diff = sub.add_parser("diff", help="show what changed since a checkpoint")
    diff.add_argument("checkpoint_id", metavar="ID")
    diff.set_defaults(handler=run_checkpoint_diff)
    restore = sub.add_parser("restore", help="put the working tree back to a checkpoint",
                             description="Takes a safety checkpoint of the current state first, "
                                         "so a restore can itself be undone.")
    restore.add_argument("checkpoint_id", metavar="ID")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_json_flag(restore)
    restore.set_defaults(handler=run_checkpoint_restore)
    create = sub.add_parser("create", help="take a checkpoint now")
    create.add_argument("label", nargs="?", default="manual checkpoint")
    add_json_flag(create)
    create.set_defaults(handler=run_checkpoint_create)


def _register_hook(commands: Any) -> None:
    hook = commands.add_parser("hook", help="list hooks or run one by name")
    sub = hook.add_subparsers(dest="hook_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="each hook, its trigger and whether it is enabled")
    add_json_flag(listing)
    listing.set_defaults(handler=run_hook_list)
    run = sub.add_parser("run", help="run a hook now (userTriggered hooks are meant for this)")
    run.add_argument("name", metavar="NAME")
    run.add_argument("--file", help="value for SPECLOOM_FILE")
    run.add_argument("--prompt", help="value for USER_PROMPT")
    add_json_flag(run)
    run.set_defaults(handler=run_hook_run)


def _store(args: argparse.Namespace) -> Any:
    from specloom.agent.checkpoints import CheckpointStore

    return CheckpointStore(workspace_from(args))


def _row(checkpoint: Any) -> dict[str, Any]:
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(checkpoint.created))
    return {"id": checkpoint.id, "label": checkpoint.label, "created": created,
            "files": checkpoint.files}


def run_checkpoint_list(args: argparse.Namespace) -> int:
    rows = [_row(c) for c in _store(args).list()]
    if args.json:
        print_json({"checkpoints": rows})
    elif not rows:
        print("No checkpoints yet.")
    for row in [] if args.json else rows:
        print(f"{row['id']}  {row['created']}  {row['files']:>6} files  {row['label']}")
    return EXIT_OK


def run_checkpoint_diff(args: argparse.Namespace) -> int:
    sys.stdout.write(_store(args).diff(args.checkpoint_id))
    return EXIT_OK


def run_checkpoint_restore(args: argparse.Namespace) -> int:
    store = _store(args)
    changed = store.changed_files(args.checkpoint_id)
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError(f"restoring {args.checkpoint_id} would change {len(changed)} file(s); "
                           "pass --yes to confirm (a safety checkpoint is taken first)")
        print("\n".join(f"  {p}" for p in changed) or "  (no differences)")
        if input(f"Restore {args.checkpoint_id}? [y/N] ").strip().lower() not in ("y", "yes"):
            print("Nothing changed.")
            return EXIT_OK
    safety = store.restore(args.checkpoint_id)
    if args.json:
        print_json({"restored": args.checkpoint_id, "safety": _row(safety), "changed": changed})
    else:
        print(f"Restored {args.checkpoint_id} ({len(changed)} file(s) changed). "
              f"Undo with: specloom checkpoint restore {safety.id}")
    return EXIT_OK


def run_checkpoint_create(args: argparse.Namespace) -> int:
    checkpoint = _store(args).snapshot(args.label)
    if args.json:
        print_json(_row(checkpoint))
    else:
        print(f"{checkpoint.id}  {checkpoint.files} files  {checkpoint.label}")
    return EXIT_OK


def _hooks(args: argparse.Namespace) -> tuple[Any, list[Any], list[Any]]:
    from specloom.agent.hooks import load_hooks

    workspace = workspace_from(args)
    hooks, problems = load_hooks(workspace)
    return workspace, hooks, problems


def _problem_line(problem: Any) -> str:
    return (f"{problem.path}:{problem.line}:{problem.column}: {problem.code} "
            f"{problem.severity.label}: {problem.message}")


def run_hook_list(args: argparse.Namespace) -> int:
    from specloom.core.rule import Severity
    from specloom.quality.registry import diagnostics_json

    _, hooks, problems = _hooks(args)
    failed = any(p.severity >= Severity.ERROR for p in problems)
    if args.json:
        print_json({
            "hooks": [{"name": h.name, "event": h.event, "trigger": h.trigger, "action": h.action,
                       "enabled": h.enabled, "source": h.source, "line": h.line,
                       "command": h.command or None, "prompt": h.prompt or None} for h in hooks],
            "problems": diagnostics_json(problems)})
        return EXIT_FINDINGS if failed else EXIT_OK
    if not hooks:
        print("No hooks in .kiro/hooks/.")
    for hook in hooks:
        state = "enabled " if hook.enabled else "disabled"
        what = f"run: {hook.command}" if hook.action == "command" else "ask agent"
        print(f"{hook.name}  [{state}]  {hook.trigger}  {what}  ({hook.source}:{hook.line})")
    for problem in problems:
        print(_problem_line(problem), file=sys.stderr)
    return EXIT_FINDINGS if failed else EXIT_OK


def run_hook_run(args: argparse.Namespace) -> int:
    from specloom.agent.hooks import HookDispatcher, HookEvent

    workspace, hooks, problems = _hooks(args)
    chosen = [h for h in hooks if h.name == args.name]
    if not chosen:
        names = ", ".join(sorted({h.name for h in hooks})) or "none"
        broken = sorted({p.path for p in problems})
        note = (f"; {len(broken)} hook file(s) could not be loaded ({', '.join(broken)}): run "
                "'specloom hook list' to see why") if broken else ""
        raise CliError(f"no hook named {args.name!r}; hooks: {names}{note}")
    event = HookEvent("userTriggered", file_path=args.file, prompt=args.prompt)
    outcome = HookDispatcher(workspace, hooks).run_hook(chosen[0], event)
    if args.json:
        print_json({"hook": args.name, "context": outcome.context, "errors": outcome.errors,
                    "agent_prompts": outcome.agent_prompts})
    else:
        for text in outcome.context:
            print(text)
        for prompt in outcome.agent_prompts:
            print(f"agent turn requested: {prompt}")
        for error in outcome.errors:
            print(error, file=sys.stderr)
    return EXIT_FINDINGS if outcome.errors else EXIT_OK


def run_watch(args: argparse.Namespace) -> int:
    from specloom.agent.hooks import HookDispatcher
    from specloom.agent.watch import HookWatcher

    workspace, hooks, problems = _hooks(args)
    for problem in problems:
        print(_problem_line(problem), file=sys.stderr)
    watcher = HookWatcher(workspace, HookDispatcher(workspace, hooks), on_outcome=_print_outcome)
    print(f"Watching {workspace.root} ({len(hooks)} hook(s)); Ctrl-C to stop.", flush=True)
    watcher.start()
    try:
        deadline = None if args.duration is None else time.monotonic() + args.duration
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.1 if deadline is None else min(0.1, max(0.0, deadline - time.monotonic())))
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
    return EXIT_OK


def _print_outcome(event: Any, outcome: Any) -> None:
    if not outcome.ran:
        return
    print(f"{event.kind} {event.file_path}: ran {', '.join(outcome.ran)}", flush=True)
    for text in outcome.context:
        print(text, flush=True)
    for error in outcome.errors:
        print(error, file=sys.stderr, flush=True)
