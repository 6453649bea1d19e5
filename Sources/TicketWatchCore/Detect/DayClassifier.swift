import Foundation

/// Says what kind of day a day is before any of its series is judged, from its total and its volume baseline
/// (from the usable days before it): a day to judge, a day in warm-up, a quiet day, or a day of a feed episode —
/// no ticket where traffic was expected (`gap`, signal `no_data`) or far fewer than expected (`drop`, signal
/// `volume_drop`).
///
/// An episode starts on a day whose count is implausibly low — P(X ≤ n) under the baseline, widened for the
/// spread's uncertainty as the upper tails are, below `cut` — and at most `dropRatio` of the expected count: a
/// drop must matter as well as be unlikely. The cut mirrors the surge test's: the total-volume family's part of
/// the day's false-discovery rate (q × its weight over the sum of the weights: 0.0024 with the defaults), or
/// `gapProbability` when that is larger. A day with tickets that is low alone (no low day before it) needs a
/// tenth of that cut: at the whole cut the held-out generated years had 33 false volume_drop alerts in 13,104
/// days (0.25 per 100 days, on days at 0.4–0.5× the expected count, as real drops are); at a tenth, 6. A drop
/// that lasts is found on its second day through the span (a two-day drop to 40 % at 1,500 a day: p 0.0021). One cut for empty days and days with tickets, so a day with one ticket
/// is never a drop where an empty one would be quiet. A shortfall that lasts counts as the span test counts a surge
/// (`SpanTest`): when the days just before were low as well (at most `dropRatio`, judged and usable), the day's
/// p is combined with that of their sum, so a drop of two days at 40 % is found where one alone may not be. Once started it lasts while the
/// days stay at most `dropRatio` of their expected count, plausible or not: an empty weekend day or a
/// trickle of a few tickets inside a stopped feed neither ends the episode (which would raise it again on the
/// Monday) nor is judged against a baseline it would corrupt. The feed is back on the first day above that.
/// Episode days are never judged and never enter a baseline (not the level, not the weekday profile, not the
/// share windows), so a feed that comes back is judged against the traffic before the stop.
struct DayClassifier {
    let cut: Double
    let dropRatio: Double
    let spanDays: Int
    let spanWeight: Double

    init(options: DefaultDetectorOptions) {
        let w = options.weights
        cut = max(options.gapProbability, options.falseDiscoveryRate * w.total / (w.total + w.highRate + w.queues + w.tags))
        dropRatio = options.dropRatio
        spanDays = options.spanDays
        spanWeight = options.spanWeight
    }

    /// How a day was classified; `p` and `span` say how low it was (for an episode day's finding).
    struct Verdict {
        var status: DayStatus
        var p = 1.0
        var span: SpanTest.Outcome?
    }

    /// Classifies slot `t`: `baselines[t]` is its volume baseline, earlier slots those of the days before it (nil
    /// where unusable); `previous` the status of the day before (nil: unknown, no episode).
    func classify(_ t: Int, totals: [Double], baselines: [SeasonalBaseline?], usable: [Bool],
                  previous: DayStatus?) -> Verdict {
        let n = totals[t]
        guard let baseline = baselines[t] else {
            // No expectation yet: an empty day cannot be told quiet, so it stays out of the first baselines.
            return Verdict(status: n > 0 ? .warmup : .gap)
        }
        let episode = Verdict(status: n > 0 ? .drop : .gap)
        guard n <= dropRatio * baseline.mean else { return Verdict(status: .judged) }
        let day = baseline.widened(CountTests.negativeBinomialLowerTail(n, mean: baseline.mean, size: baseline.size),
                                   mean: baseline.mean, variance: baseline.std * baseline.std)
        var verdict = episode
        verdict.p = day
        if previous?.isEpisode ?? false { return verdict }
        // The low days just before, judged and usable: the span of the shortfall.
        var first = t
        while first > max(0, t - spanDays + 1), usable[first - 1], let b = baselines[first - 1],
              totals[first - 1] <= dropRatio * b.mean {
            first -= 1
        }
        if first < t {
            let span = SpanTest(first: first, last: t, weight: spanWeight)
            let outcome = span.shortfall(totals: totals, baselines: baselines)
            verdict.p = span.combine(day: day, span: outcome.p)
            verdict.span = outcome
        }
        if verdict.p < (n > 0 && verdict.span == nil ? cut / 10 : cut) { return verdict }
        return Verdict(status: n > 0 ? .judged : .quiet)
    }

    /// The finding of an episode day: `no_data` for an empty day, `volume_drop` for a day with far too few
    /// tickets; its threshold is `cut`. `lastTickets` is the last day before it that had any ticket (YYYY-MM-DD;
    /// nil when none is known); `window` the baseline's days, as words.
    func finding(_ verdict: Verdict, total n: Double, baseline: SeasonalBaseline, dayName: String,
                 lastTickets: String?, window: String) -> Finding {
        let empty = verdict.status == .gap
        let expected = Wording.count(baseline.mean)
        let since = lastTickets.map { "; the last day with tickets was \($0)" } ?? ""
        let reason = empty
            ? "no tickets at all, \(expected) expected for a \(dayName)\(since)"
            : "\(Wording.count(n)) tickets, \(Wording.ratio(n, baseline.mean)) the \(expected) expected for a "
                + dayName + (verdict.span?.wording(day: 1) ?? "")
        var f = Finding(kind: .feed, signal: empty ? Finding.noData : Finding.volumeDrop, level: "global", name: "",
                        value: n, expected: baseline.mean, std: baseline.std, p: verdict.p, weight: cut,
                        excess: n - baseline.mean, reason: reason)
        f.facts = [("last_day_with_tickets", lastTickets.map(JSONObject.quote) ?? "null"),
                   ("expected", JSONObject.number((baseline.mean * 10).rounded() / 10)),
                   ("baseline_window", JSONObject.quote(window)),
                   ("baseline_days", String(baseline.historyDays)),
                   ("weekday_factor", JSONObject.number(baseline.weekdayFactor)),
                   ("p_value", JSONObject.number(verdict.p)),
                   ("p_cutoff", JSONObject.number(cut))] + (verdict.span?.facts ?? [])
        return f
    }
}
