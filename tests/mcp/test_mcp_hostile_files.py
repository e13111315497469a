"""The MCP server reads documents a client's workspace may have made hostile."""

from __future__ import annotations

import os

import pytest

from specloom.mcp_server.tools import ToolInputError, read_document

from spec_fixtures import MakeWorkspace, good_spec


def test_a_fifo_document_is_refused_with_the_reason(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    del files[".kiro/specs/cart/design.md"]
    workspace = make_workspace(files)
    os.mkfifo(workspace.spec_dir("cart") / "design.md")
    with pytest.raises(ToolInputError, match="named pipe"):
        read_document(workspace, "cart", "design.md")


def test_an_oversized_document_is_refused_without_being_read(
        make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace(good_spec())
    with (workspace.spec_dir("cart") / "tasks.md").open("wb") as handle:
        handle.truncate(3 * 2**30)
    with pytest.raises(ToolInputError, match="over the 20 MB limit"):
        read_document(workspace, "cart", "tasks.md")
