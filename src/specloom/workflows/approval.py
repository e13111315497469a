"""Approvals by content hash, and the review state of each phase derived from them.

An approval stores the document's sha256 and the hashes of the earlier documents it was
based on. A document whose bytes no longer match its approval is "edited"; an approved
document whose earlier documents changed since is "stale". This module reads files fresh
from disk every time and writes only `.config.kiro`; it never changes a spec document.

cc-sdd keeps its own approvals in `spec.json` (`approvals.<document>.approved`). A document
approved there counts as approved here unless specloom holds its own approval record for it:
that record, which knows the hash, then decides (approved, edited or stale). specloom never
writes `spec.json`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from specloom.spec.loader import Spec
from specloom.spec.source import read_bounded
from specloom.workflows.phases import (
    Phase,
    Workflow,
    earlier_phases,
    phase_file,
    phase_order,
    workflow_from_config,
)
from specloom.workflows.state import read_config, specloom_block, update_specloom_block

ReviewState = Literal["approved", "stale", "pending", "edited"]


def document_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def spec_workflow(spec: Spec) -> Workflow:
    stored = specloom_block(spec.config).get("workflow")
    if stored in ("requirements-first", "design-first", "quick", "bugfix"):
        return stored  # type: ignore[no-any-return]
    return workflow_from_config(spec.config.workflow_type, spec.kind)


def current_hashes(spec_dir: Path, phases: tuple[Phase, ...]) -> dict[Phase, str | None]:
    """Each document's hash now, or None when the file does not exist."""
    hashes: dict[Phase, str | None] = {}
    for phase in phases:
        hashes[phase] = _hash_of(spec_dir / phase_file(phase))
    return hashes


def _hash_of(path: Path) -> str | None:
    """The document's hash, or None when it is missing or cannot be read (such a document
    is never approved; `specloom check` reports why it cannot be read)."""
    try:
        return document_hash(read_bounded(path))
    except OSError:  # absent, not a regular file, over the size limit, unreadable
        return None


def stored_approvals(block: dict[str, Any]) -> dict[str, dict[str, Any]]:
    approvals = block.get("approvals")
    if not isinstance(approvals, dict):
        return {}
    return {k: v for k, v in approvals.items() if isinstance(v, dict)}


def approval_state(spec: Spec) -> dict[Phase, ReviewState]:
    """approved, stale, pending (no approval yet) or edited (changed since approved)."""
    workflow = spec_workflow(spec)
    order = phase_order(workflow)
    hashes = current_hashes(spec.path, order)
    approvals = stored_approvals(specloom_block(spec.config))
    cc_sdd = spec.cc_sdd_status
    states: dict[Phase, ReviewState] = {}
    for phase in order:
        record = approvals.get(phase)
        if hashes[phase] is None:
            states[phase] = "pending"
        elif record is None:
            states[phase] = "approved" if cc_sdd is not None and cc_sdd.approved(phase) \
                else "pending"
        elif record.get("sha256") != hashes[phase]:
            states[phase] = "edited"
        elif _basis_changed(record, hashes, earlier_phases(workflow, phase)):
            states[phase] = "stale"
        else:
            states[phase] = "approved"
    return states


def _basis_changed(record: dict[str, Any], hashes: dict[Phase, str | None],
                   earlier: tuple[Phase, ...]) -> bool:
    basis = record.get("basedOn")
    if not isinstance(basis, dict):
        return False
    return any(basis.get(phase) != hashes[phase] for phase in earlier)


def current_phase(spec: Spec) -> Phase | None:
    """The first phase (in workflow order) that is not approved, or None when all are."""
    states = approval_state(spec)
    return next((phase for phase, state in states.items() if state != "approved"), None)


def record_approval(spec: Spec, phases: tuple[Phase, ...]) -> dict[Phase, str]:
    """Store the hash of each phase's document now on disk; returns the hashes stored."""
    workflow = spec_workflow(spec)
    hashes = current_hashes(spec.path, phase_order(workflow))
    approved_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    stored: dict[Phase, str] = {}
    records: dict[str, dict[str, Any]] = {}
    for phase in phases:
        digest = hashes[phase]
        if digest is None:
            path = spec.path / phase_file(phase)
            what = "cannot be read" if path.exists() else "does not exist"
            raise FileNotFoundError(f"{spec.display_path}/{phase_file(phase)} {what}")
        basis = {p: hashes[p] for p in earlier_phases(workflow, phase) if hashes[p] is not None}
        records[phase] = {"sha256": digest, "approvedAt": approved_at, "basedOn": basis}
        stored[phase] = digest

    written = [p for p in phase_order(workflow) if hashes[p] is not None]

    def change(block: dict[str, Any]) -> dict[str, Any]:
        approvals = dict(stored_approvals(block))
        for phase, record in records.items():
            approvals[phase] = {**approvals.get(phase, {}), **record}
        updated = {**block, "approvals": approvals}
        if block.get("origin") == "extracted" and all(p in approvals for p in written):
            updated["reviewed"] = True  # a person approved every document extract wrote
        return updated

    update_specloom_block(spec.path, change)
    return stored


def stored_idea(spec_dir: Path) -> str:
    idea = specloom_block(read_config(spec_dir)).get("idea")
    return idea if isinstance(idea, str) else ""
