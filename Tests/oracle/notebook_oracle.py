#!/usr/bin/env python3
"""The data-science notebook's detector, step by step in pandas: the oracle that `--detector seed` must match
alert by alert (Tests/TicketWatchCoreTests/SeedParityTests.swift).

Written for this repository from the notebook's sections 3 to 8 (daily aggregates, rolling z-scores, top queues,
top tags, the alert table); docs/design.md in the project's notes specifies the same rules in words. Two
departures, both needed to run it on real exports, neither changing an alert:
- the notebook invents a timeline (random days); here each ticket's own `created_at` gives its day;
- the notebook's tag section groups an exploded frame by a series with a repeated index, which pandas refuses
  ("cannot reindex on an axis with duplicate labels"); the evident intent, the day of each exploded row, is kept.

Columns read: created_at, priority_norm (or priority), queue, tags_str (or tags, 'a | b'). Needs pandas.

usage: notebook_oracle.py TICKETS.csv ALERTS_OUT.csv [--daily DAILY_OUT.csv]
"""
import argparse
import sys

import numpy as np
import pandas as pd

WINDOW = 14
Z_TICKETS, Z_HIGHRATE, QUEUE_Z, TAG_Z = 3.0, 3.0, 3.5, 3.5
TOP_QUEUES, TOP_TAGS = 6, 8


def rolling_zscore(series, window=WINDOW):
    """z of each row against the window that ends on it (itself included); 0 where undefined, as the notebook."""
    periods = max(3, window // 3)
    mean = series.rolling(window, min_periods=periods).mean()
    std = series.rolling(window, min_periods=periods).std(ddof=0)
    return ((series - mean) / std.replace(0, np.nan)).fillna(0.0)


def read_tickets(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for wanted, fallback in (("priority_norm", "priority"), ("tags_str", "tags")):
        if wanted not in df.columns:
            df[wanted] = df[fallback]
    df["created_at"] = pd.to_datetime(df["created_at"].str.slice(0, 10))
    df["priority_norm"] = df["priority_norm"].astype(str).str.lower().str.strip()
    df["queue"] = df["queue"].replace("", np.nan).fillna("Unknown").astype(str)
    df["tags_str"] = df["tags_str"].fillna("").astype(str)
    return df


def daily_figures(df):
    day = df["created_at"].dt.date
    daily = (df.groupby(day)
               .agg(tickets_total=("created_at", "size"),
                    tickets_high=("priority_norm", lambda s: (s == "high").sum()))
               .reset_index()
               .rename(columns={"created_at": "date"}))
    daily["date"] = pd.to_datetime(daily["date"])
    daily["high_rate"] = daily["tickets_high"] / daily["tickets_total"]
    daily["z_tickets"] = rolling_zscore(daily["tickets_total"])
    daily["z_highrate"] = rolling_zscore(daily["high_rate"])
    return daily


def wide_counts(frame, column, names):
    """Daily counts of each name over the days on which any of them occurs, absent days 0."""
    kept = frame[frame[column].isin(names)]
    counts = (kept.groupby([kept["created_at"].dt.date, column]).size()
                  .reset_index(name="count").rename(columns={"created_at": "date"}))
    counts["date"] = pd.to_datetime(counts["date"])
    return counts.pivot(index="date", columns=column, values="count").fillna(0).sort_index()


def alerts_of(daily, q_wide, t_wide):
    rows = []
    for _, r in daily.iterrows():
        if r["z_tickets"] >= Z_TICKETS:
            rows.append((r["date"], "tickets_total", float(r["tickets_total"]), float(r["z_tickets"]), "global"))
        if r["z_highrate"] >= Z_HIGHRATE:
            rows.append((r["date"], "high_rate", float(r["high_rate"]), float(r["z_highrate"]), "global"))
    for wide, signal, prefix, limit in ((q_wide, "queue_volume", "queue", QUEUE_Z),
                                        (t_wide, "tag_volume", "tag", TAG_Z)):
        z = wide.apply(rolling_zscore)
        for d in z.index:
            for name in z.columns:
                if z.loc[d, name] >= limit:
                    rows.append((d, signal, float(wide.loc[d, name]), float(z.loc[d, name]), f"{prefix}:{name}"))
    table = pd.DataFrame(rows, columns=["date", "signal", "value", "z", "level"])
    table = table.sort_values(["date", "signal", "level"])
    table["date"] = pd.to_datetime(table["date"]).dt.strftime("%Y-%m-%d")
    return table


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tickets")
    ap.add_argument("alerts_out")
    ap.add_argument("--daily", help="also write the daily table (date, totals, high rate, z)")
    a = ap.parse_args(argv[1:])

    df = read_tickets(a.tickets)
    daily = daily_figures(df)
    top_queues = df["queue"].value_counts().head(TOP_QUEUES).index.tolist()
    q_wide = wide_counts(df, "queue", top_queues)

    df["tags_list"] = df["tags_str"].apply(lambda s: [t.strip() for t in str(s).split("|") if t.strip()])
    tags_long = df.explode("tags_list").rename(columns={"tags_list": "tag"})
    tags_long = tags_long[tags_long["tag"].notna() & (tags_long["tag"].astype(str).str.len() > 0)].copy()
    top_tags = tags_long["tag"].value_counts().head(TOP_TAGS).index.tolist()
    t_wide = wide_counts(tags_long, "tag", top_tags)

    alerts = alerts_of(daily, q_wide, t_wide)
    alerts.to_csv(a.alerts_out, index=False, encoding="utf-8")
    if a.daily:
        daily.to_csv(a.daily, index=False)
    print(f"alerts: {len(alerts)} top queues: {top_queues} top tags: {top_tags}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
