#!/usr/bin/env bash
# The whole test suite: lint (ruff), types (mypy), tests (pytest), and specloom's own specs.
# Each test runs once: pytest records every outcome (specloom's plugin, --specloom-report) and
# `specloom verify` judges the criteria from that record instead of running the tests again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check src tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== specloom check (dogfood: specloom's own specs)"
.venv/bin/specloom check
record_dir="$(mktemp -d "${TMPDIR:-/tmp}/specloom-test.XXXXXX")"
trap 'rm -rf "$record_dir"' EXIT
record="$record_dir/pytest-report.json"
echo "== pytest"
.venv/bin/python -m pytest --specloom-report="$record" "$@"
echo "== specloom verify (dogfood: each criterion of specloom's own specs, from the outcomes of that pytest run)"
.venv/bin/specloom verify --pytest-report "$record"
