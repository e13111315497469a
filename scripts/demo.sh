#!/usr/bin/env bash
# Quick start: set up, then run specloom's main job on a copy of the bundled example workspace:
# the deterministic review, then a new spec written by the embedded local model (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
specloom=".venv/bin/specloom"
work="$(mktemp -d)/bookshelf"
cp -r examples/bookshelf "$work"
run() { echo; echo "\$ specloom $*"; "$specloom" --root "$work" "$@"; }

run list
run check                 # the default rules: what a requirements engineer rarely disputes
run check --select ALL || true   # every rule, the opt-in smells included
run new loan-holds "Members can place a hold on a book that is out on loan; when the book is \
returned, the first member in the queue gets it for three days." --no-input --model local || true
echo; echo "\$ cat .kiro/specs/loan-holds/requirements.md"
cat "$work/.kiro/specs/loan-holds/requirements.md" 2>/dev/null || true
run approve loan-holds || true
run next loan-holds --no-input --model local || true   # design.md, derived from the requirements
run approve loan-holds || true
run next loan-holds --no-input --model local || true   # tasks.md
run list
echo
echo "The example was copied to $work; the bundled example is untouched."
echo "The embedded model is tiny: it shows the workflow offline. Use --model anthropic:<model>,"
echo "openai:<model> or another provider for real specs (see docs/models.md)."
