"""Tests here run verify on temporary projects that have no environment of their own.

Without one, verify would pick whatever `python3` is on PATH, which differs between machines; so
each test runs as if specloom's own environment were the active one (`$VIRTUAL_ENV`), which holds
pytest and Hypothesis. Tests of the detection itself set or remove the variable themselves.
"""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def _specloom_environment_is_active(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)
