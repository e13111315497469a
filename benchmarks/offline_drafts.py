"""Benchmark: requirements drafted offline by the embedded model path, one per idea.

Run: `.venv/bin/python benchmarks/offline_drafts.py [--ideas FILE] [--no-model]
[--whole-document N]`. Prints figures; asserts nothing; no network (the embedded model, Gemma 3
270M through llama.cpp, runs in-process).

For each idea of `ideas/offline-ideas.txt` (written for this benchmark) the drafter reads the
idea, asks the model for its small slots and assembles requirements.md, exactly as `specloom new
--model local` does. Per idea it reports:
- A011: placeholder findings of `specloom check --select A011` (must be 0);
- gate: refusals of the generated-document gate (workflows/draft_gate.py; must be none);
- crit/req: acceptance criteria per requirement;
- share: the idea's content words (context/matching.py: stop words out, stems compared) found
  in the `## Requirements` section (the Introduction, which quotes the idea, is left out);
- slots: phrases the model wrote that passed the slot filter, of all slots asked;
- seconds: wall time of the draft.
`--no-model` drafts with every slot on its fallback. `--whole-document N` also runs the old
path on the first N ideas (the model writes the whole document under the requirements
grammar) and reports the same figures for it, for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from specloom.context.matching import content_words
from specloom.drafting.requirements import draft_requirements
from specloom.drafting.slots import SlotFiller
from specloom.quality.check import check_workspace
from specloom.quality.settings import CheckSettings
from specloom.spec.requirements import parse_requirements
from specloom.spec.source import SourceText
from specloom.spec.workspace import Workspace
from specloom.workflows.draft_gate import refusals

IDEAS = Path(__file__).parent / "ideas" / "offline-ideas.txt"


def read_ideas(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def measure(idea: str, text: str) -> dict[str, float]:
    doc = parse_requirements(SourceText.from_text("requirements.md", text))
    counts = [len(r.criteria) for r in doc.requirements]
    body = text.split("## Requirements", 1)[-1]
    wanted = set(content_words(idea))
    share = len(wanted & set(content_words(body))) / len(wanted) if wanted else 1.0
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / ".kiro" / "specs" / "idea"
        folder.mkdir(parents=True)
        (folder / "requirements.md").write_text(text, encoding="utf-8")
        report = check_workspace(Workspace(Path(scratch)), ["idea"],
                                 CheckSettings(select=("A011",)), jobs=1)
    return {"a011": len(report.diagnostics), "gate": len(refusals("requirements", text, idea)),
            "crit": statistics.mean(counts) if counts else 0.0, "share": share}


def whole_document(model: object, idea: str) -> str:
    from pydantic_ai.messages import ModelRequest, SystemPromptPart, UserPromptPart

    from specloom.models.phase_stream import request_text
    from specloom.workflows import prompts
    from specloom.workflows.documents import extract_document
    from specloom.workflows.grammars import grammar_for

    context = prompts.context_text("", idea, [])
    messages = [ModelRequest(parts=[SystemPromptPart(prompts.SYSTEM_INSTRUCTIONS),
                                    UserPromptPart(context),
                                    UserPromptPart(prompts.phase_request("requirements", "idea",
                                                                         False))])]
    answer, _ = request_text(model, messages,  # type: ignore[arg-type]
                             {"extra_body": {"grammar": grammar_for("requirements")}})
    return extract_document(answer)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=Path, default=IDEAS)
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--whole-document", type=int, default=0, metavar="N")
    args = parser.parse_args()
    ideas = read_ideas(args.ideas)
    model = None
    if not args.no_model:
        from specloom.models.local import LocalModel

        model = LocalModel()
    print(f"{'#':>2} {'A011':>4} {'gate':>4} {'crit/req':>8} {'share':>5} {'slots':>5} "
          f"{'seconds':>7}")
    rows = []
    for number, idea in enumerate(ideas, start=1):
        slots = SlotFiller(model, idea)
        started = time.perf_counter()
        text = draft_requirements("idea", idea, slots)
        seconds = time.perf_counter() - started
        row = measure(idea, text)
        used = sum(s.by_model for s in slots.filled)
        rows.append({**row, "seconds": seconds, "used": used, "asked": len(slots.filled)})
        print(f"{number:>2} {row['a011']:>4} {row['gate']:>4} {row['crit']:>8.1f} "
              f"{row['share']:>5.2f} {used:>2}/{len(slots.filled):<2} {seconds:>7.1f}")
    _summary("offline drafter", rows)
    if args.whole_document and model is not None:
        old = []
        for idea in ideas[:args.whole_document]:
            started = time.perf_counter()
            text = whole_document(model, idea)
            old.append({**measure(idea, text), "seconds": time.perf_counter() - started,
                        "used": 0, "asked": 0})
        _summary(f"whole document under the grammar (first {len(old)} ideas)", old)
    return 0


def _summary(label: str, rows: list[dict[str, float]]) -> None:
    print(f"{label}: {len(rows)} ideas; A011 findings {sum(r['a011'] for r in rows):.0f}; "
          f"gate refusals in {sum(1 for r in rows if r['gate'])} documents; "
          f"criteria per requirement median {statistics.median(r['crit'] for r in rows):.1f}; "
          "idea words in the requirements median "
          f"{statistics.median(r['share'] for r in rows):.2f} "
          f"(min {min(r['share'] for r in rows):.2f}); model phrases kept "
          f"{sum(r['used'] for r in rows):.0f} of {sum(r['asked'] for r in rows):.0f} slots; "
          f"median {statistics.median(r['seconds'] for r in rows):.1f} s per document")


if __name__ == "__main__":
    sys.exit(main())
