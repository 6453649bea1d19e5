#!/usr/bin/env bash
# TicketWatch's benchmark against its baselines, in one run (the performance issue's list):
#   (a) ingest + aggregate + detect --detector seed, fresh warehouse
#   (b) the notebook in pandas on the same file (Tests/oracle/notebook_oracle.py)
#   (c) sqlite3's own `.import` of the same file
#   (d) the default detector's detect on the loaded year
#   (e) the next morning's `run` (one new day's file) on the year-long warehouse
# each twice (best time, highest peak memory), on a year of generated tickets (scripts/generate-tickets.py seed 7,
# 365 days, 2,600 a day, 24 incidents, --no-text; generated once). Then the growth of cost: ingest of 100k, 1M
# and 3M tickets (time should grow linearly, memory stay flat), and the next morning's run on warehouses holding
# each of them (its time should stay flat). Prints the ratios and writes them to WORKDIR/benchmark.txt.
#
# usage: scripts/benchmark.sh [WORKDIR]     (default /tmp/ticketwatch-bench; needs pandas and GNU time)
#        GROWTH=0 scripts/benchmark.sh      skips the growth section (a 3-million-ticket file, a few minutes)
#        LONG=1 scripts/benchmark.sh        adds the 90-day report of a ten-year warehouse (9.5M tickets)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/ticketwatch-bench}
mkdir -p "$work"
csv="$work/year.csv"
[ -s "$csv" ] || python3 scripts/generate-tickets.py --out "$csv" --truth "$work/year.truth.json" \
    --seed 7 --days 365 --per-day 2600 --incidents 24 --no-text
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
python3 -c 'import pandas' 2>/dev/null || { echo "needs pandas: pip install pandas" >&2; exit 2; }
swift build -c release >/dev/null
bin=$PWD/.build/release/ticketwatch
db="$work/bench.db"

# The last day's tickets become the next morning's file for (e); the rest is the history.
last=$(tail -n 1 "$csv" | cut -d, -f2 | cut -c1-10)
next=$(python3 -c "import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=1))" "$last")
inbox="$work/inbox"

measure() {  # label, command...: appends "label seconds peak_kib" to the results
    local label=$1; shift
    echo "$label $(/usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -n 1)" >> "$work/results.txt"
}
a_pipeline() { rm -f "$db"*; "$bin" ingest --db "$db" "$csv" && "$bin" aggregate --db "$db" && "$bin" detect --db "$db" --detector seed; }
e_setup() {
    rm -rf "$inbox" "$work"/daily.db*; mkdir -p "$inbox"
    grep -v ",$last" "$csv" > "$inbox/history.csv"
    "$bin" run --db "$work/daily.db" --inbox "$inbox" --settle-seconds 0 --today "$last" >/dev/null
    { head -n 1 "$csv"; grep ",$last" "$csv"; } > "$inbox/day-$last.csv"
}
export -f a_pipeline; export bin db csv

: > "$work/results.txt"
for round in 1 2; do
    measure a bash -c a_pipeline
    measure b python3 Tests/oracle/notebook_oracle.py "$csv" "$work/oracle_alerts.csv"
    rm -f "$work/import.db"
    measure c sqlite3 "$work/import.db" -cmd '.mode csv' ".import $csv tickets"
    # (d) judges the whole year from a clean slate each round.
    sqlite3 "$db" "DELETE FROM alerts WHERE detector = 'default'; DELETE FROM detector_days; DELETE FROM detector_findings;"
    measure d "$bin" detect --db "$db" --detector default
    e_setup
    measure e "$bin" run --db "$work/daily.db" --inbox "$inbox" --settle-seconds 0 --today "$next"
done

python3 - "$work/results.txt" "$(($(wc -l < "$csv") - 1))" <<'PY' | tee "$work/benchmark.txt"
import sys
best, peak = {}, {}
for line in open(sys.argv[1]):
    label, seconds, kib = line.split()
    best[label] = min(best.get(label, 1e9), float(seconds))
    peak[label] = max(peak.get(label, 0), int(kib))
names = {"a": "ingest + aggregate + detect (seed)", "b": "notebook in pandas", "c": "sqlite3 .import",
         "d": "detect (default detector)", "e": "next morning's run (one day)"}
print(f"tickets: {sys.argv[2]}")
for k in "abcde":
    print(f"({k}) {names[k]:<38} {best[k]:7.2f} s   peak {peak[k] / 1024:7.1f} MiB")
print(f"(a)/(b) = {best['a'] / best['b']:.2f}   (goal <= 0.3)")
print(f"(a)/(c) = {best['a'] / best['c']:.2f}   (goal <= 2.0)")
print(f"(e)/(a) = {best['e'] / best['a']:.3f}  (goal <= 0.1)")
print(f"peak memory of (a) = {peak['a'] / 1024:.1f} MiB   (goal <= 128)")
PY

# Opt-in (LONG=1; ~15 minutes and 4 GB of disk, never in CI): a 90-day report of a ten-year warehouse (9.5M
# tickets, judged by the default detector), which must read only the days it draws (goal < 1 s; 4.9 s before
# detector_expectations, when it read every day of every plotted series).
if [ "${LONG:-0}" = 1 ]; then
    long="$work/tenyear.csv"
    [ -s "$long" ] || python3 scripts/generate-tickets.py --out "$long" --truth "$work/tenyear.truth.json" \
        --seed 7 --days 3650 --per-day 2600 --incidents 60 --no-text
    longdb="$work/tenyear.db"
    if [ ! -s "$longdb" ]; then
        "$bin" ingest --db "$longdb" "$long" >/dev/null && "$bin" aggregate --db "$longdb" >/dev/null
        "$bin" detect --db "$longdb" >/dev/null
    fi
    : > "$work/long.txt"
    for round in 1 2; do
        /usr/bin/time -f '%e %M' "$bin" report --db "$longdb" --out "$work/long-report" --days 90 2>&1 >/dev/null \
            | tail -n 1 >> "$work/long.txt"
    done
    sort -n "$work/long.txt" | head -n 1 \
        | awk '{ printf "\n90-day report of a ten-year warehouse: %.2f s   peak %.1f MiB   (goal < 1 s)\n", $1, $2 / 1024 }' \
        | tee -a "$work/benchmark.txt"
fi

[ "${GROWTH:-1}" = 0 ] && exit 0

# Growth: the same generator, 100k / 1M / 3M tickets (38, 365 and 1,095 days of 2,600 a day).
: > "$work/growth.txt"
for days in 38 365 1095; do
    file="$work/growth-$days.csv"
    [ -s "$file" ] || python3 scripts/generate-tickets.py --out "$file" --truth "$work/growth-$days.truth.json" \
        --seed 7 --days "$days" --per-day 2600 --incidents 24 --no-text
    rows=$(($(wc -l < "$file") - 1))
    rm -f "$work/growth.db"*
    load=$(/usr/bin/time -f '%e %M' "$bin" ingest --db "$work/growth.db" "$file" 2>&1 >/dev/null | tail -n 1)
    # The next morning on that history: the last day's tickets arrive as one file into a warehouse that ran
    # up to the day before.
    last=$(tail -n 1 "$file" | cut -d, -f2 | cut -c1-10)
    next=$(python3 -c "import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=1))" "$last")
    rm -rf "$inbox" "$work"/growth-daily.db*; mkdir -p "$inbox"
    grep -v ",$last" "$file" > "$inbox/history.csv"
    "$bin" run --db "$work/growth-daily.db" --inbox "$inbox" --settle-seconds 0 --today "$last" >/dev/null
    { head -n 1 "$file"; grep ",$last" "$file"; } > "$inbox/day-$last.csv"
    morning=$(/usr/bin/time -f '%e %M' "$bin" run --db "$work/growth-daily.db" --inbox "$inbox" --settle-seconds 0 --today "$next" 2>&1 >/dev/null | tail -n 1)
    echo "$rows $load $morning" >> "$work/growth.txt"
done
python3 - "$work/growth.txt" <<'PY' | tee -a "$work/benchmark.txt"
import sys
print("\ngrowth: ingest into a fresh warehouse, and the next morning's run on that history")
print(f"{'tickets':>10} {'ingest':>9} {'per 100k':>9} {'peak':>10} {'morning run':>12} {'peak':>10}")
for line in open(sys.argv[1]):
    rows, t, kib, mt, mkib = line.split()
    rows, t, mt = int(rows), float(t), float(mt)
    print(f"{rows:>10,} {t:>8.2f}s {t / rows * 1e5:>8.3f}s {int(kib) / 1024:>6.1f} MiB {mt:>11.2f}s {int(mkib) / 1024:>6.1f} MiB")
PY
