"""A013: system names used in criteria must be defined in the Glossary (strict EARS dialect)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from specloom.core.rule import Rule, Severity

RULES: tuple[Rule, ...] = (
    Rule("A013", "undefined-system-name", "ambiguity", Severity.WARNING,
         "A criterion's system name is not defined in the Glossary.",
         "Strict EARS names the responsible component (THE Cart_Service SHALL ...). When the "
         "document has a Glossary, every such name should be defined there, so that readers "
         "and models agree on what it means.",
         "THE Checkout_Svc SHALL ...   (Glossary defines Cart_Service only)",
         "THE Cart_Service SHALL ...", "define the name in the Glossary or use a defined one"),
)

# Names every reader understands without a definition.
GENERIC_NAMES = frozenset({
    "system", "application", "app", "service", "software", "tool", "user", "frontend",
    "front end", "backend", "back end", "ui", "user interface", "api", "server", "client",
    "database", "cli", "website", "web site", "web app", "platform",
    # artifacts every reader knows: "THE API routes SHALL ...", "THE test suite SHALL ..."
    "api route", "api endpoint", "endpoint", "route", "test suite", "test", "config file",
    "configuration file", "readme", "browser",
})
# A code identifier: "WeaponSelector", "OrderDto"; a masked code span ("____"); a file name.
_CODE_KINDS = frozenset({
    "interface", "class", "type", "enum", "entity", "table", "column", "field", "struct",
    "function", "method", "dto",
})
_CODE_WORD = re.compile(r"[a-z0-9][A-Z]|^_+$|\w\.[A-Za-z0-9]{1,5}$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_MARKUP = re.compile(r"[*`\\\"'“”‘’]")
_ALIAS = re.compile(r"\s*\(([^()]*)\)\s*")


@lru_cache(maxsize=4096)
def normalise(name: str) -> str:
    """Lower-case words of a name: `Cart_Service`, `**Cart Service**` and `CartService` all
    become "cart service"; a final plural -s is dropped from each word. Memoised: the same
    system and glossary names come back in every criterion and spec."""
    name = _CAMEL.sub(" ", _MARKUP.sub("", name))
    words = name.replace("_", " ").replace("-", " ").lower().split()
    return " ".join(_singular(word) for word in words)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def defined_names(terms: Iterable[str]) -> frozenset[str]:
    """Normalised glossary terms; "Pull Request (PR)" defines both "pull request" and "pr"."""
    names = set()
    for term in terms:
        alias = _ALIAS.search(term)
        if alias is not None:
            names.add(normalise(alias.group(1)))
            term = term[: alias.start()] + " " + term[alias.end() :]
        names.add(normalise(term))
    names.discard("")
    return frozenset(names)


def is_undefined(system: str, defined: frozenset[str]) -> bool:
    """True when `system` names a component the glossary does not define.

    A name is defined when it is a glossary term written differently (case, underscores,
    markup, CamelCase, plural), the term followed by words that say its kind ("ScoreGauge
    component") or by a qualifier ("Hackathon Analyzer edit mode"), or a kind of a term
    ("Analyzer API route" where "API routes" is defined).
    """
    key = normalise(system)
    if not key or key in GENERIC_NAMES or key in defined:
        return False
    words = key.split()
    if not ("_" in system or system[:1].isupper()):
        return False  # plain words such as "the user" are not component names
    if any(_CODE_WORD.search(word) for word in system.split()):
        return False  # a code type, a code span or a file: "OrderDto interface", "README.md"
    if len(words) > 1 and words[-1] in _CODE_KINDS:
        return False  # a construct of the code: "Order entity", "Invoice table"
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if head in defined:
            return False  # a defined term and a qualifier
        if tail in defined and (cut == 1 or len(tail.split()) > 1):
            return False  # a kind of a defined term
    return True


def is_instance_in_trigger(system: str, condition: str) -> bool:
    """True when the condition introduces `system` with an article: "WHEN an Order is placed,
    THE Order SHALL ..." names a domain entity the reader has just met, not a component."""
    key = normalise(system)
    count = len(key.split())
    if not key or count > MAX_TERM_WORDS:
        return False
    for match in _ARTICLE.finditer(condition):
        # Read only the `count` words after the article, never the rest of the condition: a
        # clause full of articles would otherwise cost time quadratic in its length.
        words = []
        for word in _WORD.finditer(condition, match.end()):
            words.append(word.group())
            if len(words) == count:
                break
        if normalise(" ".join(words)) == key:
            return True
    return False


# A name longer than this (in normalised words) is never read as an entity the trigger
# introduces; the bound keeps is_instance_in_trigger linear in the length of the condition.
MAX_TERM_WORDS = 12
_ARTICLE = re.compile(r"(?<![\w-])(?:a|an|A|An)\s+")
_WORD = re.compile(r"\S+")
