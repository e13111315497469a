"""Hook data: what a hook listens for, what it does, the events and the outcome of a dispatch.

Plain frozen data and matching logic only; no file reading and no processes here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

EVENTS = (
    "promptSubmit", "agentStop", "preToolUse", "postToolUse", "fileEdited", "fileCreated",
    "fileDeleted", "preTaskExecution", "postTaskExecution", "userTriggered",
)
FILE_EVENTS = ("fileEdited", "fileCreated", "fileDeleted")
TOOL_EVENTS = ("preToolUse", "postToolUse")
TOOL_TYPES = ("read", "write", "shell", "mcp", "*")
DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class Hook:
    """One hook from either file format. `action` is "command" or "agent"."""

    name: str
    event: str
    action: str
    source: str
    line: int = 1
    command: str = ""
    prompt: str = ""
    timeout: float = DEFAULT_TIMEOUT
    enabled: bool = True
    description: str = ""
    patterns: tuple[str, ...] = ()
    tool_types: tuple[str, ...] = ()
    matcher: str | None = None

    @property
    def trigger(self) -> str:
        """A short human description of when the hook fires."""
        detail = ", ".join(self.patterns or self.tool_types)
        if self.matcher is not None:
            detail = f"/{self.matcher}/"
        return f"{self.event} ({detail})" if detail else self.event

    def matches(self, event: HookEvent) -> bool:
        if not self.enabled or event.kind != self.event:
            return False
        if event.kind in TOOL_EVENTS:
            return self._matches_tool(event)
        if event.kind in FILE_EVENTS:
            return self._matches_file(event.file_path or "")
        return True

    def _matches_tool(self, event: HookEvent) -> bool:
        if self.matcher is not None:
            subjects = (event.tool_name or "", event.tool_type or "")
            return any(re.search(self.matcher, s) for s in subjects if s)
        types = self.tool_types or ("*",)
        return "*" in types or (event.tool_type or "") in types

    def _matches_file(self, path: str) -> bool:
        if self.matcher is not None:
            return re.search(self.matcher, path) is not None
        if not self.patterns:
            return True
        return any(glob_matches(p, path) for p in self.patterns)


@dataclass(frozen=True, slots=True)
class HookEvent:
    """Something that happened: `kind` is one of EVENTS; the rest is set where relevant."""

    kind: str
    file_path: str | None = None
    tool_name: str | None = None
    tool_type: str | None = None
    prompt: str | None = None
    task: str | None = None


@dataclass(slots=True)
class HookOutcome:
    """What the runner needs: block the tool call?, text for the agent, errors, turn requests.

    For promptSubmit, `agent_prompts` are to be added to the user's prompt; for other events
    each is a request for a new agent turn with that prompt.
    """

    blocked: bool = False
    context: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    agent_prompts: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)

    def merge(self, other: HookOutcome) -> None:
        self.blocked = self.blocked or other.blocked
        self.context += other.context
        self.errors += other.errors
        self.agent_prompts += other.agent_prompts
        self.ran += other.ran


def glob_matches(pattern: str, path: str) -> bool:
    """Glob match with `**` across folders; a pattern without '/' matches the file name."""
    pattern = pattern.strip().lstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if "/" not in pattern:
        return _glob_regex(pattern).fullmatch(path.rsplit("/", 1)[-1]) is not None
    return _glob_regex(pattern).fullmatch(path) is not None


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "{" and "}" in pattern[i:]:
            end = pattern.index("}", i)
            out.append("(?:" + "|".join(re.escape(a) for a in pattern[i + 1:end].split(",")) + ")")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))
