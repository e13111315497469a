"""Write the JSON Schemas of every `--json` output and MCP tool result into docs/schemas/.

The schemas are generated from the output models (`specloom.app.json_schemas`); never edit
them by hand. `--check` writes nothing and exits 1 when a published file is missing, stale or
no longer generated (tests/test_json_outputs.py runs the same comparison).

    .venv/bin/python scripts/json_schemas.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from specloom.app.json_schemas import schema_files

SCHEMAS = Path(__file__).resolve().parents[1] / "docs" / "schemas"


def differences(folder: Path = SCHEMAS) -> list[str]:
    """The paths under `folder` that differ from what the models generate."""
    wanted = schema_files()
    found = {path.relative_to(folder).as_posix() for path in folder.rglob("*.schema.json")}
    stale = [p for p, text in wanted.items()
             if not (folder / p).is_file() or (folder / p).read_text(encoding="utf-8") != text]
    return sorted(stale + sorted(found - set(wanted)))


def write(folder: Path = SCHEMAS) -> list[str]:
    """Write every schema (and remove ones no model generates); the paths that changed."""
    changed = differences(folder)
    wanted = schema_files()
    for path in changed:
        target = folder / path
        if path in wanted:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(wanted[path], encoding="utf-8")
        else:
            target.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when docs/schemas/ is out of date")
    args = parser.parse_args(argv)
    if args.check:
        stale = differences()
        for path in stale:
            print(f"out of date: docs/schemas/{path}")
        if stale:
            print("run: .venv/bin/python scripts/json_schemas.py", file=sys.stderr)
        return 1 if stale else 0
    for path in write():
        print(f"wrote docs/schemas/{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
