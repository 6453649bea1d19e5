#!/usr/bin/env python3
"""The detection ceiling on streams from scripts/generate-tickets.py: an ORACLE detector, not a product one.

It knows what no real detector can know: the generator's true expectations from the truth file (each day's true
mean total, and each series' per-ticket share). Everything else it must read from the observed daily counts like
any detector; the day's gamma multiplier (shape `expected.gamma_shape`) is treated as normal variation.

Tests, each (day, series), one-sided:
  volume     day total x ~ NegBin(shape, mean mu_d)               p = P(X >= x)   -> signal tickets_total
  drop       the same, lower tail                                 p = P(X <= x)   -> signal volume_drop
  high_rate  high count h | day total n ~ Binom(n, share_high)    p = P(H >= h)   -> signal high_rate
  queue      queue count c | n ~ Binom(n, share_q)                p = P(C >= c)   -> level queue:NAME
  tag        tickets with the tag | n ~ Binom(n, share_t)         p = P(C >= c)   -> level tag:NAME
  new_tag    a tag the catalogue never has (share 0): p = 0 on any day it occurs -> level tag:NAME
Conditioning on the day's total removes the shared gamma multiplier exactly for the share tests. A (day, series)
is flagged when p <= thr[kind]: one threshold per kind, chosen jointly on the given streams to catch the most
incidents within a budget of false alerts per 100 days (mean over streams), which is what makes it a ceiling.

usage: ceiling.py TICKETS:TRUTH [TICKETS:TRUTH ...] --outdir DIR [--budget 0.5] [--json OUT.json] [--quiet]
Needs numpy and scipy. Writes each stream's oracle alerts to DIR and scores them with score-alerts.py.
"""
import argparse
import csv
import datetime as dt
import importlib.util
import json
import math
import os
import sys
from collections import defaultdict

import numpy as np
from scipy.stats import binom, nbinom, norm

KINDS = ["volume", "drop", "high_rate", "queue", "tag", "new_tag"]
PMAX = 1e-2          # p-values above this are never kept (thresholds end up far below)
HERE = os.path.dirname(os.path.abspath(__file__))


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_alerts", os.path.join(HERE, "score-alerts.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def expected_count(truth, series, day_index):
    """The true expected count of a series on a day, before noise and incidents."""
    return truth["expected"]["total"][day_index] * truth["expected"]["share"].get(series, 0.0)


def split_tags(value):
    if isinstance(value, list):
        return set(value)
    return set(t.strip() for t in value.split("|") if t.strip())


def read_counts(path, days, start):
    """Daily total, high count, per-queue and per-tag (tickets carrying the tag) counts of a ticket file."""
    total, high = np.zeros(days), np.zeros(days)
    queues, tags = defaultdict(lambda: np.zeros(days)), defaultdict(lambda: np.zeros(days))
    with open(path, newline="", encoding="utf-8") as fh:
        rows = (json.loads(line) for line in fh) if path.endswith(".jsonl") else csv.DictReader(fh)
        for r in rows:
            i = (dt.date.fromisoformat(r["created_at"][:10]) - start).days
            if not 0 <= i < days:
                continue
            total[i] += 1
            if r.get("priority", r.get("priority_norm", "")).strip().lower() == "high":
                high[i] += 1
            queues[r["queue"]][i] += 1
            for t in split_tags(r.get("tags", r.get("tags_str", ""))):
                tags[t][i] += 1
    return total, high, queues, tags


def pvalues(tickets, truth):
    """Rows (kind, day_index, date, signal, level, value, p) with p <= PMAX."""
    days, start = truth["days"], dt.date.fromisoformat(truth["start"])
    share, shape = truth["expected"]["share"], truth["expected"]["gamma_shape"]
    mu = np.array(truth["expected"]["total"])
    total, high, queues, tags = read_counts(tickets, days, start)
    dates = [str(start + dt.timedelta(days=i)) for i in range(days)]
    n = total.astype(int)
    seen = n > 0
    out = []

    def emit(kind, signal, level, values, p, where=seen):
        for i in np.nonzero(where & (p <= PMAX))[0]:
            out.append((kind, int(i), dates[i], signal, level, float(values[i]), float(p[i])))

    def share_p(counts, s):
        p = np.ones(days)
        p[seen] = binom.sf(counts[seen] - 1, n[seen], s)
        return p

    k = shape
    emit("volume", "tickets_total", "global", total, nbinom.sf(total - 1, k, k / (k + mu)))
    # A drop is judged on every day, empty ones included: an empty day is the strongest drop.
    emit("drop", "volume_drop", "global", total, nbinom.cdf(total, k, k / (k + mu)), np.ones(days, bool))
    emit("high_rate", "high_rate", "global", np.where(seen, high / np.maximum(n, 1), 0), share_p(high, share["high"]))
    for name, counts in queues.items():
        s = share.get(f"queue:{name}", 0.0)
        emit("queue", "queue_volume", f"queue:{name}", counts, share_p(counts, s) if s > 0 else np.where(counts > 0, 0.0, 1.0))
    for name, counts in tags.items():
        s = share.get(f"tag:{name}", 0.0)
        if s > 0:
            emit("tag", "tag_volume", f"tag:{name}", counts, share_p(counts, s))
        else:
            emit("new_tag", "new_term", f"tag:{name}", counts, np.where(counts > 0, 0.0, 1.0))
    return out


def write_alerts(rows, thr, path):
    chosen = sorted((r for r in rows if r[6] <= thr[r[0]]), key=lambda r: (r[2], r[3], r[4]))
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "signal", "value", "z", "level"])
        for kind, i, d, signal, level, value, p in chosen:
            w.writerow([d, signal, round(value, 4), round(float(norm.isf(max(p, 1e-300))), 2), level])


def optimise(streams, budget, scorer):
    """streams: (rows, truth) pairs. The thresholds that catch most incidents with the mean over streams of
    100 * false / days within the budget."""
    ns = len(streams)
    null = {k: [] for k in KINDS}      # (p, weight) of rows on no incident's days
    best_p = {k: [] for k in KINDS}    # per incident of a kind: the smallest p of a row that would catch it
    for rows, truth in streams:
        weight = 100.0 / truth["days"] / ns
        window = {str(d): incs for d, incs in scorer.incident_days(truth).items()}
        best = {}
        for kind, i, d, signal, level, value, p in rows:
            incs = window.get(d)
            if not incs:
                null[kind].append((p, weight))
                continue
            for inc in incs:
                if kind == inc["kind"] and scorer.hits(inc, signal, level):
                    best[id(inc)] = min(best.get(id(inc), math.inf), p)
        for inc in truth["incidents"]:
            best_p[inc["kind"]].append(best.get(id(inc), math.inf))
    fronts = {}
    for k in KINDS:
        nulls = sorted(null[k])
        ps = np.array([p for p, _ in nulls])
        cum = np.concatenate([[0.0], np.cumsum([w for _, w in nulls])])
        points = []
        for t in sorted(set([0.0] + [p for p in best_p.get(k, []) if p < math.inf])):
            at = np.searchsorted(ps, t, side="right")
            nxt = ps[at] if at < len(ps) else PMAX
            # widen into the gap below the next null p: no change in-sample, fairer out of it
            points.append((sum(1 for p in best_p.get(k, []) if p <= t), cum[at],
                           math.sqrt(max(t, 1e-300) * nxt) if t > 0 else 0.0))
        points.sort(key=lambda x: (x[1], -x[0]))
        front, most = [], -1
        for c, f, t in points:
            if c > most:
                front.append((c, f, t))
                most = c
        fronts[k] = front
    best = None

    def search(ki, caught, false, thr):
        nonlocal best
        if false > budget + 1e-9:
            return
        if ki == len(KINDS):
            if best is None or (caught, -false) > best[0]:
                best = ((caught, -false), dict(thr))
            return
        for c, f, t in fronts[KINDS[ki]]:
            thr[KINDS[ki]] = t
            search(ki + 1, caught + c, false + f, thr)
    search(0, 0, 0.0, {})
    return best[1]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("streams", nargs="+", help="TICKETS.csv:TRUTH.json")
    ap.add_argument("--budget", type=float, default=0.5)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--json", default=None)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv[1:])
    scorer = load_scorer()
    os.makedirs(a.outdir, exist_ok=True)
    streams = []
    for spec in a.streams:
        tickets, truth_path = spec.rsplit(":", 1)
        with open(truth_path) as fh:
            truth = json.load(fh)
        streams.append((tickets, truth, pvalues(tickets, truth)))
    thr = optimise([(rows, truth) for _, truth, rows in streams], a.budget, scorer)
    result = {"thresholds": thr, "streams": {}}
    for tickets, truth, rows in streams:
        name = os.path.splitext(os.path.basename(tickets))[0]
        path = os.path.join(a.outdir, name + "_oracle_alerts.csv")
        write_alerts(rows, thr, path)
        with open(path, newline="") as fh:
            result["streams"][name] = scorer.score(truth, list(csv.DictReader(fh)))
    scores = list(result["streams"].values())
    result["mean_recall"] = sum(s["recall"] for s in scores) / len(scores)
    result["mean_false_per_100d"] = sum(s["false_per_100d"] for s in scores) / len(scores)
    if not a.quiet:
        print("thresholds:", {k: f"{v:.3g}" for k, v in thr.items()})
        for name, s in result["streams"].items():
            print(f'  {name}: recall {s["recall"]:.2f} false/100d {s["false_per_100d"]:.2f}  missed {s["missed"]}')
        print(f'mean recall {result["mean_recall"]:.3f}  mean false/100d {result["mean_false_per_100d"]:.3f}')
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main(sys.argv)
