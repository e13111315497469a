"""Steering: load `.kiro/steering/*.md`, `~/.kiro/steering/*.md` and `AGENTS.md`, and select.

Loading reads every file, parses its YAML front matter and reports problems as K-code
diagnostics with file and line; a file whose front matter is broken (K001) or whose inclusion is
unknown (K002) is not loaded, and the others still are. Workspace files win over user files of
the same name. `AGENTS.md` at the workspace root is always included.

Selection decides, for a set of files in context and a prompt, which files are included and
why (see `specloom.context.matching` for the fileMatch and auto rules). A `#name` mention in the
prompt includes any file with that name, whatever its mode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from specloom.context.inline import inline_files
from specloom.context.matching import match_description, path_matches
from specloom.context.rules import steering_diagnostic
from specloom.context.tokens import estimate_tokens
from specloom.core.diagnostic import Diagnostic
from specloom.spec.front_matter import front_matter
from specloom.spec.source import read_bounded
from specloom.spec.workspace import Workspace

INCLUSION_MODES = ("always", "fileMatch", "manual", "auto")
AGENTS_FILE = "AGENTS.md"


@dataclass(frozen=True, slots=True)
class SteeringFile:
    name: str            # file name without .md ("tech"); "AGENTS" for AGENTS.md
    path: Path
    display_path: str    # relative to the workspace root, or "~/.kiro/steering/x.md"
    scope: str           # "workspace" | "user" | "agents"
    inclusion: str       # "always" | "fileMatch" | "manual" | "auto"
    patterns: tuple[str, ...]
    description: str | None
    body: str            # text after the front matter
    body_line: int = 1   # line number of the body's first line in the file
    has_front_matter: bool = False


@dataclass(frozen=True, slots=True)
class Included:
    file: SteeringFile
    reason: str
    text: str            # body with #[[file:...]] inlined
    tokens: int


@dataclass(frozen=True, slots=True)
class SteeringSelection:
    included: tuple[Included, ...]      # AGENTS.md, then always (by name), then the rest by name
    excluded: tuple[tuple[SteeringFile, str], ...]   # file and why not
    problems: tuple[Diagnostic, ...]
    excluded_tokens: tuple[int, ...] = ()  # what each excluded file would cost, same order


# -- loading ------------------------------------------------------------------------------

def load_steering(workspace: Workspace,
                  home: Path | None = None) -> tuple[list[SteeringFile], list[Diagnostic]]:
    """Every loadable steering file (AGENTS.md first, then by name) and the problems found."""
    home = Path.home() if home is None else home
    files: list[SteeringFile] = []
    problems: list[Diagnostic] = []
    agents = workspace.root / AGENTS_FILE
    if agents.is_file():
        _add(_read(agents, "AGENTS", AGENTS_FILE, "agents"), files, problems)
    workspace_dir = workspace.kiro / "steering"
    user_dir = home / ".kiro" / "steering"
    taken: set[str] = set()
    for path in _markdown_files(workspace_dir):
        taken.add(path.stem)
        _add(_read(path, path.stem, workspace.relative(path), "workspace"), files, problems)
    if _same_folder(user_dir, workspace_dir):
        return files, problems
    for path in _markdown_files(user_dir):
        if path.stem not in taken:
            display = f"~/.kiro/steering/{path.name}"
            _add(_read(path, path.stem, display, "user"), files, problems)
    return files, problems


def _markdown_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if p.is_file())


def _same_folder(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return False


def _add(loaded: tuple[SteeringFile | None, list[Diagnostic]], files: list[SteeringFile],
         problems: list[Diagnostic]) -> None:
    file, found = loaded
    if file is not None:
        files.append(file)
    problems.extend(found)


def _read(path: Path, name: str, display: str,
          scope: str) -> tuple[SteeringFile | None, list[Diagnostic]]:
    try:
        text = read_bounded(path).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [steering_diagnostic(
            "K001", display, 1, f"cannot read the steering file as UTF-8 text ({exc})",
            "save it as UTF-8 markdown")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if scope == "agents":
        return _file(path, name, display, scope, text, {}, 1, False), []
    return _parse(path, name, display, scope, text)


def _file(path: Path, name: str, display: str, scope: str, body: str,
          meta: dict[str, Any], body_line: int, has_front_matter: bool) -> SteeringFile:
    inclusion = _canonical_inclusion(meta.get("inclusion")) or "always"
    description = meta.get("description")
    return SteeringFile(name=name, path=path, display_path=display, scope=scope,
                        inclusion=inclusion, patterns=_patterns(meta.get("fileMatchPattern")),
                        description=str(description).strip() if description else None,
                        body=body, body_line=body_line, has_front_matter=has_front_matter)


def _parse(path: Path, name: str, display: str, scope: str,
           text: str) -> tuple[SteeringFile | None, list[Diagnostic]]:
    lines = text.split("\n")
    found = front_matter(lines)
    if found is None:
        return _file(path, name, display, scope, text, {}, 1, False), []
    close = found.closing
    if close is None:
        return None, [steering_diagnostic(
            "K001", display, 1, "front matter opened with '---' is never closed; file not loaded",
            "add a closing '---' line after the front matter", width=3)]
    header = "\n".join(lines[1:close])
    meta, problem = _yaml_mapping(header, display)
    if problem is not None:
        return None, [problem]
    problems = _check_meta(meta, lines[1:close], display)
    if any(p.code == "K002" for p in problems):
        return None, problems
    body = "\n".join(lines[close + 1:])
    return _file(path, name, display, scope, body, meta, close + 2, True), problems


def _yaml_mapping(header: str, display: str) -> tuple[dict[str, Any], Diagnostic | None]:
    try:
        data = yaml.safe_load(header) if header.strip() else {}
    except RecursionError:  # nesting deeper than the YAML parser can follow
        return {}, steering_diagnostic(
            "K001", display, 2, "front matter is nested too deeply to read; file not loaded")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + (mark.line if mark is not None else 0)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return {}, steering_diagnostic(
            "K001", display, line, f"front matter is not valid YAML ({reason}); file not loaded")
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, steering_diagnostic(
            "K001", display, 2, "front matter must be a YAML mapping of keys to values; "
                                "file not loaded")
    return {str(key): value for key, value in data.items()}, None


def _check_meta(meta: dict[str, Any], header: list[str], display: str) -> list[Diagnostic]:
    def line_of(key: str) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
        return next((i + 2 for i, text in enumerate(header) if pattern.match(text)), 1)

    problems: list[Diagnostic] = []
    raw = meta.get("inclusion")
    inclusion = _canonical_inclusion(raw) if raw is not None else "always"
    if inclusion is None:
        problems.append(steering_diagnostic(
            "K002", display, line_of("inclusion"),
            f"unknown inclusion {raw!r}; use always, fileMatch, manual or auto; file not loaded"))
    elif inclusion == "fileMatch" and not _patterns(meta.get("fileMatchPattern")):
        problems.append(steering_diagnostic(
            "K005", display, line_of("fileMatchPattern") if "fileMatchPattern" in meta
            else line_of("inclusion"),
            "inclusion is fileMatch but fileMatchPattern is missing or not a glob string or "
            "list of glob strings; the file can never match"))
    elif inclusion == "auto" and not str(meta.get("description") or "").strip():
        problems.append(steering_diagnostic(
            "K006", display, line_of("inclusion"),
            "inclusion is auto but there is no description to match requests against"))
    return problems


def _canonical_inclusion(value: Any) -> str | None:
    """The canonical spelling of an inclusion mode (case-insensitive), or None if unknown."""
    if not isinstance(value, str):
        return None
    lowered = value.strip().lower()
    return next((mode for mode in INCLUSION_MODES if mode.lower() == lowered), None)


def _patterns(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(item).strip() for item in value
                     if isinstance(item, str) and item.strip())
    return ()


# -- selection ----------------------------------------------------------------------------

def select_steering(workspace: Workspace, *, paths: Sequence[str] = (), prompt: str = "",
                    home: Path | None = None) -> SteeringSelection:
    """Which steering files go into a context holding `paths` for `prompt`, and why."""
    files, problems = load_steering(workspace, home)
    context_paths = [_relative_path(workspace, path) for path in paths]
    mentions = _mentions(prompt)
    included: list[Included] = []
    excluded: list[tuple[SteeringFile, str, int]] = []
    for file in sorted(files, key=_order):
        result = inline_files(file.body, root=workspace.root, source=file.display_path,
                              origin=file.path, first_line=file.body_line)
        problems.extend(result.problems)
        tokens = estimate_tokens(result.text)
        included_because, excluded_because = _decide(file, context_paths, prompt, mentions)
        if included_because is not None:
            included.append(Included(file, included_because, result.text, tokens))
        else:
            excluded.append((file, excluded_because, tokens))
    return SteeringSelection(
        included=tuple(included),
        excluded=tuple((file, why) for file, why, _ in excluded),
        problems=tuple(sorted(dict.fromkeys(problems), key=Diagnostic.sort_key)),
        excluded_tokens=tuple(tokens for _, _, tokens in excluded),
    )


def _order(file: SteeringFile) -> tuple[int, str, str]:
    rank = 0 if file.scope == "agents" else 1 if file.inclusion == "always" else 2
    return rank, file.name, file.display_path


def _relative_path(workspace: Workspace, path: str) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        return workspace.relative(candidate)
    return path.replace("\\", "/").removeprefix("./")


def _mentions(prompt: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"(?<![\w#])#([\w][\w.-]*)", prompt)}


def _decide(file: SteeringFile, paths: Sequence[str], prompt: str,
            mentions: set[str]) -> tuple[str | None, str]:
    """(reason included, None) or (None, reason excluded)."""
    if file.scope == "agents":
        return "always: AGENTS.md at the repository root", ""
    if file.inclusion == "always":
        return ("always" if file.has_front_matter else "always (no front matter)"), ""
    own, why_not = _mode_match(file, paths, prompt)
    if own is not None:
        return own, ""
    if file.name in mentions:
        return f"manual: #{file.name}" if file.inclusion == "manual" \
            else f"mentioned: #{file.name} ({file.inclusion} did not match)", ""
    return None, why_not


def _mode_match(file: SteeringFile, paths: Sequence[str], prompt: str) -> tuple[str | None, str]:
    if file.inclusion == "fileMatch":
        return _file_match(file, paths)
    if file.inclusion == "auto":
        return _auto_match(file, prompt)
    return None, f"manual: #{file.name} is not mentioned in the prompt"


def _file_match(file: SteeringFile, paths: Sequence[str]) -> tuple[str | None, str]:
    for pattern in file.patterns:
        for path in paths:
            if path_matches(pattern, path):
                return f"fileMatch {pattern} matched {path}", ""
    shown = ", ".join(file.patterns) or "(no pattern)"
    if not paths:
        return None, f"fileMatch {shown}: no file in context (use --for PATH)"
    return None, f"fileMatch {shown}: none of the {len(paths)} file(s) in context match"


def _auto_match(file: SteeringFile, prompt: str) -> tuple[str | None, str]:
    if not file.description:
        return None, "auto: no description to match"
    if not prompt.strip():
        return None, "auto: no prompt to match the description against (use --prompt TEXT)"
    match = match_description(file.description, prompt)
    words = ", ".join(f"'{word}'" for word in match.words)
    if match.matched:
        return f"auto: description matches {words}", ""
    shared = f"shares only {words}" if match.words else "shares no content word"
    return None, f"auto: prompt {shared} with the description (needs {match.needed})"


# -- rendering ----------------------------------------------------------------------------

def render_steering(selection: SteeringSelection) -> str:
    """The steering block for prompts: each included file between named delimiters."""
    blocks = [
        f'<steering name="{item.file.name}" source="{item.file.display_path}">\n'
        f"{item.text.strip()}\n</steering>"
        for item in selection.included
    ]
    return "\n\n".join(blocks) + ("\n" if blocks else "")
