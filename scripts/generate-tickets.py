#!/usr/bin/env python3
"""Labelled ticket streams: TicketWatch's own generator, for trying the tool, benchmarking a machine, the tests'
fixtures and the detector evaluation.

Every ticket is drawn from a catalogue of ticket kinds: 3,000 made-up tickets with a queue, a priority, tags and a
subject, the same for every stream (its own fixed seed), shaped like a real support desk's: ten queues of very
different size, priorities that depend on the queue, three to eight tags a ticket from a long-tailed vocabulary in
which each queue has its favourites, and now and then a tag twice on one ticket, as real exports have. A day's
volume follows a weekly rhythm and a slow trend, with overdispersed (gamma-Poisson, i.e. negative-binomial) noise.
Incidents of known kind, target, start and length are injected on top:

  volume     every ticket of the day multiplied by `factor`          target global  (signal tickets_total)
  queue      one of the 8 largest queues multiplied by `factor`      target queue:NAME
  tag        extra tickets carrying one tag (`extra_share` of the day; half of them hit a tag outside the 8 most
             common ones)                                             target tag:NAME
  high_rate  a `high_share` of the day's tickets become high priority target global  (signal high_rate)
  new_tag    a tag never seen before appears on `extra_share` of the day
                                                                      target tag:NAME
  drop       the day's volume multiplied by `factor` < 1 (not drawn unless --kinds names it)
                                                                      target global

Lengths are 1, 2 or 3 days (multi-day surges), never in the first 21 days, never within 3 days of another.
--feed-stop DATE:DAYS empties whole days (an export that stops), --gaps N empties N single random days.

The truth file holds the incidents and what a perfect detector would expect: `expected.total[i]` is the true mean
of day i's total (before the day's gamma noise and any incident), and `expected.share[series]` the chance that one
ticket counts in a series (`high`, `queue:NAME`, `tag:NAME`; a tag counts once per ticket that has it). Tickets
are drawn independently from the catalogue, so the true expected count of every series and day is exactly
`expected.total[i] * expected.share[series]` (see `expected_count` in scripts/ceiling.py).

Seeded: the same arguments give the same bytes (Python's `random.Random`, stable across Python 3 versions).
Only the standard library is needed.

usage: scripts/generate-tickets.py --out TICKETS.csv --truth TRUTH.json [--days 365] [--per-day 130]
           [--incidents 10] [--seed 7] [--start 2025-01-01] [--format csv|jsonl] [--strength 1] [--gaps 0]
           [--kinds volume,queue,tag,high_rate,new_tag] [--feed-stop DATE:DAYS] [--no-text] [--seed-columns]
"""
import argparse
import csv
import datetime as dt
import json
import math
import random
import sys

DEFAULT_KINDS = ["volume", "queue", "tag", "high_rate", "new_tag"]
ALL_KINDS = DEFAULT_KINDS + ["drop"]
WEEKDAY = [1.1, 1.15, 1.1, 1.05, 1.0, 0.55, 0.5]      # Monday first
GAMMA_SHAPE = 20.0                                     # the day's multiplier: Gamma(20, 1/20), variance 1/20
CATALOGUE_SEED = 20250101
CATALOGUE_SIZE = 3000

# Queues: name, relative size, share of high priority, share of low among the rest.
QUEUES = [
    ("Technical Support", 904, 0.58, 0.29), ("Product Support", 561, 0.31, 0.30),
    ("Customer Service", 508, 0.19, 0.41), ("IT Support", 359, 0.43, 0.17),
    ("Billing and Payments", 298, 0.32, 0.29), ("Returns and Exchanges", 140, 0.21, 0.49),
    ("Service Outages", 115, 0.74, 0.31), ("Sales and Pre-Sales", 97, 0.18, 0.48),
    ("Human Resources", 60, 0.17, 0.58), ("General Inquiry", 43, 0.12, 0.63),
]
TAGS_PER_TICKET = [(3, 6), (4, 29), (5, 28), (6, 19), (7, 11), (8, 7)]
HEAD_TAGS = [
    "Tech Support", "Security", "Outage", "Resolution", "Billing", "Software", "Maintenance", "Service Disruption",
    "Incident", "Breach", "Issue", "Refund", "Alert", "Performance", "Bug", "Feature", "Account", "Login",
    "Password", "Network", "Hardware", "Documentation", "Feedback", "Integration", "Payment", "Invoice", "Upgrade",
    "Configuration", "Data", "Sync", "Email", "Crash", "Returns", "Shipping", "Privacy", "Compliance", "Training",
    "Onboarding", "Access", "Permissions", "Backup", "Recovery", "Database", "Cloud", "Mobile", "Printer", "VPN",
    "Licensing", "Subscription", "Cancellation", "Warranty", "Delivery", "Order", "Pricing", "Discount",
    "Payroll", "Recruiting", "Benefits", "Scheduling", "Reporting",
]
TAIL_FIRST = ["Server", "Client", "Portal", "Device", "Storage", "Router", "Firewall", "Camera", "Tablet", "Laptop",
              "Desktop", "Scanner", "Monitor", "Browser", "Plugin", "Gateway", "Cluster", "Sensor", "Kiosk", "Wallet"]
TAIL_SECOND = ["Latency", "Timeout", "Error", "Update", "Setup", "Reset", "Migration", "Audit", "Patch", "Renewal",
               "Recall", "Warning", "Quota", "Drift", "Leak", "Lockout", "Outage", "Rollback", "Delay", "Mismatch",
               "Overheat", "Glitch", "Pairing", "Export", "Import", "Refresh", "Shutdown", "Spike", "Backlog",
               "Expiry", "Token", "Certificate", "License", "Firmware", "Driver"]
NEW_TAG_NAMES = ["Zero Day", "Ransomware", "Phishing Wave", "Chargeback Storm", "Recall Notice", "Data Center Fire",
                 "DNS Failure", "Bad Release", "Price Glitch", "Carrier Strike", "Label Printer Jam", "SSO Outage"]
SUBJECT_OPENERS = ["Cannot", "Unable to", "Question about", "Problem with", "Request to", "Help with",
                   "Urgent: cannot", "Follow-up on"]
SUBJECT_VERBS = ["access", "update", "configure", "restore", "cancel", "renew", "review", "reset", "export"]


class Catalogue:
    """The ticket kinds every stream draws from, with the truths an oracle may know about them."""

    def __init__(self):
        rnd = random.Random(CATALOGUE_SEED)
        tail = [f"{a} {b}" for a in TAIL_FIRST for b in TAIL_SECOND]
        rnd.shuffle(tail)
        tags = HEAD_TAGS + tail
        # Zipf-like popularity; each queue favours 15 tags of the first 120 (four times as likely).
        popularity = [1.0 / (rank + 8) ** 1.6 for rank in range(len(tags))]
        favourites = {q[0]: set(rnd.sample(range(120), 15)) for q in QUEUES}
        cumulative = {}
        for q in QUEUES:
            total, cum = 0.0, []
            for i, w in enumerate(popularity):
                total += w * (4.0 if i in favourites[q[0]] else 1.0)
                cum.append(total)
            cumulative[q[0]] = cum
        indices = range(len(tags))
        self.tickets = []
        for _ in range(CATALOGUE_SIZE):
            queue, _, high, low = rnd.choices(QUEUES, weights=[q[1] for q in QUEUES])[0]
            r = rnd.random()
            priority = "high" if r < high else ("low" if r < high + (1 - high) * low else "medium")
            count = rnd.choices([n for n, _ in TAGS_PER_TICKET], weights=[w for _, w in TAGS_PER_TICKET])[0]
            chosen = []
            while len(chosen) < count:
                t = rnd.choices(indices, cum_weights=cumulative[queue])[0]
                if t not in chosen:
                    chosen.append(t)
            names = [tags[t] for t in chosen]
            if rnd.random() < 0.02:                      # real exports repeat a tag on a ticket now and then
                names.append(names[0])
            subject = f"{rnd.choice(SUBJECT_OPENERS)} {rnd.choice(SUBJECT_VERBS)} {names[0].lower()}"
            if rnd.random() < 0.1:                       # commas and quotes, as free text has them
                subject += f', "{names[1].lower()}" too'
            self.tickets.append((queue, priority, names, subject))
        self.by_queue, self.by_tag = {}, {}
        for t in self.tickets:
            self.by_queue.setdefault(t[0], []).append(t)
            for name in set(t[2]):
                self.by_tag.setdefault(name, []).append(t)
        self.queues = sorted(self.by_queue, key=lambda q: (-len(self.by_queue[q]), q))
        self.tags = [t for t in sorted(self.by_tag, key=lambda t: (-len(self.by_tag[t]), t))
                     if len(self.by_tag[t]) >= 5]
        self.high = [t for t in self.tickets if t[1] == "high"]

    def shares(self):
        """Chance that one ticket counts in each series."""
        n = len(self.tickets)
        out = {"high": len(self.high) / n}
        for q in sorted(self.by_queue):
            out[f"queue:{q}"] = len(self.by_queue[q]) / n
        for t in sorted(self.by_tag):
            out[f"tag:{t}"] = len(self.by_tag[t]) / n
        return out


def parse_feed_stop(text):
    try:
        day, days = text.split(":")
        return dt.date.fromisoformat(day), int(days)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--feed-stop wants DATE:DAYS, e.g. 2025-06-02:5, not {text!r}")


def parse_kinds(text):
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = sorted(set(kinds) - set(ALL_KINDS))
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"--kinds takes some of {','.join(ALL_KINDS)}; unknown: {unknown}")
    return kinds


def draw_incidents(rnd, a, cat, start, taken):
    incidents, tries, new_names = [], 0, list(NEW_TAG_NAMES)
    while len(incidents) < a.incidents and tries < 10000:
        tries += 1
        kind = rnd.choice(a.kinds)
        length = rnd.choice([1, 1, 1, 2, 3])
        if a.days - length <= 21:
            break
        day0 = rnd.randrange(21, a.days - length)
        span = set(range(day0 - 3, day0 + length + 3))
        if span & taken:
            continue
        taken |= span
        inc = {"kind": kind, "start": str(start + dt.timedelta(days=day0)),
               "end": str(start + dt.timedelta(days=day0 + length - 1)), "days": length}
        if kind == "volume":
            inc["target"] = "global"
            inc["factor"] = round(1 + (rnd.uniform(1.6, 2.5) - 1) * a.strength, 2)
        elif kind == "queue":
            inc["target"] = f"queue:{rnd.choice(cat.queues[:8])}"
            inc["factor"] = round(1 + (rnd.uniform(2.0, 4.0) - 1) * a.strength, 2)
        elif kind == "tag":
            t = rnd.choice(cat.tags[:8]) if rnd.random() < 0.5 else rnd.choice(cat.tags[8:60])
            inc["target"] = f"tag:{t}"
            inc["extra_share"] = round(rnd.uniform(0.12, 0.3) * a.strength, 2)
        elif kind == "new_tag":
            name = new_names.pop(rnd.randrange(len(new_names))) if new_names else f"New Term {len(incidents)}"
            inc["target"] = f"tag:{name}"
            inc["extra_share"] = round(rnd.uniform(0.02, 0.06) * a.strength, 3)
        elif kind == "drop":
            inc["target"] = "global"
            inc["factor"] = round(rnd.uniform(0.3, 0.5), 2)
        else:
            inc["target"] = "global"
            inc["high_share"] = round(rnd.uniform(0.6, 0.8), 2)
        incidents.append(inc)
    incidents.sort(key=lambda i: i["start"])
    return incidents


def poisson(rnd, lam):
    if lam < 50:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rnd.random()
            if p <= limit:
                return k
            k += 1
    return max(0, int(round(rnd.gauss(lam, lam ** 0.5))))


def day_tickets(rnd, cat, inc, count):
    """The day's drawn tickets with its incident applied; a ticket is (queue, priority, tags, subject)."""
    rows = [rnd.choice(cat.tickets) for _ in range(count)]
    if inc is None:
        return rows
    kind = inc["kind"]
    if kind == "volume":
        rows += [rnd.choice(cat.tickets) for _ in range(int(count * (inc["factor"] - 1)))]
    elif kind == "drop":
        rows = rows[:int(round(count * inc["factor"]))]
    elif kind == "queue":
        q = inc["target"][6:]
        base = sum(1 for r in rows if r[0] == q)
        rows += [rnd.choice(cat.by_queue[q]) for _ in range(max(int(base * (inc["factor"] - 1)), 8))]
    elif kind == "tag":
        t = inc["target"][4:]
        rows += [rnd.choice(cat.by_tag[t]) for _ in range(max(int(count * inc["extra_share"]), 8))]
    elif kind == "new_tag":
        t = inc["target"][4:]
        for _ in range(max(int(count * inc["extra_share"]), 5)):
            q, p, tags, subject = rnd.choice(cat.tickets)
            rows.append((q, p, tags + [t], subject))
    else:
        rows = [rnd.choice(cat.high) if rnd.random() < inc["high_share"] else r for r in rows]
    return rows


def recorded_arguments(args):
    """The arguments that decide the stream's content (not where it was written), for the truth file."""
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("--out", "--truth"):
            skip = True
        elif not arg.startswith(("--out=", "--truth=")):
            kept.append(arg)
    return kept


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="the tickets file to write (CSV or JSONL, see --format)")
    ap.add_argument("--truth", required=True, help="the incidents and true expectations, as JSON")
    ap.add_argument("--days", type=int, default=365, help="length of the stream in days")
    ap.add_argument("--per-day", type=float, default=130.0, help="mean tickets a day (before the weekly rhythm)")
    ap.add_argument("--incidents", type=int, default=10, help="incidents to inject (fewer if they do not fit)")
    ap.add_argument("--seed", type=int, default=7, help="the stream's seed: same arguments, same bytes")
    ap.add_argument("--start", default="2025-01-01", type=dt.date.fromisoformat, help="the first day")
    ap.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    ap.add_argument("--strength", type=float, default=1.0, help="multiplies every incident's size")
    ap.add_argument("--gaps", type=int, default=0, help="single days with no ticket at all (outside incidents)")
    ap.add_argument("--kinds", type=parse_kinds, default=DEFAULT_KINDS, help="incident kinds to draw from")
    ap.add_argument("--feed-stop", type=parse_feed_stop, action="append", default=[],
                    help="DATE:DAYS with no ticket at all (an export that stops); repeatable")
    ap.add_argument("--no-text", action="store_true", help="leave the subject out (smaller files)")
    ap.add_argument("--seed-columns", action="store_true",
                    help="name the columns as the notebook's input does: priority_norm, tags_str, text")
    a = ap.parse_args(argv[1:])
    if a.days < 1 or a.per_day <= 0 or a.incidents < 0 or a.gaps < 0:
        ap.error("--days and --per-day must be positive, --incidents and --gaps not negative")

    cat = Catalogue()
    rnd = random.Random(a.seed)
    start = a.start
    taken, stopped, stops = set(), set(), []
    for day, days in a.feed_stop:
        i0 = (day - start).days
        if not 0 <= i0 < a.days:
            ap.error(f"--feed-stop {day} is outside the stream ({start} and {a.days} days)")
        stops.append({"start": str(day), "days": days})
        stopped |= set(range(i0, i0 + days))
        taken |= set(range(i0 - 3, i0 + days + 3))
    incidents = draw_incidents(rnd, a, cat, start, taken)
    gap_days = set()
    while len(gap_days) < a.gaps and len(taken) < a.days - 21:
        g = rnd.randrange(21, a.days)
        if g not in taken:
            gap_days.add(g)
            taken.add(g)
    by_day = {}
    for inc in incidents:
        d0 = dt.date.fromisoformat(inc["start"])
        for k in range(inc["days"]):
            by_day[d0 + dt.timedelta(days=k)] = inc

    fields = ["ticket_id", "created_at", "queue", "priority", "tags"] + ([] if a.no_text else ["subject"])
    names = dict(zip(fields, fields))
    if a.seed_columns:
        names.update(priority="priority_norm", tags="tags_str", subject="text")
    expected_total, n = [], 0
    with open(a.out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n") if a.format == "csv" else None
        if writer:
            writer.writerow([names[f] for f in fields])
        for i in range(a.days):
            day = start + dt.timedelta(days=i)
            mean = a.per_day * WEEKDAY[day.weekday()] * (1 + 0.15 * i / max(1, a.days))
            expected_total.append(round(mean, 6))
            lam = rnd.gammavariate(GAMMA_SHAPE, mean / GAMMA_SHAPE)
            count = poisson(rnd, lam)
            if i in gap_days or i in stopped:
                count = 0
            prefix = day.isoformat() + "T"
            for queue, priority, tags, subject in day_tickets(rnd, cat, by_day.get(day), count):
                n += 1
                secs = rnd.randrange(86400)
                stamp = f"{prefix}{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}Z"
                values = [f"T{a.seed}-{n:08d}", stamp, queue, priority]
                if writer:
                    writer.writerow(values + [" | ".join(tags)] + ([] if a.no_text else [subject]))
                else:
                    rec = dict(zip(["ticket_id", "created_at", "queue", "priority"], values))
                    rec["tags"] = tags
                    if not a.no_text:
                        rec["subject"] = subject
                    fh.write(json.dumps({names[k]: v for k, v in rec.items()}, ensure_ascii=False) + "\n")
    truth = {
        "generator": "scripts/generate-tickets.py",
        "arguments": recorded_arguments(argv[1:]),
        "days": a.days, "start": str(start), "tickets": n, "per_day": a.per_day,
        "incidents": incidents,
        "gap_days": sorted(str(start + dt.timedelta(days=g)) for g in gap_days),
        "feed_stops": stops,
        "expected": {
            "gamma_shape": GAMMA_SHAPE,
            "total": expected_total,
            "share": {k: round(v, 9) for k, v in cat.shares().items()},
        },
    }
    with open(a.truth, "w", encoding="utf-8") as fh:
        json.dump(truth, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main(sys.argv)
