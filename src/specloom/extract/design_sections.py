"""Design sections written mechanically from facts: the import graph as Mermaid, components
and interfaces, data models, error handling and the existing tests.

Pure text from a fact sheet; used by the skeleton and, for the architecture diagram, by the
model path (a diagram is more reliable computed than generated). Reads and writes nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict

from specloom.extract.facts import Fact, FactSheet

MAX_MEMBERS = 40


def design_sections(sheet: FactSheet) -> dict[str, str]:
    return {
        "Architecture": architecture(sheet),
        "Components and Interfaces": components(sheet),
        "Data Models": data_models(sheet),
        "Correctness Properties": (
            "None extracted: a property states intended behaviour, which code alone does not "
            "show. Add properties during review."),
        "Error Handling": error_handling(sheet),
        "Testing Strategy": testing(sheet),
    }


def architecture(sheet: FactSheet) -> str:
    """The internal import graph as a Mermaid flowchart."""
    modules = sorted(sheet.imports)
    if not modules:
        return "No Python modules were analysed."
    lines = ["Internal imports between the analysed modules:", "", "```mermaid", "graph TD"]
    lines.extend(f"    {_node(m)}[\"{m}\"]" for m in modules)
    lines.extend(f"    {_node(m)} --> {_node(t)}" for m in modules for t in sheet.imports[m])
    lines.append("```")
    return "\n".join(lines)


def components(sheet: FactSheet) -> str:
    grouped: dict[str, list[Fact]] = defaultdict(list)
    for fact in sheet.of_kind("function", "class", "method", "route", "command"):
        grouped[_module_of(fact)].append(fact)
    if not grouped:
        return "No public interface was found."
    blocks = []
    for module in sorted(grouped):
        members = grouped[module]
        lines = [f"### {module}"]
        lines.extend(f"- {_interface(fact)}" for fact in members[:MAX_MEMBERS])
        if len(members) > MAX_MEMBERS:
            lines.append(f"- ... and {len(members) - MAX_MEMBERS} more in facts.json")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def data_models(sheet: FactSheet) -> str:
    models = sheet.of_kind("data_model")
    if not models:
        return "No data models (dataclasses, pydantic, attrs, TypedDict, NamedTuple, Enum) found."
    blocks = []
    for model in models:
        lines = [f"### {model.symbol} ({model.details.get('flavour')}, `{model.location}`, "
                 f"{model.id})"]
        for item in model.details.get("fields", ())[:MAX_MEMBERS]:
            kind = f": `{item['type']}`" if item.get("type") else ""
            default = f" = `{item['default']}`" if item.get("default") else ""
            lines.append(f"- `{item['name']}`{kind}{default}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def error_handling(sheet: FactSheet) -> str:
    lines = [f"- `{e.symbol}` ({', '.join(e.details.get('bases', ())) or 'no base'}) defined at "
             f"`{e.location}` ({e.id})" for e in sheet.of_kind("exception")]
    raisers = [f for f in sheet.of_kind("function", "method", "route") if f.details.get("raises")]
    lines.extend(f"- `{f.symbol}` raises {', '.join(map(str, f.details['raises']))} "
                 f"(`{f.location}`, {f.id})" for f in raisers[:MAX_MEMBERS * 2])
    return "\n".join(lines) if lines else "No exceptions are defined or raised."


def testing(sheet: FactSheet) -> str:
    tests = sheet.of_kind("test")
    if not tests:
        return ("No existing tests were found. Tests for the extracted criteria are still to "
                "be written.")
    files = sorted({t.path for t in tests})
    return (f"{len(tests)} existing tests in {len(files)} files. `facts.json` maps each "
            "criterion to the tests that exercise the same symbols; `specloom extract "
            "--link-tests` tags them so `specloom verify` runs them.")


def _interface(fact: Fact) -> str:
    if fact.kind == "route":
        return f"`{fact.name}` -> `{fact.symbol}` (`{fact.location}`, {fact.id})"
    if fact.kind == "command":
        return f"command `{fact.details.get('command')}` -> `{fact.symbol}` " \
               f"(`{fact.location}`, {fact.id})"
    signature = fact.details.get("signature") or f"class {fact.symbol}"
    owner = fact.name.rsplit(".", 2)[-2] + "." if fact.kind == "method" else ""
    return f"`{owner}{signature}` (`{fact.location}`, {fact.id})"


def _module_of(fact: Fact) -> str:
    if fact.kind in ("route", "command"):
        return str(fact.details.get("module", fact.path))
    depth = 2 if fact.kind == "method" else 1
    return fact.name.rsplit(".", depth)[0]


def _node(module: str) -> str:
    return re.sub(r"\W", "_", module)
