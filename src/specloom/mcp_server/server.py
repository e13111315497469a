"""Build specloom's MCP server: tools, `spec://` resources and phase prompts over one workspace.

Every tool is a thin adapter over `specloom.mcp_server.tools`; expected failures come back as
MCP tool errors (`isError: true`) carrying the CLI's message, anything else as an internal
error naming the exception. Arguments are validated by the SDK from the type annotations.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError

from specloom import __version__
from specloom.mcp_server import tools
from specloom.mcp_server.prompts import PHASES, phase_prompt
from specloom.spec.workspace import SPEC_DOCUMENTS, Workspace

T = TypeVar("T")
INSTRUCTIONS = (
    "specloom works on Kiro specs in .kiro/specs/. Call list_specs first; check, trace and "
    "verify return the same JSON as the CLI's --format json; next_task gives a task with its "
    "criteria, design, requirements and steering; set_task_status marks a task done only when "
    "the tests linked to its criteria pass. With a model configured, new_spec, next_phase and "
    "refine_phase write spec documents (then stop for review); approve_phase approves the "
    "current document once a person has reviewed it.")


def guarded(call: Callable[[], T], error: type[Exception] = ToolError) -> T:
    """Run a library call, turning expected failures into `error` with the CLI's message."""
    try:
        return call()
    except Exception as exc:
        expected = tools.translate_errors(exc)
        if expected is not None:
            raise error(str(expected)) from None
        raise error(f"internal error: {type(exc).__name__}: {exc}") from exc


def as_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def build_server(workspace: Workspace) -> MCPServer[Any]:
    server: MCPServer[Any] = MCPServer("specloom", version=__version__,
                                       instructions=INSTRUCTIONS, log_level="WARNING")
    _register_tools(server, workspace)
    _register_resources(server, workspace)
    _register_prompts(server, workspace)
    return server


def _register_tools(server: MCPServer[Any], ws: Workspace) -> None:
    @server.tool(structured_output=False)
    def list_specs() -> str:
        """Specs in the workspace with type, phase and task progress (like `specloom list`)."""
        return as_json(guarded(lambda: tools.list_specs(ws)))

    @server.tool(structured_output=False)
    def read_spec_document(spec: str, document: str = "requirements.md") -> str:
        """The text of one spec document: requirements.md, bugfix.md, design.md or tasks.md."""
        return guarded(lambda: tools.read_document(ws, spec, document))

    @server.tool(structured_output=False)
    def check(specs: list[str] | None = None, fail_on: str | None = None,
              select: list[str] | None = None, ignore: list[str] | None = None) -> str:
        """Deterministic review; the JSON of `specloom check --format json`."""
        return as_json(guarded(lambda: tools.check(ws, specs or (), fail_on, select or (),
                                                   ignore or ())))

    @server.tool(structured_output=False)
    def trace(specs: list[str] | None = None) -> str:
        """Criterion -> tasks, tests, code matrix; the JSON of `specloom trace --json`."""
        return as_json(guarded(lambda: tools.trace(ws, specs or ())))

    @server.tool(structured_output=False)
    def verify(specs: list[str] | None = None, timeout: float = 600.0) -> str:
        """Run the linked tests and judge each criterion; the JSON of `specloom verify --json`."""
        return as_json(guarded(lambda: tools.verify(ws, specs or (), timeout)))

    @server.tool(structured_output=False)
    def next_task(spec: str, task_id: str | None = None) -> str:
        """The next open task (or task_id) with its cited criteria, the design, the
        requirements and the steering for the files it names."""
        return as_json(guarded(lambda: tools.next_task(ws, spec, task_id)))

    @server.tool(structured_output=False)
    def set_task_status(spec: str, task_id: str, status: str) -> str:
        """Set a task to todo, in-progress or done; done is refused unless the tests linked
        to the task's criteria pass."""
        return as_json(guarded(lambda: tools.set_task_status(ws, spec, task_id, status)))

    @server.tool(structured_output=False)
    def steering_for_path(path: str, prompt: str = "") -> str:
        """The steering included when working on this file (and this request)."""
        return as_json(guarded(lambda: tools.steering_for_path(ws, path, prompt)))

    _register_authoring_tools(server, ws)


def _register_authoring_tools(server: MCPServer[Any], ws: Workspace) -> None:
    @server.tool(structured_output=False)
    def new_spec(name: str, idea: str, workflow: str = "requirements-first",
                 model: str | None = None) -> str:
        """Create .kiro/specs/NAME/ and write its first document with a model (all three for
        workflow "quick"); workflow is requirements-first, design-first, quick or bugfix.
        Stops for review: the JSON of `specloom new --json` plus the model's usage line."""
        return as_json(guarded(lambda: tools.new_spec(ws, name, idea, workflow, model)))

    @server.tool(structured_output=False)
    def next_phase(spec: str, model: str | None = None) -> str:
        """Write the spec's next missing document with a model, or say which document awaits
        review; the JSON of `specloom next --json` plus the model's usage line."""
        return as_json(guarded(lambda: tools.next_phase(ws, spec, model)))

    @server.tool(structured_output=False)
    def refine_phase(spec: str, feedback: str, phase: str | None = None,
                     model: str | None = None) -> str:
        """Revise the current (or named) phase's document from review feedback with a model;
        the outcome, remaining findings and the diff."""
        return as_json(guarded(lambda: tools.refine_phase(ws, spec, feedback, phase, model)))

    @server.tool(structured_output=False)
    def approve_phase(spec: str, phase: str | None = None) -> str:
        """Approve the current (or named) document by its content hash, after a person
        reviewed it; refused while check finds errors in it."""
        return as_json(guarded(lambda: tools.approve_phase(ws, spec, phase)))


def _register_resources(server: MCPServer[Any], ws: Workspace) -> None:
    @server.resource("spec://{spec}/{document}", mime_type="text/markdown",
                     description="A spec document, read fresh from disk")
    def spec_document(spec: str, document: str) -> str:
        return guarded(lambda: tools.read_document(ws, spec, document), ResourceError)

    for name in ws.spec_names():
        for document in SPEC_DOCUMENTS:
            if (ws.spec_dir(name) / document).is_file():
                _static_document(server, ws, name, document)


def _static_document(server: MCPServer[Any], ws: Workspace, name: str, document: str) -> None:
    def read() -> str:
        return guarded(lambda: tools.read_document(ws, name, document), ResourceError)

    server.resource(f"spec://{name}/{document}", name=f"{name}/{document}",
                    mime_type="text/markdown")(read)


def _register_prompts(server: MCPServer[Any], ws: Workspace) -> None:
    for phase in PHASES:
        _phase_prompt(server, ws, phase)


def _phase_prompt(server: MCPServer[Any], ws: Workspace, phase: str) -> None:
    def prompt(spec: str, idea: str = "") -> str:
        return phase_prompt(ws, phase, spec, idea)

    server.prompt(name=f"spec-{phase}",
                  description=f"Write {phase}.md for a spec, with the project's context")(prompt)
