"""The real embedded model (Gemma 3 270M through llama.cpp) writes a requirements document
through `specloom new`: the grammar makes it parse, and it passes the structural rules."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from specloom.core.rule import Severity
from specloom.quality.check import check_workspace
from specloom.quality.settings import CheckSettings
from specloom.spec.loader import load_spec
from specloom.spec.workspace import Workspace

BOOKSHELF = Path(__file__).resolve().parents[2] / "examples" / "bookshelf"
IDEA = ("Members can place a hold on a book that is out on loan; when the book is returned, "
        "the first member in the queue gets it for three days.")


@pytest.mark.req("authoring", "3.4")
def test_embedded_model_writes_requirements_that_parse(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp", reason="the embedded model needs specloom[local]")
    root = tmp_path / "bookshelf"
    shutil.copytree(BOOKSHELF, root)
    result = subprocess.run(
        [sys.executable, "-m", "specloom.cli.main", "--root", str(root), "new", "loan-holds",
         IDEA, "--no-input", "--model", "local", "--json"],
        capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode in (0, 1), result.stderr
    assert "the embedded model (Gemma 3 270M) is tiny" in result.stderr + result.stdout
    data = json.loads(result.stdout)
    assert data["spec"] == "loan-holds"

    spec = load_spec(Workspace(root), "loan-holds")
    assert spec.requirements is not None
    assert spec.requirements.requirements, "no '### Requirement N' parsed"
    assert all(r.criteria for r in spec.requirements.requirements)
    structural = check_workspace(Workspace(root), ["loan-holds"],
                                 CheckSettings(select=("S", "C")))
    errors = [d for d in structural.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    (run,) = (root / ".kiro" / "specloom" / "runs").iterdir()
    call = json.loads((run / "0001.json").read_text())
    assert call["settings"]["extra_body"]["grammar"].startswith("root ::=")
