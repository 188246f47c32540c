#!/usr/bin/env bash
# A long run of the differential audit test: BATCHES batches of 60 generated snippets
# (each in a page, a static file and a feed) against real Chromium, random each run.
# Usage: bash bench/audit_fuzz.sh [BATCHES]   (default 50; CI runs 2, fixed)
set -euo pipefail
cd "$(dirname "$0")/.."
SITEGEN_AUDIT_FUZZ="${1:-50}" exec .venv/bin/pytest -q -s tests/test_audit_differential.py
