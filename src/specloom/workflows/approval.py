"""Approvals by content hash, and the review state of each phase derived from them.

An approval stores the document's sha256 and the hashes of the earlier documents it was
based on. A document whose bytes no longer match its approval is "edited"; an approved
document whose earlier documents changed since is "stale". This module reads files fresh
from disk every time and writes only `.config.kiro`; it never changes a spec document.

Status writes are not edits: the hash of tasks.md is taken with every checkbox mark blanked
(`[x]`, `[-]`, `[~]`, `[]` all read as `[ ]`), so ticking a task never makes an approved plan
"edited", while any other change (the optional marker `*` included) does. Approvals recorded
before this rule hold the full-text hash; it still counts while the bytes match, and for a
plan approved with every box `[ ]` the two hashes are the same. `upgrade_tasks_approval`
re-records an old full-text hash as the checkbox-blind one before specloom ticks a box.

cc-sdd keeps its own approvals in `spec.json` (`approvals.<document>.approved`). A document
approved there counts as approved here unless specloom holds its own approval record for it:
that record, which knows the hash, then decides (approved, edited or stale). specloom never
writes `spec.json`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from specloom.spec.loader import Spec
from specloom.spec.markdown import iter_lines
from specloom.spec.source import read_bounded, split_lines
from specloom.spec.tasks import MARKS, TASK_LINE
from specloom.workflows.phases import (
    Phase,
    Workflow,
    earlier_phases,
    phase_file,
    phase_order,
    workflow_from_config,
)
from specloom.workflows.state import (
    ConfigFileError,
    read_config,
    specloom_block,
    update_specloom_block,
)

ReviewState = Literal["approved", "stale", "pending", "edited"]


def document_hash(data: bytes) -> str:
    import hashlib  # here: `specloom list` hashes only the documents of approved specs

    return hashlib.sha256(data).hexdigest()


def checkbox_blind(data: bytes) -> bytes:
    """tasks.md with the mark of every checkbox list item blanked (`[x]` -> `[ ]`).

    Boxes in code blocks and HTML comments are text, as the tasks parser reads them. Bytes
    that are not UTF-8 come back unchanged (such a file is never approved in practice: check
    reports it as unreadable).
    """
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return data
    lines = list(split_lines(text))
    changed = False
    for line in iter_lines(lines):
        if line.in_fence:
            continue
        match = TASK_LINE.match(line.text)
        if match is None or match.group("mark") == " " or match.group("mark") not in MARKS:
            continue  # an unknown mark (`[[]`) is content, not a status
        raw = lines[line.number - 1]
        lines[line.number - 1] = raw[:match.start("mark")] + " " + raw[match.end("mark"):]
        changed = True
    return "".join(lines).encode(encoding) if changed else data


def phase_hash(phase: Phase, data: bytes) -> str:
    """The approval hash of a phase's document: checkbox-blind for tasks.md."""
    return document_hash(checkbox_blind(data) if phase == "tasks" else data)


def spec_workflow(spec: Spec) -> Workflow:
    stored = specloom_block(spec.config).get("workflow")
    if stored in ("requirements-first", "design-first", "quick", "bugfix"):
        return stored  # type: ignore[no-any-return]
    return workflow_from_config(spec.config.workflow_type, spec.kind)


def current_hashes(spec_dir: Path, phases: tuple[Phase, ...]) -> dict[Phase, str | None]:
    """Each document's hash now, or None when the file does not exist."""
    hashes: dict[Phase, str | None] = {}
    for phase in phases:
        data = _bytes_of(spec_dir / phase_file(phase))
        hashes[phase] = phase_hash(phase, data) if data is not None else None
    return hashes


def _bytes_of(path: Path) -> bytes | None:
    """The document's bytes, or None when it is missing or cannot be read (such a document
    is never approved; `specloom check` reports why it cannot be read)."""
    try:
        return read_bounded(path)
    except OSError:  # absent, not a regular file, over the size limit, unreadable
        return None


def _legacy_tasks_hash(spec_dir: Path) -> str | None:
    """The full-text hash an older specloom recorded for tasks.md (None when unreadable)."""
    data = _bytes_of(spec_dir / phase_file("tasks"))
    return document_hash(data) if data is not None else None


def stored_approvals(block: dict[str, Any]) -> dict[str, dict[str, Any]]:
    approvals = block.get("approvals")
    if not isinstance(approvals, dict):
        return {}
    return {k: v for k, v in approvals.items() if isinstance(v, dict)}


def approval_state(spec: Spec) -> dict[Phase, ReviewState]:
    """approved, stale, pending (no approval yet) or edited (changed since approved)."""
    workflow = spec_workflow(spec)
    order = phase_order(workflow)
    approvals = stored_approvals(specloom_block(spec.config))
    # no record of specloom's own: no hash is compared, whether each document reads is enough
    # ("" for one that does), so `specloom list` hashes nothing for such specs
    hashes = current_hashes(spec.path, order) if approvals else {
        phase: None if _bytes_of(spec.path / phase_file(phase)) is None else ""
        for phase in order}
    cc_sdd = spec.cc_sdd_status
    states: dict[Phase, ReviewState] = {}
    for phase in order:
        record = approvals.get(phase)
        if hashes[phase] is None:
            states[phase] = "pending"
        elif record is None:
            states[phase] = "approved" if cc_sdd is not None and cc_sdd.approved(phase) \
                else "pending"
        elif record.get("sha256") != hashes[phase] and not (
                phase == "tasks" and record.get("sha256") == _legacy_tasks_hash(spec.path)):
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


def record_approval(spec: Spec, phases: tuple[Phase, ...]) -> dict[Phase, str]:
    """Store the hash of each phase's document now on disk; returns the hashes stored."""
    from datetime import UTC, datetime  # here: `specloom list` reads approvals, never writes

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


def upgrade_tasks_approval(spec_dir: Path) -> bool:
    """Before specloom ticks a box: re-record an approval of tasks.md that an older specloom
    stored as the full-text hash, while the bytes still match, as the checkbox-blind hash
    (so the tick does not make it "edited"). True when the record was rewritten."""
    from specloom.spec.files import StaleFileError

    record = stored_approvals(specloom_block(read_config(spec_dir))).get("tasks")
    data = _bytes_of(spec_dir / phase_file("tasks"))
    if record is None or data is None:
        return False
    full, blind = document_hash(data), phase_hash("tasks", data)
    if record.get("sha256") != full or full == blind:
        return False

    def change(block: dict[str, Any]) -> dict[str, Any]:
        approvals = dict(stored_approvals(block))
        current = approvals.get("tasks")
        if current is None or current.get("sha256") != full:
            return block  # changed meanwhile: leave it
        approvals["tasks"] = {**current, "sha256": blind}
        return {**block, "approvals": approvals}

    try:
        update_specloom_block(spec_dir, change)
    except (ConfigFileError, StaleFileError):
        return False  # an unreadable or concurrently changed record is left as it is
    return True


def stored_idea(spec_dir: Path) -> str:
    idea = specloom_block(read_config(spec_dir)).get("idea")
    return idea if isinstance(idea, str) else ""
