"""How steering decides: glob matching for fileMatch and description matching for auto.

Globs (fileMatch) are matched against whole workspace-relative paths with forward slashes:
`*` and `?` stay within one folder, `**` spans any number of folders (also none), `[abc]` is a
character class, and a leading `./` or `/` is ignored. `*.py` therefore matches `setup.py` but
not `src/app.py`; write `**/*.py` for every Python file.

auto matching is keyword overlap, deterministic and explainable:
1. Both the description and the prompt are split into words (letters and digits), lower-cased.
2. Stop words (English function words and generic request words such as "use", "when",
   "please") and words shorter than three characters are dropped, except short all-caps
   acronyms such as "UI" or "DB".
3. Each word is reduced to a stem by removing one common suffix ("ies"->"y", "ing", "ed",
   "es", "s"), so "endpoints" meets "endpoint" and "adding" meets "add".
4. The file is included when the prompt shares at least `AUTO_THRESHOLD` (2) distinct stems with
   the description, or when the description has a single content word and the prompt has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

AUTO_THRESHOLD = 2

_STOP_WORD_TEXT = """
a about above after again against all also an and any are as at be because been before being
below between both but by can could did do does doing done down during each either else etc
every few for from further had has have having here how if in into is it its itself just less
like may might more most much must no nor not now of off on once only or other our out over own
per same should so some such than that the their them then there these they this those through
to too under until up upon use used uses using very via was we were what when whenever where
whether which while who whom why will with within without would you your yours
please want wants need needs make makes help thing things way ways work working something
"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True, slots=True)
class AutoMatch:
    matched: bool
    words: tuple[str, ...]      # description words (as written) that the prompt shares
    needed: int


def path_matches(pattern: str, path: str) -> bool:
    """Whether the workspace-relative `path` matches the glob `pattern`."""
    return _compile(_normalise(pattern)).fullmatch(_normalise(path)) is not None


def _normalise(text: str) -> str:
    text = text.strip().replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return text.lstrip("/")


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:[^/]*/)*")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and "]" in pattern[index + 2:]:
            end = pattern.index("]", index + 2)
            body = pattern[index + 1:end]
            negate = body.startswith("!")
            body = re.escape(body[1:] if negate else body).replace("\\-", "-")
            out.append(f"[{'^' if negate else ''}{body}]")
            index = end + 1
            continue
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out))


def stem(word: str) -> str:
    """A crude, deterministic stem: drop one common English suffix."""
    word = word.lower()
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + replacement
    return word


def content_words(text: str) -> dict[str, str]:
    """Stem -> first word (as written) for each content word of `text`, in order."""
    words: dict[str, str] = {}
    for match in WORD.finditer(text):
        word = match.group(0)
        acronym = word.isupper() and len(word) >= 2
        if word.lower() in STOP_WORDS or (len(word) < 3 and not acronym):
            continue
        words.setdefault(stem(word), word)
    return words


def match_description(description: str, prompt: str) -> AutoMatch:
    """Whether `prompt` matches `description` under the rule in the module docstring."""
    wanted = content_words(description)
    offered = content_words(prompt)
    shared = tuple(word for key, word in wanted.items() if key in offered)
    needed = min(AUTO_THRESHOLD, len(wanted)) if wanted else AUTO_THRESHOLD
    return AutoMatch(bool(wanted) and len(shared) >= needed, shared, needed)
