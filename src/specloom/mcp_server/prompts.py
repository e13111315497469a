"""The phase prompts served as MCP prompts: the authoring workflow's own texts.

The system instructions, shared context and phase requests of `specloom.workflows.prompts`,
so an agent writing a document through MCP gets the same prompt the `specloom` authoring
commands send.
"""

from __future__ import annotations

from specloom.spec.source import read_text_bounded
from specloom.spec.workspace import Workspace
from specloom.workflows import prompts as flow

PHASES = ("requirements", "bugfix", "design", "tasks")
EARLIER = {"requirements": (), "bugfix": (), "design": ("requirements", "bugfix"),
           "tasks": ("requirements", "bugfix", "design")}


def _earlier_documents(ws: Workspace, spec: str, phase: str) -> list[tuple[str, str]]:
    found = []
    for earlier in EARLIER[phase]:
        file = ws.spec_dir(spec) / f"{earlier}.md"
        if file.is_file():
            try:
                found.append((earlier, read_text_bounded(file)))
            except OSError:  # oversized or unreadable: `check` reports it (S001)
                continue
    return found


def _steering_text(ws: Workspace) -> str:
    from specloom.mcp_server.tools import steering_for

    try:
        text, _ = steering_for(ws, [], "")
    except Exception:  # steering problems must not block a prompt
        return ""
    return text or ""


def phase_prompt(ws: Workspace, phase: str, spec: str, idea: str = "") -> str:
    """The full prompt text for writing `phase` of `spec`."""
    earlier = _earlier_documents(ws, spec, phase)
    context = flow.context_text(_steering_text(ws), idea or f"(see the spec {spec})",
                                earlier)  # type: ignore[arg-type]
    request = flow.phase_request(phase, spec,  # type: ignore[arg-type]
                                 any(p == "requirements" for p, _ in earlier))
    return f"{flow.SYSTEM_INSTRUCTIONS}\n{context}\n{request}\n"
