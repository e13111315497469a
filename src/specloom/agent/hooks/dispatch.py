"""Run the hooks that match an event: commands as subprocesses, askAgent as turn requests.

Commands run through bash at the workspace root inside the OS sandbox (see
`specloom.agent.os_sandbox`; its settings are read once, when the dispatcher is made) with a
timeout and the event in the environment (SPECLOOM_HOOK_EVENT, SPECLOOM_FILE, SPECLOOM_TOOL,
USER_PROMPT, SPECLOOM_TASK).
Exit 0 puts stdout in the agent's context, another exit reports stderr; a failing preToolUse
hook blocks the tool call. This module never starts an agent turn itself: it returns prompts
for the runner.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from specloom.agent.hooks.model import Hook, HookEvent, HookOutcome
from specloom.agent.os_sandbox import SandboxConfig, SandboxSettingsError
from specloom.agent.process import run_shell
from specloom.core.redact import Redactor
from specloom.spec.workspace import Workspace

MAX_HOOK_OUTPUT = 20_000


class HookDispatcher:
    def __init__(self, workspace: Workspace, hooks: Sequence[Hook], *,
                 redactor: Callable[[str], str] | None = None,
                 sandbox: SandboxConfig | None = None) -> None:
        self.workspace = workspace
        self.hooks = tuple(hooks)
        self.redact = redactor or Redactor.from_environment(root=workspace.root)
        self.sandbox = sandbox if sandbox is not None else _sandbox_settings(workspace)

    def matching(self, event: HookEvent) -> list[Hook]:
        return [hook for hook in self.hooks if hook.matches(event)]

    def dispatch(self, event: HookEvent) -> HookOutcome:
        """Run every enabled hook matching `event`, in load order."""
        outcome = HookOutcome()
        for hook in self.matching(event):
            outcome.merge(self.run_hook(hook, event))
        return outcome

    def run_hook(self, hook: Hook, event: HookEvent) -> HookOutcome:
        """Run one hook for `event`, whatever its trigger (used by `specloom hook run`)."""
        outcome = HookOutcome(ran=[hook.name])
        if hook.action == "agent":
            outcome.agent_prompts.append(hook.prompt)
            return outcome
        code, stdout, stderr = self._run(hook, event)
        if code == 0:
            if stdout.strip():
                outcome.context.append(f"hook {hook.name!r} output:\n{stdout.rstrip()}")
            return outcome
        reason = f"timed out after {hook.timeout:g} s" if code is None else f"exit {code}"
        detail = stderr.strip() or stdout.strip() or "(no output)"
        outcome.errors.append(f"hook {hook.name!r} failed ({reason}):\n{detail}")
        outcome.blocked = event.kind == "preToolUse"
        return outcome

    def _run(self, hook: Hook, event: HookEvent) -> tuple[int | None, str, str]:
        env = dict(os.environ)
        env.update(hook_environment(event))
        done = run_shell(hook.command, self.workspace.root, hook.timeout, self.sandbox, env=env,
                         separate_stderr=True)
        return done.code, self._text(done.output), self._text(done.errors)

    def _text(self, data: bytes) -> str:
        text = data.decode("utf-8", "replace")
        if len(text) > MAX_HOOK_OUTPUT:
            text = text[:MAX_HOOK_OUTPUT] + f"\n[output truncated at {MAX_HOOK_OUTPUT} characters]"
        return self.redact(text)


def _sandbox_settings(workspace: Workspace) -> SandboxConfig:
    """The project's sandbox settings; invalid ones fall back to the strictest (on, no network)."""
    try:
        return SandboxConfig.from_workspace(workspace.root)
    except SandboxSettingsError:
        return SandboxConfig()


def hook_environment(event: HookEvent) -> dict[str, str]:
    env = {"SPECLOOM_HOOK_EVENT": event.kind}
    if event.file_path:
        env["SPECLOOM_FILE"] = event.file_path
    if event.tool_name:
        env["SPECLOOM_TOOL"] = event.tool_name
    if event.prompt is not None:
        env["USER_PROMPT"] = event.prompt
    if event.task:
        env["SPECLOOM_TASK"] = event.task
    return env

