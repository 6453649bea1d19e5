#!/usr/bin/env bash
# Loads a year of generated tickets (gen_tickets.py seed 7, 365 days, 2,600 a day, --no-text: about 950,000
# tickets, 4.9 million tag occurrences) with `ticketwatch ingest` and with sqlite3's own `.import`, twice each,
# and prints wall time, peak memory and the ratio. Fails when ingest's peak memory reaches 128 MiB.
#
# usage: scripts/bench-ingest.sh [WORKDIR]     (default: /tmp/ticketwatch-bench; the CSV is generated once)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
work=${1:-/tmp/ticketwatch-bench}
mkdir -p "$work"
csv="$work/year.csv"
[ -s "$csv" ] || python3 "$shared/tools/gen_tickets.py" "$shared/data/ticket_pool_en.csv" "$csv" "$work/year.labels.json" \
    --seed 7 --days 365 --per-day 2600 --no-text
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
swift build -c release >/dev/null
bin=.build/release/ticketwatch

measure() {  # label, command...: prints "label seconds peak_kib"
    local label=$1; shift
    local out; out=$(/usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -n 1)
    echo "$label $out"
}

results=()
for round in 1 2; do
    rm -f "$work"/tw.db* "$work"/import.db
    results+=("$(measure ingest "$bin" ingest --db "$work/tw.db" "$csv")")
    results+=("$(measure import sqlite3 "$work/import.db" -cmd '.mode csv' ".import $csv tickets")")
done
printf '%s\n' "${results[@]}" | awk -v rows="$(($(wc -l < "$csv") - 1))" '
    { t[$1] = (t[$1] == "" || $2 < t[$1]) ? $2 : t[$1]; m[$1] = ($3 > m[$1]) ? $3 : m[$1] }
    END {
        printf "rows: %d\n", rows
        printf "ticketwatch ingest: %.2f s (best of 2), peak %.1f MiB\n", t["ingest"], m["ingest"] / 1024
        printf "sqlite3 .import:    %.2f s (best of 2), peak %.1f MiB\n", t["import"], m["import"] / 1024
        printf "ratio ingest / .import: %.2f\n", t["ingest"] / t["import"]
        if (m["ingest"] >= 128 * 1024) { print "FAIL: ingest peak memory reached 128 MiB"; exit 1 }
    }' | tee "$work/bench-ingest.txt"
