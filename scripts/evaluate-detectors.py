#!/usr/bin/env python3
"""Measures TicketWatch's detectors on labelled streams from scripts/generate-tickets.py.

For every size (tickets a day), strength and seed it generates a stream of about a year (cached in --workdir),
loads it into a warehouse with the real `ticketwatch` binary, runs the detectors, exports their alerts as CSV and
scores them with scripts/score-alerts.py (recall; false alerts per 100 days, counted per incident and day when the CSV
has an `incident` column). The ceiling row is scripts/ceiling.py: an oracle that knows the generator's true expected
values, its four thresholds optimised on the very streams of each column at the same false-alert budget.

It prints the table detector x (size, strength) -> mean recall / mean false alerts per 100 days, and the default
detector's recall as a fraction of the ceiling's. The default detector knows nothing of the generator: it only
sees the warehouse.

usage: scripts/evaluate-detectors.py [--seeds 11,12,13,14,15,16] [--sizes 40,130,1500] [--strengths 1,0.6]
           [--days 364] [--incidents 24] [--binary .build/release/ticketwatch] [--workdir /tmp/tw-eval]
           [--detector-args "--fdr 0.01"] [--no-ceiling] [--no-seed] [--json OUT.json]
The seeds used to choose the defaults were 1-10 (tuning); docs/detectors.md reports 11-16 (held out).
Needs python3 with numpy and scipy (ceiling.py; `pip install numpy scipy`); `swift build -c release` first, or pass --binary.
"""
import argparse
import concurrent.futures as futures
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "scripts", "generate-tickets.py")
SCORE = os.path.join(ROOT, "scripts", "score-alerts.py")
CEILING = os.path.join(ROOT, "scripts", "ceiling.py")
with open(GEN, "rb") as _fh:
    GENERATOR_VERSION = hashlib.sha256(_fh.read()).hexdigest()[:8]   # cached streams follow the generator


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(shlex.quote, cmd))}\n{r.stdout}\n{r.stderr}")
    return r.stdout


def stream(a, size, strength, seed):
    """Generates and loads one stream (once); returns its paths."""
    name = f"s{size}_x{strength}_seed{seed}_g{GENERATOR_VERSION}"
    base = os.path.join(a.workdir, name)
    csv, labels, db = base + ".csv", base + ".json", base + ".db"
    if not os.path.exists(labels):
        run([sys.executable, GEN, "--out", csv, "--truth", labels + ".tmp", "--seed", str(seed), "--days", str(a.days),
             "--per-day", str(size), "--strength", str(strength), "--incidents", str(a.incidents), "--no-text"])
        os.replace(labels + ".tmp", labels)
    if not os.path.exists(db):
        run([a.binary, "ingest", "--db", db + ".tmp", csv])
        run([a.binary, "aggregate", "--db", db + ".tmp"])
        for suffix in ("-wal", "-shm"):
            if os.path.exists(db + ".tmp" + suffix):
                os.remove(db + ".tmp" + suffix)
        os.replace(db + ".tmp", db)
    return dict(name=name, size=size, strength=strength, seed=seed, csv=csv, labels=labels, db=db)


def detect(a, s, detector, extra):
    """Runs one detector on a copy of the stream's warehouse; returns score_alerts.py's verdict."""
    tag = "seed" if detector == "seed" else "default"
    work = os.path.join(a.workdir, f"{s['name']}.{tag}.{os.getpid()}")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "w.db")
    shutil.copyfile(s["db"], db)
    run([a.binary, "detect", "--db", db, "--detector", detector] + (extra if detector != "seed" else []))
    alerts = os.path.join(a.workdir, f"{s['name']}.{tag}.alerts.csv")
    with open(alerts, "w") as fh:
        fh.write(run([a.binary, "alerts", "--db", db, "--detector", detector, "--format", "csv"]))
    shutil.rmtree(work)
    return json.loads(run([sys.executable, SCORE, s["labels"], alerts, "--json"]))


def ceiling(a, group):
    out = os.path.join(a.workdir, "ceiling_" + group[0]["name"].rsplit("_seed", 1)[0])
    specs = [f"{s['csv']}:{s['labels']}" for s in group]
    result = out + ".json"
    run([sys.executable, CEILING, "--budget", str(a.budget), "--outdir", out, "--json", result,
         "--quiet"] + specs)
    data = json.load(open(result))
    return [data["streams"][os.path.splitext(os.path.basename(s["csv"]))[0]] for s in group]


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="11,12,13,14,15,16")
    ap.add_argument("--sizes", default="40,130,1500")
    ap.add_argument("--strengths", default="1,0.6")
    ap.add_argument("--days", type=int, default=364)
    ap.add_argument("--incidents", type=int, default=24)
    ap.add_argument("--budget", type=float, default=0.5)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "ticketwatch"))
    ap.add_argument("--workdir", default="/tmp/tw-eval")
    ap.add_argument("--detector-args", default="", help="extra options for detect --detector default")
    ap.add_argument("--no-ceiling", action="store_true")
    ap.add_argument("--no-seed", action="store_true")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--json", default=None)
    ap.add_argument("--verbose", action="store_true", help="print each stream's misses")
    a = ap.parse_args()
    if not os.path.exists(a.binary):
        raise SystemExit(f"no binary at {a.binary}: run `swift build -c release` or pass --binary")
    os.makedirs(a.workdir, exist_ok=True)
    seeds = [int(x) for x in a.seeds.split(",")]
    sizes = [int(x) for x in a.sizes.split(",")]
    strengths = [float(x) for x in a.strengths.split(",")]
    extra = shlex.split(a.detector_args)
    cells = [(size, strength) for strength in strengths for size in sizes]

    with futures.ThreadPoolExecutor(a.jobs) as pool:
        jobs = {c: [pool.submit(stream, a, c[0], c[1], seed) for seed in seeds] for c in cells}
        streams = {c: [j.result() for j in jobs[c]] for c in cells}
        results = {}
        pending = {}
        for c in cells:
            pending[("default", c)] = [pool.submit(detect, a, s, "default", extra) for s in streams[c]]
            if not a.no_seed:
                pending[("seed", c)] = [pool.submit(detect, a, s, "seed", extra) for s in streams[c]]
            if not a.no_ceiling:
                pending[("ceiling", c)] = pool.submit(ceiling, a, streams[c])
        for key, job in pending.items():
            results[key] = job.result() if not isinstance(job, list) else [j.result() for j in job]

    rows = (["ceiling"] if not a.no_ceiling else []) + (["seed"] if not a.no_seed else []) + ["default"]
    head = ["detector"] + [f"{size}/d x{strength:g}" for size, strength in cells] + ["mean"]
    table = []
    for det in rows:
        line = [det]
        recalls, falses = [], []
        for c in cells:
            r = results[(det, c)]
            rec, fp = mean([x["recall"] for x in r]), mean([x["false_per_100d"] for x in r])
            recalls.append(rec)
            falses.append(fp)
            line.append(f"{rec:.2f} / {fp:.2f}")
        line.append(f"{mean(recalls):.3f} / {mean(falses):.2f}")
        table.append(line)
    if not a.no_ceiling:
        line = ["default / ceiling"]
        ratios = []
        for c in cells:
            ceil = mean([x["recall"] for x in results[("ceiling", c)]])
            mine = mean([x["recall"] for x in results[("default", c)]])
            ratios.append(mine / ceil if ceil else float("nan"))
            line.append(f"{ratios[-1]:.0%}")
        all_ceil = mean([x["recall"] for c in cells for x in results[("ceiling", c)]])
        all_mine = mean([x["recall"] for c in cells for x in results[("default", c)]])
        line.append(f"{all_mine / all_ceil:.1%}")
        table.append(line)
    widths = [max(len(r[i]) for r in [head] + table) for i in range(len(head))]
    print(f"seeds {a.seeds}, {a.days} days, {a.incidents} incidents per stream; "
          f"cells: recall / false alerts per 100 days (mean over seeds)")
    for r in [head, ["-" * w for w in widths]] + table:
        print("| " + " | ".join(x.ljust(w) for x, w in zip(r, widths)) + " |")
    if a.verbose:
        for c in cells:
            for s, r in zip(streams[c], results[("default", c)]):
                print(f"{s['name']}: recall {r['recall']} false {r['false']} missed {r['missed']}")
    if a.json:
        json.dump({f"{k[0]}|{k[1][0]}|{k[1][1]}": v for k, v in results.items()}, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
