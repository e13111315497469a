"""A013: system names used in criteria must be defined in the Glossary (strict EARS dialect)."""

from __future__ import annotations

from specloom.quality.rule import Rule, Severity

RULES: tuple[Rule, ...] = (
    Rule("A013", "undefined-system-name", "ambiguity", Severity.WARNING,
         "A criterion's system name is not defined in the Glossary.",
         "Strict EARS names the responsible component (THE Cart_Service SHALL ...). When the "
         "document has a Glossary, every such name should be defined there, so that readers "
         "and models agree on what it means.",
         "THE Checkout_Svc SHALL ...   (Glossary defines Cart_Service only)",
         "THE Cart_Service SHALL ...", "define the name in the Glossary or use a defined one"),
)

GENERIC_NAMES = frozenset({"system", "application", "app", "service", "software", "tool"})


def normalise(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").lower().split())


def is_undefined(system: str, defined: frozenset[str]) -> bool:
    """True when `system` names a component the glossary does not define."""
    key = normalise(system)
    if not key or key in GENERIC_NAMES or key in defined:
        return False
    # plain words such as "the user" are not component names
    return "_" in system or system[:1].isupper()
