#!/usr/bin/env bash
# Rebuilds Tests/Fixtures/seed-parity from the project's own generator and notebook oracle. The tests check that
# these commands still give the committed bytes (SeedParityTests), so the fixture's provenance cannot drift.
set -euo pipefail
cd "$(dirname "$0")/.."
out=Tests/Fixtures/seed-parity
python3 scripts/generate-tickets.py --out "$out/tickets.csv" --truth "$out/truth.json" \
    --days 150 --per-day 150 --incidents 8 --seed 104 --strength 4 --gaps 2 --seed-columns
python3 Tests/oracle/notebook_oracle.py "$out/tickets.csv" "$out/expected_alerts.csv" --daily "$out/expected_daily.csv"
