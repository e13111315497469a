#!/usr/bin/env bash
# Quick start: set up, then run specloom on the bundled example workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
example=examples/bookshelf
echo "\$ specloom --root $example list"
.venv/bin/specloom --root "$example" list
echo
echo "\$ specloom --root $example check"
.venv/bin/specloom --root "$example" check
