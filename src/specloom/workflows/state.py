"""specloom's own keys inside `.config.kiro`: the idea, the workflow and the approvals.

Kiro's keys (`specId`, `workflowType`, `specType`) and any key another tool wrote are kept
on every rewrite, and so are unknown keys inside the `"specloom"` object. The file is re-read
from disk before each write and replaced only if it did not change meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from specloom.core.errors import SpecloomError
from specloom.spec.config import SpecConfig, parse_config
from specloom.spec.source import FileRefused, read_bounded
from specloom.workflows.phases import Workflow, kiro_config_values

CONFIG_FILE = ".config.kiro"
SPECLOOM_KEY = "specloom"

NO_IDEA = "(no idea was recorded for this spec; work from the documents below)"


def specloom_block(config: SpecConfig) -> dict[str, Any]:
    """The `"specloom"` object of a `.config.kiro` (empty when absent or not an object)."""
    block = config.raw.get(SPECLOOM_KEY)
    return dict(block) if isinstance(block, dict) else {}


def new_config_text(workflow: Workflow, idea: str) -> str:
    """A fresh `.config.kiro` as Kiro writes it, plus the idea for later phases."""
    import uuid  # here, not at the top: `specloom list` reads approvals and writes nothing

    values: dict[str, Any] = {"specId": str(uuid.uuid4()), **kiro_config_values(workflow)}
    values[SPECLOOM_KEY] = {"workflow": workflow, "idea": idea}
    return SpecConfig().updated(**values)


class ConfigFileError(ValueError, SpecloomError):
    """`.config.kiro` cannot be rewritten without losing what it holds; the message says why."""


def update_specloom_block(spec_dir: Path,
                          change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Apply `change` to the `"specloom"` object and write `.config.kiro` atomically.

    A file that is not UTF-8 JSON holding an object is refused, never replaced: rewriting it
    would drop the keys (or bytes) a person or another tool put there.
    """
    from specloom.spec.files import replace_if_unchanged

    path = spec_dir / CONFIG_FILE
    try:
        before = read_bounded(path)
    except FileNotFoundError:
        before = b""
    except FileRefused as exc:  # a folder, a FIFO, a dangling link, a huge file: not ours
        raise ConfigFileError(f"{path}: {exc.reason}; {exc.hint}, then run the command "
                              "again (nothing was written)") from None
    try:
        text = before.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = before[: exc.start].count(b"\n") + 1
        raise ConfigFileError(f"{path}:{line}: not valid UTF-8 (byte 0x{before[exc.start]:02x}); "
                              "save it as UTF-8 JSON, then run the command again") from None
    config = parse_config(text)
    unreadable = [p for p in config.problems if not config.raw and p.code == "S008"]
    if unreadable:
        raise ConfigFileError(f"{path}:{unreadable[0].line}: {unreadable[0].message}; "
                              f"{unreadable[0].hint}, then run the command again "
                              "(nothing was written)")
    block = change(specloom_block(config))
    replace_if_unchanged(path, before, config.updated(**{SPECLOOM_KEY: block}).encode("utf-8"))


def read_config(spec_dir: Path) -> SpecConfig:
    path = spec_dir / CONFIG_FILE
    try:
        data = read_bounded(path)
    except FileNotFoundError:
        data = b""
    except OSError:  # unreadable: `specloom check` reports it; read as no settings
        return SpecConfig()
    return parse_config(data.decode("utf-8", errors="replace"))
