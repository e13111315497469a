"""write_atomic: new files get the usual mode, existing files keep theirs, no temp file is left."""

from __future__ import annotations

import os
from pathlib import Path

from specloom.spec.files import write_atomic


def test_new_file_gets_the_umask_mode_and_existing_keeps_its_own(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "new.md"
        write_atomic(fresh, b"one\n")
        assert fresh.stat().st_mode & 0o777 == 0o644
        script = tmp_path / "run.sh"
        script.write_bytes(b"#!/bin/sh\n")
        script.chmod(0o750)
        write_atomic(script, b"#!/bin/sh\necho hi\n")
        assert script.stat().st_mode & 0o777 == 0o750
        assert script.read_bytes() == b"#!/bin/sh\necho hi\n"
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md", "run.sh"]
