#!/usr/bin/env bash
# The daily job's cost must follow the new data, not the history. On a year of generated tickets (gen_tickets.py
# seed 7, 365 days, 2,600 a day, --no-text) this times (1) a full rebuild: `ticketwatch run` of the first 364 days
# into a fresh warehouse, and (2) the next morning's run, which adds the last day's file; and prints the ratio.
#
# usage: scripts/bench-daily-run.sh [WORKDIR]     (default: /tmp/ticketwatch-bench; the CSV is generated once)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
work=${1:-/tmp/ticketwatch-bench}
mkdir -p "$work"
csv="$work/year.csv"
[ -s "$csv" ] || python3 "$shared/tools/gen_tickets.py" "$shared/data/ticket_pool_en.csv" "$csv" "$work/year.labels.json" \
    --seed 7 --days 365 --per-day 2600 --no-text
swift build -c release >/dev/null
bin=$PWD/.build/release/ticketwatch

last=$(tail -n 1 "$csv" | cut -d, -f2 | cut -c1-10)
next=$(date -u -d "$last + 1 day" +%F)
inbox="$work/inbox"
rm -rf "$inbox" "$work"/daily.db*
mkdir -p "$inbox"
grep -v ",$last" "$csv" > "$inbox/history.csv"
{ head -n 1 "$csv"; grep ",$last" "$csv"; } > "$work/last-day.csv"

seconds() { local start end; start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }  # ms
full=$(seconds "$bin" run --db "$work/daily.db" --inbox "$inbox" --settle-seconds 0 --today "$last")
cp "$work/last-day.csv" "$inbox/day-$last.csv"
day=$(seconds "$bin" run --db "$work/daily.db" --inbox "$inbox" --settle-seconds 0 --today "$next")
python3 -c "import sys; f, d = int(sys.argv[1]), int(sys.argv[2]); print(f'full rebuild (364 days): {f/1000:.2f} s\none-day run ({sys.argv[3]}): {d/1000:.2f} s\nratio one-day / full: {d/f:.3f}')" \
    "$full" "$day" "$last" | tee "$work/bench-daily-run.txt"
