"""Kiro hooks: loading both file formats, matching events, running their actions.

`load_hooks` reads `.kiro/hooks/*.kiro.hook` and `.kiro/hooks/*.json` into `Hook`s and
diagnostics; `HookDispatcher.dispatch` runs the hooks that match a `HookEvent`. The agent never
writes hook files (the sandbox refuses `.kiro/hooks/`).
"""

from specloom.agent.hooks.dispatch import HookDispatcher
from specloom.agent.hooks.loader import load_hooks
from specloom.agent.hooks.model import EVENTS, TOOL_TYPES, Hook, HookEvent, HookOutcome

__all__ = ["EVENTS", "TOOL_TYPES", "Hook", "HookDispatcher", "HookEvent", "HookOutcome",
           "load_hooks"]
