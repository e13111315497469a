"""The phase prompts served as MCP prompts: the authoring workflow's texts when available.

When `specloom.workflows.prompts` is importable its system instructions, shared context and
phase requests are used, so an agent writing a document through MCP gets the same prompt the
`specloom` authoring commands send; otherwise a short fallback text of this module's own.
"""

from __future__ import annotations

from specloom.spec.source import read_text_bounded
from specloom.spec.workspace import Workspace

PHASES = ("requirements", "bugfix", "design", "tasks")
EARLIER = {"requirements": (), "bugfix": (), "design": ("requirements", "bugfix"),
           "tasks": ("requirements", "bugfix", "design")}
FALLBACK = {
    "requirements": "Write requirements.md in Kiro's format: '### Requirement N: Title', a user "
                    "story, and numbered EARS acceptance criteria (WHEN ..., THE System SHALL "
                    "...).",
    "bugfix": "Write bugfix.md: Current Behavior (Defect) 1.x, Expected Behavior (Correct) 2.x "
              "with SHALL, Unchanged Behavior (Regression Prevention) 3.x with SHALL CONTINUE TO.",
    "design": "Write design.md with Overview, Architecture, Components and Interfaces, Data "
              "Models, Correctness Properties (each '**Validates: Requirements X.Y**'), Error "
              "Handling and Testing Strategy.",
    "tasks": "Write tasks.md: '- [ ] N. Task' with sub-tasks 'N.M', each citing "
             "'_Requirements: X.Y_'.",
}


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
    try:
        from specloom.workflows import prompts as flow
    except ImportError:
        return _fallback(phase, spec, idea, earlier)
    context = flow.context_text(_steering_text(ws), idea or f"(see the spec {spec})",
                                earlier)  # type: ignore[arg-type]
    request = flow.phase_request(phase, spec,  # type: ignore[arg-type]
                                 any(p == "requirements" for p, _ in earlier))
    return f"{flow.SYSTEM_INSTRUCTIONS}\n{context}\n{request}\n"


def _fallback(phase: str, spec: str, idea: str, earlier: list[tuple[str, str]]) -> str:
    blocks = [f"Spec: {spec}", FALLBACK[phase]]
    if idea:
        blocks.append(f"The idea:\n{idea}")
    blocks.extend(f"# {name}.md\n{text}" for name, text in earlier)
    return "\n\n".join(blocks) + "\n"
