"""A spec at a glance: documents, counts, EARS patterns and task progress (`specloom list` and
`show`, the MCP tool `list_specs`).

`specloom list` imports this module, so it imports only what a row needs: the EARS parser is
imported by `spec_overview`, the one that counts patterns."""

from __future__ import annotations

from typing import Any

from specloom.spec.loader import Spec, load_spec
from specloom.spec.workspace import Workspace
from specloom.trace.forced import forced_rows
from specloom.workflows.approval import approval_state


def spec_row(spec: Spec) -> dict[str, Any]:
    """The one-line summary `specloom list` shows."""
    done, total = spec.tasks.progress() if spec.tasks is not None else (0, 0)
    cc_sdd = spec.cc_sdd_status
    return {
        "name": spec.name,
        "archived": spec.archived,
        "type": spec.kind,
        "workflow": spec.config.workflow_type,
        "phase": spec.phase,
        "tasks_done": done,
        "tasks_total": total,
        "path": spec.display_path,
        "approvals": dict(approval_state(spec)),
        # cc-sdd's own phase and approvals from spec.json (None without that file)
        "cc_sdd": cc_sdd.to_dict() if cc_sdd is not None else None,
    }


def spec_overview(spec: Spec) -> dict[str, Any]:
    """The fuller summary `specloom show` prints."""
    from collections import Counter

    from specloom.quality.ears import parse_ears

    data = spec_row(spec)
    data["spec_id"] = spec.config.spec_id
    data["documents"] = [path for path, _ in spec.documents()]
    requirements = spec.requirements
    if requirements is not None:
        criteria = requirements.criteria()
        # a bugfix's current-behaviour items (1.x) describe the defect, not requirements
        required = [c for c in criteria
                    if not (requirements.kind == "bugfix" and c.requirement == "1")]
        patterns = Counter(parse_ears(c.text).pattern for c in required)
        data["requirements"] = [
            {"number": r.number, "title": r.title, "criteria": len(r.criteria)}
            for r in requirements.requirements
        ]
        data["criteria"] = len(criteria)
        data["ears_patterns"] = dict(sorted(patterns.items()))
        data["glossary"] = [t.term for t in requirements.glossary]
    if spec.design is not None:
        data["properties"] = [
            {"number": p.number, "title": p.title, "validates": [r.id for r in p.validates]}
            for p in spec.design.properties
        ]
    if spec.tasks is not None:
        tasks = spec.tasks
        nxt = tasks.next_open()
        data["next_task"] = ({"id": nxt.id, "title": nxt.title, "status": str(nxt.status)}
                             if nxt is not None else None)
        data["tasks"] = [
            {"id": t.id, "title": t.title, "status": str(tasks.effective_status(t)),
             "optional": t.optional, "requirements": [r.id for r in t.cited_criteria]}
            for t in tasks.tasks
        ]
    if spec.cc_sdd is not None:
        data["spec_json"] = spec.cc_sdd  # every key as written
    return data


def list_specs(workspace: Workspace) -> dict[str, Any]:
    """Every spec, active ones first, then archived ones (`_archived/<name>`, flagged
    "archived"), each with the tasks the gate refused but a person forced done."""
    specs = [load_spec(workspace, name) for name in workspace.all_spec_names()]
    rows = [{**spec_row(spec), "forced": forced_rows(workspace, spec)} for spec in specs]
    return {"root": str(workspace.root), "specs": rows}
