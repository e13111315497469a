#!/usr/bin/env bash
# The whole test suite: lint (ruff), types (mypy), tests (pytest), and specloom's own specs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check src tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== specloom check (dogfood: specloom's own specs)"
.venv/bin/specloom check
echo "== pytest"
.venv/bin/python -m pytest "$@"
echo "== specloom verify (dogfood: each criterion of specloom's own specs against its linked tests)"
.venv/bin/specloom verify
