"""Check settings from `[tool.specloom]` in pyproject.toml and `.kiro/settings/specloom.toml`.

Keys: `select`, `extend-select` and `ignore` (lists of rule codes, code prefixes such as "A" or
"C00", or "ALL"), `severity` (a table from code or prefix to error|warning|info) and `fail-on`.
Without `select`, the rules of the default tier run (see `tiers.py`); `extend-select` adds rules
to whatever `select` gives, as in ruff. The keys may also sit in a `check` table. The files are
read and merged by `core.config` (specloom.toml after pyproject.toml, its keys win). A
`--select` on the command line replaces the files' whole selection (their `select`,
`extend-select` and `ignore`), as ruff's does; see `CheckSettings.with_overrides`.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from specloom.core.config_files import SettingsError
from specloom.core.rule import Severity


@dataclass(frozen=True, slots=True)
class CheckSettings:
    select: tuple[str, ...] = ()  # empty: the default tier; "ALL" (or "") selects every rule
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    sources: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        selected = _longest_prefix(code, _prefixes(self.select + self.extend_select))
        if selected is None and not self.select:
            from specloom.quality.registry import default_codes

            if code in default_codes():
                selected = ""
        if selected is None:
            return False
        ignored = _longest_prefix(code, _prefixes(self.ignore))
        return ignored is None or len(ignored) < len(selected)

    def require_known_codes(self) -> None:
        """Refuse selectors that match no rule: a typo would silently check nothing."""
        if not (self.select or self.extend_select or self.ignore or self.severity):
            return  # nothing to check, and the rule families stay unloaded
        from specloom.quality.registry import all_rules

        codes = list(all_rules())
        for where, selectors in (("select", self.select), ("extend-select", self.extend_select),
                                 ("ignore", self.ignore), ("severity", tuple(self.severity))):
            for selector in selectors:
                if selector != "ALL" and not any(code.startswith(selector) for code in codes):
                    raise SettingsError(
                        f"{where}: {selector!r} matches no rule code; run 'specloom rules' "
                        "for the codes (a prefix such as 'A' or 'C00' selects a family)")

    def severity_of(self, code: str, default: Severity) -> Severity:
        prefix = _longest_prefix(code, tuple(self.severity))
        return self.severity[prefix] if prefix is not None else default

    def for_drafts(self) -> CheckSettings:
        """The settings that judge a model's draft: every rule, unless the project selects
        rules itself. The default tier is tuned for text people wrote; a draft is repaired
        before anyone reads it, so the opt-in smells (template echoes, placeholders) count."""
        if self.select:
            return self
        return dataclasses.replace(self, select=("ALL",))

    def with_overrides(self, select: list[str] | None, ignore: list[str] | None,
                       fail_on: str | None,
                       extend_select: list[str] | None = None) -> CheckSettings:
        """These settings with the command line's options on top.

        As in ruff, a `select` given on the command line starts the selection afresh: it
        replaces the files' `select` and drops their `extend-select` and `ignore`, so
        `--select A006` reports A006 even where a file ignores it. The command line's own
        `extend_select` and `ignore` then apply; without a `select`, they add to the files'.
        Severities and inline suppression comments are not part of the selection and stay.
        """
        base_select, base_extend, base_ignore = self.select, self.extend_select, self.ignore
        if select:
            base_select, base_extend, base_ignore = tuple(select), (), ()
        return CheckSettings(
            select=base_select,
            ignore=base_ignore + tuple(ignore or ()),
            extend_select=base_extend + tuple(extend_select or ()),
            severity=self.severity,
            fail_on=Severity.parse(fail_on) if fail_on else self.fail_on,
            sources=self.sources,
        )


def _prefixes(selectors: tuple[str, ...]) -> tuple[str, ...]:
    """Selectors as code prefixes: "ALL" is the empty prefix, which every code starts with."""
    return tuple("" if s == "ALL" else s for s in selectors)


def _longest_prefix(code: str, prefixes: tuple[str, ...]) -> str | None:
    best: str | None = None
    for prefix in prefixes:
        if code.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return best


def load_settings(root: Path) -> CheckSettings:
    """Settings for the workspace at `root`; missing files mean defaults.

    Read through `core.config`, which validates every key of both files (SettingsError naming
    the file and the key) and merges them. Where neither file mentions specloom, the defaults
    are returned without loading the validator (pydantic), which `check` would otherwise
    spend most of its start-up on."""
    if not _mentions_specloom(root / "pyproject.toml") \
            and not os.path.lexists(root / ".kiro" / "settings" / "specloom.toml"):
        return CheckSettings()
    from specloom.core.config import load_config

    config = load_config(root)
    check = config.check
    return CheckSettings(
        select=check.select,
        ignore=check.ignore,
        extend_select=check.extend_select,
        severity=dict(check.severity),
        fail_on=check.fail_on,
        sources=tuple(str(path) for path in config.files),
    )


def _mentions_specloom(path: Path) -> bool:
    """Whether `path` may hold specloom settings: it exists and names specloom (an unreadable
    file counts, so that `core.config` reports it)."""
    try:
        return b"specloom" in path.read_bytes()
    except FileNotFoundError:
        return False
    except OSError:
        return True
