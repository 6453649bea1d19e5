#!/usr/bin/env python3
"""Scores an alert table against the incidents of a truth file from scripts/generate-tickets.py.

An incident is caught when an alert on one of its days (or the day after) names its target:
  volume     -> signal tickets_total (level global)
  high_rate  -> signal high_rate (level global)
  queue      -> level queue:NAME
  tag        -> level tag:NAME
  new_tag    -> level tag:NAME (any signal: a tag volume or a new term)
  drop       -> signal volume_drop or no_data
An alert is false when it falls on no incident day (nor the day after one); a no_data or volume_drop alert on a
day the generator emptied (gap_days, feed_stops) is not false either: the feed was empty. When the CSV has an `incident`
column (the default detector groups related rows), false alerts are counted once per incident and day, as
on-call people receive them; otherwise once per row.
Alert CSV columns read: date (YYYY-MM-DD first), signal, level, optional incident. Extra columns are ignored.

usage: score-alerts.py TRUTH.json ALERTS.csv [--json]
prints: caught=K/N recall=R false=F false_per_100d=X
"""
import csv
import datetime as dt
import json
import sys


def hits(incident, signal, level):
    kind, target = incident["kind"], incident["target"]
    if kind == "volume":
        return signal == "tickets_total"
    if kind == "high_rate":
        return signal == "high_rate"
    if kind == "drop":
        return signal in ("volume_drop", "no_data")
    return level == target


def incident_days(truth):
    """Each day on which an alert may catch an incident (its days and the day after) -> its incidents."""
    window = {}
    for inc in truth["incidents"]:
        d0 = dt.date.fromisoformat(inc["start"])
        for k in range(inc["days"] + 1):
            window.setdefault(d0 + dt.timedelta(days=k), []).append(inc)
    return window


def empty_days(truth):
    """The days the generator emptied on purpose (single gaps and stopped feeds)."""
    days = {dt.date.fromisoformat(d) for d in truth.get("gap_days", [])}
    for stop in truth.get("feed_stops", []):
        d0 = dt.date.fromisoformat(stop["start"])
        days |= {d0 + dt.timedelta(days=k) for k in range(stop["days"])}
    return days


def score(truth, alerts):
    window, empty = incident_days(truth), empty_days(truth)
    caught, false_items = set(), set()
    for i, a in enumerate(alerts):
        d = dt.date.fromisoformat(a["date"][:10])
        incs = window.get(d, [])
        if not incs and not (d in empty and a["signal"] in ("no_data", "volume_drop")):
            false_items.add((d, a["incident"]) if a.get("incident") else i)
        for inc in incs:
            if hits(inc, a["signal"], a["level"]):
                caught.add(id(inc))
    n, days = len(truth["incidents"]), truth["days"]
    return {"caught": len(caught), "incidents": n, "recall": round(len(caught) / n, 3) if n else 1.0,
            "alerts": len(alerts), "false": len(false_items),
            "false_per_100d": round(100.0 * len(false_items) / days, 2),
            "missed": [f'{i["kind"]}:{i["target"]}@{i["start"]}' for i in truth["incidents"] if id(i) not in caught]}


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(argv) > 1 and argv[1] in ("-h", "--help") else 2)
    with open(argv[1]) as fh:
        truth = json.load(fh)
    with open(argv[2], newline="", encoding="utf-8") as fh:
        alerts = list(csv.DictReader(fh))
    res = score(truth, alerts)
    if "--json" in argv:
        print(json.dumps(res))
        return
    print(f'caught={res["caught"]}/{res["incidents"]} recall={res["recall"]} false={res["false"]} '
          f'false_per_100d={res["false_per_100d"]} alerts={res["alerts"]}')
    for m in res["missed"]:
        print("  missed", m)


if __name__ == "__main__":
    main(sys.argv)
