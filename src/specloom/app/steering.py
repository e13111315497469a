"""Which steering goes with some files and a request, rendered, with the reason for each file.

What the MCP tools `steering_for_path` and `next_task` and the phase prompts return; `specloom
steering show` renders the same selection in its own detail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from specloom.app.errors import UseCaseError
from specloom.context.steering import render_steering, select_steering
from specloom.spec.workspace import Workspace


def steering_for(workspace: Workspace, paths: Sequence[str], prompt: str = "") -> tuple[str, str]:
    """The rendered steering for these files and this request, and a note naming each included
    file with the reason it is included."""
    selection = select_steering(workspace, paths=list(paths), prompt=prompt)
    reasons = "; ".join(f"{i.file.display_path} ({i.reason})" for i in selection.included)
    return render_steering(selection), f"included: {reasons or 'nothing'}"


def steering_for_path(workspace: Workspace, path: str, prompt: str = "") -> dict[str, Any]:
    if not isinstance(path, str) or not path.strip():
        raise UseCaseError("a path is required, relative to the workspace root")
    text, note = steering_for(workspace, [path], prompt)
    return {"path": path, "steering": text, "note": note}
