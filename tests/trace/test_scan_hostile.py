"""The link scan reads a checkout it did not write: FIFOs and huge files are never read."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from specloom.trace.scan import scan_links


def test_a_fifo_and_a_sparse_huge_file_are_skipped_without_reading(tmp_path: Path) -> None:
    (tmp_path / "test_ok.py").write_text(
        "import pytest\n\n@pytest.mark.req('cart', '1.1')\ndef test_a():\n    pass\n")
    os.mkfifo(tmp_path / "pipe.py")
    with (tmp_path / "huge.py").open("wb") as handle:
        handle.truncate(3 * 2**30)  # 3 GB, sparse: reading it would exhaust memory
    result: dict[str, object] = {}
    thread = threading.Thread(target=lambda: result.update(scan=scan_links(tmp_path)),
                              daemon=True)
    thread.start()
    thread.join(60)  # an open() of the FIFO would block here for ever
    assert not thread.is_alive(), "the scan blocked on the FIFO"
    scan = result["scan"]
    assert [(link.spec, link.criterion) for link in scan.links] == [("cart", "1.1")]  # type: ignore[attr-defined]
