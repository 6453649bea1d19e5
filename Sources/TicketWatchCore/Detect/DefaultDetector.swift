import Foundation

/// The default detector (`--detector default`): count-aware, seasonal, causal and incremental.
///
/// Each run judges the days after the last day it judged, up to `through` (complete days only), one day at a
/// time and only from that day and the days before it, so a daily run and one batch run store the same alerts.
/// A judged day gets these tests, each an exact one-sided p-value:
/// - tickets_total: the day's count against a negative binomial whose mean is a weekly profile times the recent
///   level and whose overdispersion is estimated robustly from the history (`SeasonalBaseline`);
/// - high_rate, queue_volume (every queue), tag_volume (every tag) with enough support: the count given the
///   day's total against its recent share, binomial or, when the history shows it, quasi-binomial (`ShareTest`);
/// - new_term: a queue or tag (nearly) never seen in the season window that appears in volume.
/// Each series except new_term is also tested over the last `spanDays` days together (`SpanTest`), so a surge
/// too small for any one day is found while it lasts.
/// Weighted Benjamini–Hochberg over all of the day's tests, the rate split between the four families by their
/// weights, decides what is significant (`FalseDiscovery`);
/// findings are grouped into incidents, and an incident is alerted on its first day and again only when it
/// grows (`IncidentTracker`). The score stored in `z` is the standard-normal equivalent of the p-value,
/// z = Φ⁻¹(1 − p); `threshold` is the z the day's FDR cut required of that test.
/// Before that, `DayClassifier` sets apart the days of a feed episode — no ticket where traffic was expected
/// (`no_data`), or far too few (`volume_drop`): one alert per episode, those days neither judged nor part of any
/// baseline. Days after the newest ticket are judged as empty only `staleAfterDays` mornings after they end.
/// Days judged again after late tickets end with one run's findings and incidents; their stored alerts are
/// withdrawn only when their findings are gone, never because their incident now began earlier (`Outcome.kept`).
public struct DefaultDetector {
    public static let name = "default"

    public var options: DefaultDetectorOptions

    public init(options: DefaultDetectorOptions = DefaultDetectorOptions()) {
        self.options = options
    }

    /// What one run did.
    public struct Outcome: Sendable {
        /// The days classified by this run (YYYY-MM-DD), in order, and how.
        public var days: [String] = []
        public var judged = 0, warmup = 0, quiet = 0, gaps = 0, drops = 0
        /// The alerts of the days judged (stored), and the findings kept silent because their incident did not grow.
        public var alerts: [Alert] = []
        public var suppressed = 0
        public var stored = (inserted: 0, updated: 0, unchanged: 0, withdrawn: 0)
        /// Days judged before and judged again because late tickets changed them (a prefix of `days`).
        public var rejudged: [String] = []
        /// Alerts of those days that are new: stored with `late` set.
        public var late: [String] = []
        /// Alerts of those days stored before whose findings still hold although, judged again, they would not be
        /// alerted (their incident now began on an earlier, late day and did not grow): kept, with that incident.
        public var kept: [String] = []
    }

    /// Judges the new days up to `through` (YYYY-MM-DD; default: the newest day with tickets) and stores the
    /// detector's state and alerts in one write transaction.
    @discardableResult
    public func run(in db: Database, through: String? = nil, now: String) throws -> Outcome {
        try db.writeTransaction {
            var outcome = try judgeNewDays(in: db, through: through, now: now)
            var known = Set<String>()
            if let first = outcome.rejudged.first, let last = outcome.rejudged.last {
                known = Set(try db.query("SELECT id FROM alerts WHERE detector = ? AND date BETWEEN ? AND ?",
                                         [.text(Self.name), .text(first), .text(last)]).compactMap { $0[0].string })
            }
            outcome.stored = try AlertStore(db: db).upsertWithinTransaction(
                detector: Self.name, days: outcome.days, alerts: outcome.alerts, now: now)
            let rejudged = Set(outcome.rejudged)
            outcome.late = outcome.alerts.filter { rejudged.contains($0.date) && !known.contains($0.id) }.map(\.id)
            for id in outcome.late { try db.run("UPDATE alerts SET late = 1 WHERE id = ?", [.text(id)]) }
            return outcome
        }
    }

    func judgeNewDays(in db: Database, through: String?, now: String) throws -> Outcome {
        let state = DetectorState(db: db, detector: Self.name)
        var outcome = Outcome()
        let span = try db.query("SELECT min(day), max(day) FROM daily_totals WHERE tickets_total > 0")
        guard let dataStart = span.first?[0].string.flatMap(CivilDate.init)?.daysSinceEpoch,
              let dataEnd = span.first?[1].string.flatMap(CivilDate.init)?.daysSinceEpoch else { return outcome }
        // Not past the newest day with tickets until `staleAfterDays` more mornings have passed: a day whose export
        // is late or still settling in the inbox must not be judged empty, but one that never comes is a stop.
        var last = dataEnd
        if let through = through.flatMap(CivilDate.init)?.daysSinceEpoch {
            last = min(through, max(dataEnd, through - options.staleAfterDays))
        }
        let lastJudged = try state.lastJudgedDay()
        var first = lastJudged.map { $0 + 1 } ?? dataStart
        // Late tickets: when one of the newest judged days changed, judge it and every day after it again, from the
        // state before it, exactly as if its tickets had been there the first time.
        // Withdrawing says "this alert was wrong": an alert already stored for those days (and maybe delivered) is
        // kept while its finding holds, even where judging again would now only remember it as an ongoing incident.
        var standing = Set<String>()
        if let lastJudged, options.lateDays > 0, last >= lastJudged,
           let changed = try state.firstChangedDay(from: lastJudged - options.lateDays + 1, through: lastJudged) {
            try state.forget(from: changed)
            outcome.rejudged = (changed...lastJudged).map { CivilDate(daysSinceEpoch: $0).description }
            standing = try AlertStore(db: db).liveIDs(detector: Self.name, from: outcome.rejudged[0])
            first = changed
        }
        guard first <= last else { return outcome }

        // A span test on the first new day needs the baselines of the span's earlier days, each from its own
        // season window: load that much more history.
        let loadStart = max(dataStart, first - options.seasonWindow - (options.spanDays - 1))
        let highSet = options.highPriorities.map { $0.lowercased() }
        var data = try DailyCounts.load(from: db, from: loadStart, through: last, highPriorities: highSet)
        data.holidays = Set(options.holidays.compactMap { CivilDate($0)?.daysSinceEpoch })
        let firstSlot = first - loadStart
        let statusOf = try state.statuses(from: loadStart, through: first - 1)

        var usable = [Bool](repeating: false, count: data.dayCount)
        for s in 0..<firstSlot {
            usable[s] = statusOf[loadStart + s].map(\.isUsable) ?? (data.totals[s] > 0)
        }
        var tracker = IncidentTracker(growth: options.growth, gapDays: options.incidentGapDays)
        // Findings recent enough to continue an incident, or to cut a series' span short (`SpanTest.after`).
        let memory = max(options.incidentGapDays + 1, options.spanDays - 1)
        try state.restore(into: &tracker, from: first - memory, through: first - 1) { $0 - loadStart }
        var windows = RollingSums(data: data)
        windows.extend(through: firstSlot, usable: usable)

        var expectations = try ExpectationRecorder(db: db, detector: Self.name, data: data,
                                                   shareWindow: options.shareWindow, minSupport: options.minSupport,
                                                   highSet: highSet, loadedFromStart: loadStart == dataStart)
        try expectations.restore(firstSlot: firstSlot) { statusOf[loadStart + $0] }
        // Each usable day's volume baseline (from the days before it), for the span test of the days after it.
        var baselines = [SeasonalBaseline?](repeating: nil, count: data.dayCount)
        let estimate = { (slot: Int, usable: [Bool]) in
            SeasonalBaseline.estimate(
                at: slot, counts: data.totals, usable: usable, weekday: data.weekday,
                seasonWindow: options.seasonWindow, levelWindow: options.levelWindow, minHistory: options.minHistory)
        }
        for s in max(0, firstSlot - options.spanDays + 1)..<firstSlot where usable[s] {
            baselines[s] = estimate(s, usable)
        }
        let classifier = DayClassifier(options: options)
        var previous = firstSlot > 0 ? statusOf[loadStart + firstSlot - 1] : nil
        for t in firstSlot..<data.dayCount {
            let date = data.date(t)
            let baseline = estimate(t, usable)
            baselines[t] = baseline
            let verdict = classifier.classify(t, totals: data.totals, baselines: baselines, usable: usable,
                                              previous: previous)
            let status = verdict.status
            var findings: [Finding] = [], sets: [Set<Int64>] = []
            var dispersion: FamilyDispersions?
            if status == .judged {
                // Each family's day-to-day share variation, from the share window (see FamilyDispersion).
                let families = FamilyDispersions(at: t, data: data, usable: usable, windows: windows,
                                                 shareWindow: options.shareWindow, minSupport: options.minSupport)
                dispersion = families
                findings = judge(t, data: data, baselines: baselines, usable: usable, windows: windows,
                                 dispersion: families, highSet: highSet) { tracker.lastSeen[$0]?.slot }
                sets = findings.count > 1 ? try ticketSets(findings, date: date, in: db, highSet: highSet) : []
            } else if status.isEpisode, let baseline {
                findings = [classifier.finding(
                    verdict, total: data.totals[t], baseline: baseline,
                    dayName: data.isHoliday(t) ? "holiday" : Wording.weekdays[data.weekday(t)],
                    lastTickets: try lastDayWithTickets(before: t, data: data, in: db),
                    window: "\(data.date(baseline.windowStart))..\(data.date(baseline.windowEnd))")]
            }
            let assignments = tracker.assign(findings, slot: t, date: date, detector: Self.name) { i, j in
                Double(sets[i].intersection(sets[j]).count)
            }
            if let dispersion, let baseline {
                try expectations.record(t, baseline: baseline, dispersion: dispersion, alerted: zip(findings, assignments)
                    .filter { $0.1.alerted }.map(\.0.level), usable: usable, windows: windows)
            }
            for (finding, assignment) in zip(findings, assignments) {
                try state.record(day: date, finding: finding, incident: assignment.incident, alerted: assignment.alerted)
                let found = alert(finding, date: date, incident: assignment.incident)
                if assignment.alerted {
                    outcome.alerts.append(found)
                } else if standing.contains(found.id) {
                    outcome.alerts.append(found)
                    outcome.kept.append(found.id)
                } else {
                    outcome.suppressed += 1
                }
            }
            switch status {
            case .judged: outcome.judged += 1
            case .warmup: outcome.warmup += 1
            case .quiet: outcome.quiet += 1
            case .gap: outcome.gaps += 1
            case .drop: outcome.drops += 1
            }
            previous = status
            usable[t] = status.isUsable
            if !status.isUsable { baselines[t] = nil }
            windows.extend(through: t + 1, usable: usable)
            try state.record(day: date, status: status, now: now, figures: try DayFingerprint.of(date, in: db))
            outcome.days.append(date)
        }
        outcome.alerts.sort(by: Alert.precedes)
        return outcome
    }

    // MARK: - One day

    /// Every test of day `t`, then the FDR cut; returns the significant ones. `baselines[t]` is the day's volume
    /// baseline; earlier slots hold those of the days before it (nil for gaps and days without one).
    /// `lastFinding(seriesKey)` is the slot of the series' last finding before `t`, if recent.
    func judge(_ t: Int, data: DailyCounts, baselines: [SeasonalBaseline?], usable: [Bool], windows: RollingSums,
               dispersion: FamilyDispersions, highSet: [String], lastFinding: (String) -> Int?) -> [Finding] {
        guard let baseline = baselines[t] else { return [] }
        let n = data.totals[t]
        let shareStart = max(0, t - options.shareWindow), seasonStart = max(0, t - options.seasonWindow)
        let shareRange = shareStart..<t
        let windowText = "\(data.date(shareStart))..\(data.date(t - 1))"
        let seasonText = "\(data.date(baseline.windowStart))..\(data.date(baseline.windowEnd))"
        let historyTickets = windows.totalSum(seasonStart..<t)
        let daySpan = SpanTest(t: t, days: options.spanDays, weight: options.spanWeight, baselines: baselines,
                               usable: usable)
        var candidates: [Finding] = []
        var untested: [Finding.Kind: Int] = [:]
        var untestedMass: [Finding.Kind: Double] = [:]
        let mass = { (support: Double) in pow(max(support, 1), options.supportExponent) }

        // tickets_total
        do {
            let span = daySpan?.after(lastFinding("tickets_total"))
            let day = baseline.upperTail(n)
            let spanned = span.map { $0.volume(totals: data.totals, baselines: baselines) }
            let weekday = data.isHoliday(t) ? "holiday" : Wording.weekdays[data.weekday(t)]
            var f = Finding(kind: .total, signal: "tickets_total", level: "global", name: "", value: n,
                            expected: baseline.mean, std: baseline.std, p: span?.combine(day: day, span: spanned?.p) ?? day,
                            weight: 1, excess: n - baseline.mean,
                            reason: "\(Wording.count(n)) tickets, \(Wording.ratio(n, baseline.mean)) the \(Wording.count(baseline.mean)) expected for a \(weekday)" + (spanned?.wording(day: day) ?? ""))
            f.facts = [("baseline_window", JSONObject.quote(seasonText)),
                       ("baseline_days", String(baseline.historyDays)),
                       ("weekday_factor", JSONObject.number(baseline.weekdayFactor)),
                       ("nb_size", JSONObject.number(baseline.size))] + (spanned?.facts ?? [])
            f.spanExcessPerDay = spanned?.excessPerDay
            candidates.append(f)
        }

        // The mix (high share, queues, tags, new terms) is judged only against a history that holds enough of
        // the day's traffic. When this day and one of the three usable days before it (a weekend between) are
        // both more than `mixJumpRatio` times their share window's average day, the desk's volume has grown
        // many-fold and stayed there (a feed that starts after a thin back-fill, a new desk merged in): its mix is
        // a new one that the thin history cannot describe, and every busy queue would look new. The first day of a
        // jump is judged in full, so that an outage of one queue on a small desk is named on the day it happens.
        if jumped(t, data: data, usable: usable, windows: windows),
           (0..<t).reversed().lazy.filter({ usable[$0] }).prefix(3).contains(where: {
               jumped($0, data: data, usable: usable, windows: windows)
           }) {
            return decide(candidates, untested: [:], untestedMass: [:], baseline: baseline)
        }

        // high_rate
        do {
            let h = data.highs[t]
            let span = daySpan?.after(lastFinding("high_rate"))
            let share = ShareTest.share(count: windows.highSum(shareRange), of: windows.totalSum(shareRange))
            let test = shareTests(data.highs, t: t, data: data, usable: usable, windows: windows, span: span,
                                  minCount: 0, dispersion: dispersion.high) {
                windows.highSum($0)
            }
            let day = test?.day ?? ShareTest.untested(n: n, share: share)
            let set = highSet.joined(separator: " or ")
            var f = Finding(kind: .high, signal: "high_rate", level: "global", name: "", value: n > 0 ? h / n : 0,
                            expected: share, std: n > 0 ? day.std / n : 0, p: test?.p ?? 1, weight: 1,
                            excess: h - day.expected,
                            reason: "\(Wording.percent(h / n)) of tickets \(set) (\(Wording.count(h)) of \(Wording.count(n))), expected \(Wording.percent(share))" + (test?.span?.wording(day: day.p) ?? ""))
            f.facts = [("high_set", JSONObject.array(highSet)), ("tickets_high", JSONObject.number(h)),
                       ("tickets_total", JSONObject.number(n)), ("baseline_window", JSONObject.quote(windowText)),
                       ("overdispersion", JSONObject.number(day.overdispersion))]
                + (test?.span?.facts ?? [])
            f.spanExcessPerDay = test?.span?.excessPerDay
            candidates.append(f)
        }

        // Every queue and tag: watched (share test) or new (new_term).
        for (kind, table) in [(Finding.Kind.queue, data.queues), (Finding.Kind.tag, data.tags)] {
            let prefix = kind == .queue ? "queue:" : "tag:"
            let noun = kind == .queue ? "queue" : "tag"
            for series in table.counts.indices {
                let counts = table.counts[series]
                let c = counts[t]
                let history = windows.seriesSum(kind, series, seasonStart..<t)
                let name = table.names[series]
                if history <= Double(options.newTermMaxHistory) {
                    guard c >= Double(options.newTermMinCount) else { continue }
                    let share = ShareTest.share(count: history, of: historyTickets)
                    let p = ShareTest.binomialP(c, n: n, share: share)
                    var f = Finding(kind: kind, signal: "new_term", level: prefix + name, name: name, value: c,
                                    expected: n * share, std: (n * share).squareRoot(), p: p, weight: 1,
                                    excess: c - n * share,
                                    reason: "new \(noun) \(name): \(Wording.count(c)) tickets; seen \(Wording.count(history)) times in the \(t - seasonStart) days before")
                    f.facts = [("baseline_window", JSONObject.quote(seasonText)),
                               ("seen_before", JSONObject.number(history))]
                    f.mass = mass(history)
                    candidates.append(f)
                    continue
                }
                guard history >= Double(options.minSupport) else { continue }
                let span = daySpan?.after(lastFinding(prefix + name))
                let windowSum = windows.seriesSum(kind, series, shareRange)
                let kappa = dispersion.kappa(kind, windowSum: windowSum)
                guard let test = shareTests(counts, t: t, data: data, usable: usable, windows: windows, span: span,
                                            minCount: Double(options.minCount), dispersion: kappa,
                                            clumps: dispersion.clumps(kind, windowSum: windowSum), sum: {
                                                windows.seriesSum(kind, series, $0)
                                            }) else {
                    untested[kind, default: 0] += 1
                    untestedMass[kind, default: 0] += mass(history)
                    continue
                }
                let r = test.day
                var f = Finding(kind: kind, signal: kind == .queue ? "queue_volume" : "tag_volume",
                                level: prefix + name, name: name, value: c, expected: r.expected, std: r.std,
                                p: test.p, weight: 1, excess: c - r.expected,
                                reason: "\(noun) \(name): \(Wording.count(c)) tickets, \(Wording.ratio(c, r.expected)) the \(Wording.count(r.expected)) expected (\(Wording.percent(c / n)) of the day's tickets instead of \(Wording.percent(r.share)))" + (test.span?.wording(day: r.p) ?? ""))
                f.facts = [("baseline_window", JSONObject.quote(windowText)),
                           ("share_expected", JSONObject.number(r.share)),
                           ("overdispersion", JSONObject.number(r.overdispersion))]
                    + (test.span?.facts ?? [])
                f.spanExcessPerDay = test.span?.excessPerDay
                f.mass = mass(history)
                candidates.append(f)
            }
        }

        return decide(candidates, untested: untested, untestedMass: untestedMass, baseline: baseline)
    }

    /// Whether day `t`'s total is more than `mixJumpRatio` times the average usable day of its share window, or
    /// that window holds too few usable days to say what the desk's mix is.
    private func jumped(_ t: Int, data: DailyCounts, usable: [Bool], windows: RollingSums) -> Bool {
        let range = max(0, t - options.shareWindow)..<t
        let usableDays = range.filter { usable[$0] }.count
        guard usableDays >= options.minHistory else { return true }
        return data.totals[t] * Double(usableDays) > options.mixJumpRatio * windows.totalSum(range)
    }

    /// The day's cut: the false-discovery rate split between the families present and their series, then the
    /// practical floor; returns the findings alerted, each with the p it had to reach in `weight`.
    private func decide(_ candidates: [Finding], untested: [Finding.Kind: Int], untestedMass: [Finding.Kind: Double],
                        baseline: SeasonalBaseline) -> [Finding] {
        var candidates = candidates
        // The rate is split between the four families by their weights, then within a family by each series'
        // mass (its support to the support exponent; evenly at exponent 0): weight m × share × mass / family
        // mass, so all m weights sum to m.
        let m = candidates.count + untested.values.reduce(0, +)
        var familyMass = untestedMass
        for f in candidates { familyMass[f.kind, default: 0] += f.mass }
        let share = { (kind: Finding.Kind) -> Double in options.weights.weight(of: kind) }
        let shares = familyMass.filter { $0.value > 0 }.keys.reduce(0.0) { $0 + share($1) }
        for i in candidates.indices {
            let kind = candidates[i].kind
            candidates[i].weight = Double(m) * share(kind) * candidates[i].mass / (shares * (familyMass[kind] ?? 1))
        }
        let decision = FalseDiscovery.benjaminiHochberg(
            candidates.map { FalseDiscovery.Test(p: $0.p, weight: $0.weight) },
            q: options.falseDiscoveryRate, untested: untested.values.reduce(0, +))
        // An excess must matter as well as be unlikely: below the practical floor (a share of an average day's
        // tickets: the level, before the weekday factor, so that four tickets on a quiet Sunday are not a surge
        // because Sundays are small) a finding is not alerted, however small its p-value.
        let floor = options.practicalFloor * baseline.level
        return decision.rejected.filter { candidates[$0].matters(floor: floor) }.map { index in
            var f = candidates[index]
            f.facts += [("p_value", JSONObject.number(f.p)), ("fdr_q", JSONObject.number(options.falseDiscoveryRate)),
                        ("tests", String(m)), ("p_cutoff", JSONObject.number(decision.cutoff * f.weight))]
            f.weight = decision.cutoff * f.weight   // from here on: the p the test had to reach
            return f
        }
    }

    /// A part of the traffic (one queue, one tag, the high-priority tickets) on day `t`: its share test on the
    /// day and, when the span allows, on the span's summed counts against the share before the span, combined
    /// into one p-value. nil when neither can be significant (too few tickets, not above the share, or a plain
    /// binomial p above the false-discovery rate: the quasi-binomial can only be larger). `clumps`: the family's
    /// clump tail, for a series expecting few tickets on the day (`ClumpTail.expectedBelow`), whose count on the
    /// day and over the span is then also judged as clumps, the larger p holding.
    func shareTests(_ counts: [Double], t: Int, data: DailyCounts, usable: [Bool], windows: RollingSums,
                    span: SpanTest?, minCount: Double, dispersion: Double,
                    clumps: (sizes: ClumpSizes, ownIsPooled: Bool)? = nil,
                    sum: (Range<Int>) -> Double) -> (p: Double, day: ShareTest.Result, span: SpanTest.Outcome?)? {
        let c = counts[t], n = data.totals[t]
        guard c >= minCount else { return nil }
        func shareBefore(_ range: Range<Int>) -> Double {
            ShareTest.share(count: sum(range), of: windows.totalSum(range))
        }
        let dayRange = max(0, t - options.shareWindow)..<t
        let clumpTail = n * shareBefore(dayRange) < ClumpTail.expectedBelow ? clumps : nil
        // Read only for a count that passed the screen below.
        func own() -> [Double] {
            clumpTail?.ownIsPooled == true ? dayRange.filter { usable[$0] && counts[$0] > 0 }.map { counts[$0] } : []
        }
        func test(_ c: Double, _ n: Double, _ range: Range<Int>) -> ShareTest.Result? {
            let share = shareBefore(range)
            let q = options.falseDiscoveryRate
            guard c > n * share, !ShareTest.surelyAbove(q, c: c, n: n, share: share),
                  ShareTest.binomialP(c, n: n, share: share) <= q else { return nil }
            var result = ShareTest.test(c, n: n, share: share, series: counts, totals: data.totals, usable: usable,
                                        window: range, dispersion: dispersion)
            if let clump = clumpTail?.sizes.tail.upperTail(c, mean: result.expected, excluding: own()) {
                result.p = max(result.p, clump)
            }
            return result
        }
        let day = test(c, n, dayRange)
        var spanned: SpanTest.Outcome?
        if let span {
            var cs = 0.0, ns = 0.0
            for s in span.slots { cs += counts[s]; ns += data.totals[s] }
            if let r = test(cs, ns, max(0, span.first - options.shareWindow)..<span.first) {
                spanned = span.outcome(value: cs, expected: r.expected, p: r.p)
            }
        }
        guard day != nil || spanned != nil else { return nil }
        let dayResult = day ?? ShareTest.untested(n: n, share: shareBefore(dayRange))
        return (span?.combine(day: dayResult.p, span: spanned?.p) ?? dayResult.p, dayResult, spanned)
    }

    /// The last day before slot `t` with any ticket (from the loaded days, else the warehouse), for the words of
    /// a feed episode's alert.
    private func lastDayWithTickets(before t: Int, data: DailyCounts, in db: Database) throws -> String? {
        if let s = (0..<t).last(where: { data.totals[$0] > 0 }) { return data.date(s) }
        return try db.scalar("SELECT max(day) FROM daily_totals WHERE tickets_total > 0 AND day < ?",
                             [.text(data.date(0))])?.string
    }

    private func alert(_ f: Finding, date: String, incident: String) -> Alert {
        var details = JSONObject()
        details.add("reason", f.reason)
        details.add("excess", (f.excess * 10).rounded() / 10)
        for (key, raw) in f.facts { details.add(key, raw: raw) }
        return Alert(detector: Self.name, date: date, signal: f.signal, level: f.level, value: f.value, z: f.z,
                     threshold: CountTests.normalScore(upperTail: min(f.weight, 0.5)),
                     baselineMean: f.expected, baselineStd: f.std, incident: incident, details: details.text)
    }

    // MARK: - Co-movement

    /// For each finding, the ids of the tickets of `date` in its set (a queue's, a tag's, the high-priority
    /// ones; none for tickets_total, whose links use excess only), read in one pass over the day's tickets.
    func ticketSets(_ findings: [Finding], date: String, in db: Database, highSet: [String]) throws -> [Set<Int64>] {
        var sets = [Set<Int64>](repeating: [], count: findings.count)
        var byQueue: [String: [Int]] = [:], byTag: [String: [Int]] = [:]
        var highIndices: [Int] = []
        for (i, f) in findings.enumerated() {
            switch f.kind {
            case .queue: byQueue[f.name, default: []].append(i)
            case .tag: byTag[f.name, default: []].append(i)
            case .high: highIndices.append(i)
            case .total, .feed: break
            }
        }
        let high = Set(highSet)
        // Two plain queries (not a LEFT JOIN onto the ticket_tags view, which SQLite would materialise whole).
        let tickets = try db.prepare("SELECT id, coalesce(queue, 'Unknown'), priority FROM tickets WHERE day = ?")
        try tickets.bind([.text(date)])
        while try tickets.step() {
            let id = tickets.int64(at: 0)
            if let queue = tickets.value(at: 1).string, let indices = byQueue[queue] {
                for i in indices { sets[i].insert(id) }
            }
            if !highIndices.isEmpty, let priority = tickets.value(at: 2).string, high.contains(priority) {
                for i in highIndices { sets[i].insert(id) }
            }
        }
        if !byTag.isEmpty {
            let tags = try db.prepare("""
                SELECT ticket, tag FROM ticket_tags WHERE ticket IN (SELECT id FROM tickets WHERE day = ?)
                """)
            try tags.bind([.text(date)])
            while try tags.step() {
                if let tag = tags.value(at: 1).string, let indices = byTag[tag] {
                    for i in indices { sets[i].insert(tags.int64(at: 0)) }
                }
            }
        }
        return sets
    }
}

/// Prefix sums over usable days (gap days add nothing), extended one day at a time as days are classified, so
/// any window's total is two lookups.
struct RollingSums {
    private let data: DailyCounts
    private var totals: [Double] = [0]
    private var highs: [Double] = [0]
    private var queues: [[Double]]
    private var tags: [[Double]]

    init(data: DailyCounts) {
        self.data = data
        queues = Array(repeating: [0], count: data.queues.counts.count)
        tags = Array(repeating: [0], count: data.tags.counts.count)
    }

    /// Makes sums available for windows ending before `slot`.
    mutating func extend(through slot: Int, usable: [Bool]) {
        while totals.count <= slot {
            let s = totals.count - 1
            let use = usable[s]
            totals.append(totals[s] + (use ? data.totals[s] : 0))
            highs.append(highs[s] + (use ? data.highs[s] : 0))
            for i in queues.indices { queues[i].append(queues[i][s] + (use ? data.queues.counts[i][s] : 0)) }
            for i in tags.indices { tags[i].append(tags[i][s] + (use ? data.tags.counts[i][s] : 0)) }
        }
    }

    func totalSum(_ r: Range<Int>) -> Double { totals[r.upperBound] - totals[r.lowerBound] }
    func highSum(_ r: Range<Int>) -> Double { highs[r.upperBound] - highs[r.lowerBound] }
    func seriesSum(_ kind: Finding.Kind, _ i: Int, _ r: Range<Int>) -> Double {
        let sums = kind == .queue ? queues[i] : tags[i]
        return sums[r.upperBound] - sums[r.lowerBound]
    }
}
