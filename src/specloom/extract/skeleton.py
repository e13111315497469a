"""The deterministic spec (`--no-llm`): a requirements skeleton and a design from facts alone.

One requirement per route, per command, per module's public functions and per public class
with methods; criteria are EARS sentences built mechanically from the facts, with `<...>`
placeholders where only a person can say what the behaviour is for (A011 warnings, on
purpose). Every criterion cites its facts. No model is called and nothing is written here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from specloom.extract.design_sections import design_sections
from specloom.extract.draft import CriterionDraft, ExtractedSpec, RequirementPlan, snake_system_name
from specloom.extract.facts import Fact, FactSheet

MAX_RAISE_CRITERIA = 4


def skeleton_spec(sheet: FactSheet, spec_name: str) -> ExtractedSpec:
    plans: list[tuple[RequirementPlan, str, str]] = []
    plans.extend(_route_requirements(sheet))
    plans.extend(_command_requirements(sheet))
    plans.extend(_function_requirements(sheet))
    plans.extend(_class_requirements(sheet))
    glossary = sorted({(system, meaning) for _, system, meaning in plans})
    introduction = (
        f"Extracted by specloom from `{sheet.source}` ({len(sheet.files)} files, {sheet.lines} "
        "lines) without a model. Each requirement describes an observable behaviour found in the "
        "code; the `<...>` placeholders mark what a person must state. Unreviewed.")
    overview = (
        f"This design describes `{sheet.source}` as it is, from static analysis only (spec "
        f"`{spec_name}`). Fact ids such as `{_example_id(sheet)}` refer to "
        "`facts.json` beside this file.")
    return ExtractedSpec(introduction, tuple(glossary), tuple(plan for plan, _, _ in plans),
                         overview, design_sections(sheet))


def _route_requirements(sheet: FactSheet) -> Iterator[tuple[RequirementPlan, str, str]]:
    for route in sheet.of_kind("route"):
        module = str(route.details.get("module", ""))
        system = _system(module, "api")
        request = route.name.replace("|", " or ").replace("ANY ", "a request to ")
        criteria = [CriterionDraft(
            f"WHEN a client sends {request}, THE {system} SHALL <respond as implemented in "
            f"{route.symbol} ({route.location})>.", (route.id,))]
        criteria.extend(_raise_criteria(route, system, route.symbol, "respond with"))
        story = f"As a client of {system}, I want {request}, so that <the purpose to confirm>."
        yield (RequirementPlan(f"{request}", story, tuple(criteria)), system,
               f"the HTTP interface in `{module}`")


def _command_requirements(sheet: FactSheet) -> Iterator[tuple[RequirementPlan, str, str]]:
    for command in sheet.of_kind("command"):
        module = str(command.details.get("module", ""))
        system = _system(module, "cli")
        name = str(command.details.get("command", command.symbol))
        criteria = [CriterionDraft(
            f"WHEN a user runs the \"{name}\" command, THE {system} SHALL <behave as implemented "
            f"in {command.symbol} ({command.location})>.", (command.id,))]
        options = [str(o) for o in command.details.get("options", ())][:6]
        if options:
            criteria.append(CriterionDraft(
                f"THE {system} SHALL accept the options {', '.join(options)} for the "
                f"\"{name}\" command.", (command.id,)))
        story = f"As a user of {system}, I want the \"{name}\" command, so that <the purpose>."
        yield (RequirementPlan(f"Command {name}", story, tuple(criteria)), system,
               f"the command-line interface in `{module}`")


def _function_requirements(sheet: FactSheet) -> Iterator[tuple[RequirementPlan, str, str]]:
    by_module: dict[str, list[Fact]] = defaultdict(list)
    entry_points = _decorated_handlers(sheet)
    for fact in sheet.of_kind("function"):
        module = fact.name.rsplit(".", 1)[0]
        if (module, fact.symbol) not in entry_points:
            by_module[module].append(fact)
    for module, functions in by_module.items():
        system = _system(module, "module")
        criteria = [c for f in functions for c in _callable_criteria(f, system)]
        story = f"As a caller of {system}, I want its public functions, so that <the purpose>."
        yield (RequirementPlan(f"Public functions of {module}", story, tuple(criteria)), system,
               f"the public functions of `{module}`")


def _decorated_handlers(sheet: FactSheet) -> set[tuple[str, str]]:
    """(module, function) of route handlers and click/typer commands: described already."""
    return {(str(f.details.get("module")), f.symbol) for f in sheet.of_kind("route", "command")
            if f.details.get("framework") != "argparse"}


def _class_requirements(sheet: FactSheet) -> Iterator[tuple[RequirementPlan, str, str]]:
    methods: dict[str, list[Fact]] = defaultdict(list)
    for fact in sheet.of_kind("method"):
        methods[fact.name.rsplit(".", 1)[0]].append(fact)
    for owner in sheet.of_kind("class", "data_model"):
        members = [m for m in methods.get(owner.name, []) if m.symbol != "__init__"]
        if not members:
            continue
        system = snake_system_name(owner.symbol)
        criteria = [c for m in members for c in _callable_criteria(m, system)]
        story = f"As a user of {system}, I want its methods, so that <the purpose>."
        yield (RequirementPlan(f"Class {owner.symbol}", story, tuple(criteria)), system,
               f"class `{owner.name}`")


def _callable_criteria(fact: Fact, system: str) -> list[CriterionDraft]:
    returns = str(fact.details.get("returns", ""))
    result = f"return {returns}" if returns and returns != "None" else "act"
    criteria = [CriterionDraft(
        f"WHEN a caller calls {fact.symbol}, THE {system} SHALL <{result} as implemented in "
        f"{fact.location}>.", (fact.id,))]
    criteria.extend(_raise_criteria(fact, system, fact.symbol, "raise"))
    return criteria


def _raise_criteria(fact: Fact, system: str, symbol: str, verb: str) -> list[CriterionDraft]:
    criteria = []
    for raised in list(fact.details.get("raises", ()))[:MAX_RAISE_CRITERIA]:
        name, _, status = str(raised).partition("(")
        outcome = f"respond with status code {status.rstrip(')')}" if status and \
            verb == "respond with" else f"raise {name}"
        criteria.append(CriterionDraft(
            f"IF <the condition checked in {symbol}> holds, THEN THE {system} SHALL {outcome}.",
            (fact.id,)))
    return criteria


def _system(module: str, role: str) -> str:
    """`shop.items` + `api` -> `Items_Api`; no doubled role (`shop.api` -> `Api`)."""
    last = module.rsplit(".", 1)[-1] or module
    words = [last] if last.lower().endswith(role) else [last, role]
    return snake_system_name(*words)


def _example_id(sheet: FactSheet) -> str:
    return sheet.facts[0].id if sheet.facts else "F000000"
