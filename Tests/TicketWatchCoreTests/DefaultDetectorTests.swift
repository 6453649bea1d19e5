import Foundation
import Testing
@testable import TicketWatchCore

// MARK: - Hand-made series

/// A warehouse whose daily aggregates are written directly (no tickets), so a test states the series it means.
private final class SeriesWarehouse {
    let warehouse: Warehouse
    var db: Database { warehouse.db }

    init() throws { warehouse = try makeWarehouse() }

    /// One day's figures: `total` tickets, `high` of them high priority, and per-queue / per-tag counts.
    func day(_ date: String, total: Int, high: Int = 0, queues: [String: Int] = [:], tags: [String: Int] = [:]) throws {
        guard total > 0 else { return }
        try db.run("INSERT INTO daily_totals VALUES (?, ?, ?, ?)",
                   [.text(date), .integer(Int64(total)), .integer(Int64(high)), .real(Double(high) / Double(total))])
        try db.run("INSERT INTO daily_priorities VALUES (?, 'high', ?)", [.text(date), .integer(Int64(high))])
        try db.run("INSERT INTO daily_priorities VALUES (?, 'low', ?)", [.text(date), .integer(Int64(total - high))])
        for (queue, n) in queues where n > 0 {
            try db.run("INSERT INTO daily_queues VALUES (?, ?, ?)", [.text(date), .text(queue), .integer(Int64(n))])
        }
        for (tag, n) in tags where n > 0 {
            try db.run("INSERT INTO daily_tags VALUES (?, ?, ?)", [.text(date), .text(tag), .integer(Int64(n))])
        }
    }

    func detect(_ options: DefaultDetectorOptions = DefaultDetectorOptions(), through: String? = nil) throws
        -> DefaultDetector.Outcome
    {
        try DefaultDetector(options: options).run(in: db, through: through, now: "2026-01-01T00:00:00Z")
    }
}

/// Day `i` after 2025-01-06 (a Monday).
private func date(_ i: Int) -> String { CivilDate(year: 2025, month: 1, day: 6)!.adding(days: i).description }

/// A small seeded generator (SplitMix64) with Poisson draws, so "noisy" series are the same on every run.
private struct Noise {
    var state: UInt64
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    mutating func poisson(_ mean: Double) -> Int {
        if mean > 50 { // normal approximation is plenty here
            let u1 = max(uniform(), 1e-12), u2 = uniform()
            let g = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return max(0, Int((mean + g * mean.squareRoot()).rounded()))
        }
        let limit = exp(-mean)
        var k = 0, p = uniform()
        while p > limit { k += 1; p *= uniform() }
        return k
    }
}

/// A realistic day: a Poisson total with a weekly rhythm (quiet weekends); each ticket then independently in
/// queue A/B/C with probability 50/30/20 %, high priority with 30 %, carrying tag x/y/z with 40/20/10 %.
private func ordinaryDay(_ w: SeriesWarehouse, _ i: Int, noise: inout Noise, level: Double = 100,
                         extraQueueB: Int = 0, extraTag: (String, Int)? = nil) throws {
    let weekly = [1.1, 1.15, 1.1, 1.05, 1.0, 0.55, 0.5][i % 7]
    let total = noise.poisson(level * weekly)
    var queues = ["A": 0, "B": extraQueueB, "C": 0]
    var tags = ["x": 0, "y": 0, "z": 0]
    var high = 0
    for _ in 0..<total {
        let u = noise.uniform()
        queues[u < 0.5 ? "A" : u < 0.8 ? "B" : "C"]! += 1
        if noise.uniform() < 0.3 { high += 1 }
        for (tag, share) in [("x", 0.4), ("y", 0.2), ("z", 0.1)] where noise.uniform() < share { tags[tag]! += 1 }
    }
    if let (tag, n) = extraTag { tags[tag, default: 0] += n }
    let all = total + extraQueueB + (extraTag?.1 ?? 0)
    try w.day(date(i), total: all, high: high, queues: queues, tags: tags)
}

@Suite struct DefaultDetectorStatisticsTests {
    @Test func aFlatSeriesNeverAlerts() throws {
        let w = try SeriesWarehouse()
        try w.db.writeTransaction {
            for i in 0..<120 {
                try w.day(date(i), total: 100, high: 30, queues: ["A": 50, "B": 30, "C": 20], tags: ["x": 40, "y": 20])
            }
        }
        let outcome = try w.detect()
        #expect(outcome.judged == 120 - DefaultDetectorOptions().minHistory)
        #expect(outcome.alerts.isEmpty, "\(outcome.alerts.map { "\($0.date) \($0.level)" })")
    }

    @Test func aWeeklyPatternAloneNeverAlerts() throws {
        // Mondays and Tuesdays at 230, Sundays at 100, every week alike: nothing is unusual.
        let w = try SeriesWarehouse()
        try w.db.writeTransaction {
            for i in 0..<180 {
                let total = [220, 230, 220, 210, 200, 110, 100][i % 7]
                try w.day(date(i), total: total, high: total * 3 / 10,
                          queues: ["A": total / 2, "B": total - total / 2], tags: ["x": total * 2 / 5, "y": total / 5])
            }
        }
        let outcome = try w.detect()
        #expect(outcome.judged > 150)
        #expect(outcome.alerts.isEmpty, "\(outcome.alerts.map { "\($0.date) \($0.signal) \($0.level)" })")
    }

    @Test func aWeeklyPatternWithNoiseStaysWithinTheFalseAlertBudget() throws {
        // The same rhythm with Poisson noise and binomial shares: a quiet season of 3 × 180 days.
        var alerts: [String] = []
        var judged = 0
        for seed in 1...3 {
            let w = try SeriesWarehouse()
            var noise = Noise(state: UInt64(seed))
            try w.db.writeTransaction {
                for i in 0..<180 { try ordinaryDay(w, i, noise: &noise, level: 200) }
            }
            let outcome = try w.detect()
            judged += outcome.judged
            alerts += outcome.alerts.map { "seed \(seed): \($0.date) \($0.signal) \($0.level)" }
        }
        // The default rate allows about 0.4 false alerts per 100 quiet days; a detector without seasonality or
        // FDR control gives dozens here.
        #expect(judged > 450)
        #expect(Double(alerts.count) <= 0.5 * Double(judged) / 100 + 1, "\(alerts)")
    }

    @Test func aClearSpikeAlwaysAlerts() throws {
        for seed in 1...5 {
            let w = try SeriesWarehouse()
            var noise = Noise(state: UInt64(100 + seed))
            let spike = 60 + seed * 3
            try w.db.writeTransaction {
                for i in 0..<90 {
                    try ordinaryDay(w, i, noise: &noise, extraQueueB: i == spike ? 60 : 0,
                                    extraTag: i == spike + 10 ? ("z", 40) : nil)
                }
            }
            let alerts = try w.detect().alerts
            #expect(alerts.contains { $0.date == date(spike) && $0.level == "queue:B" && $0.signal == "queue_volume" },
                    "seed \(seed)")
            #expect(alerts.contains { $0.date == date(spike + 10) && $0.level == "tag:z" }, "seed \(seed)")
            // Little else: at most one alert on another day (the false-alert budget over 76 judged days).
            #expect(alerts.filter { $0.date != date(spike) && $0.date != date(spike + 10) }.count <= 1,
                    "seed \(seed): \(alerts.map { "\($0.date) \($0.signal) \($0.level)" })")
        }
    }

    @Test func aSurgeTooSmallForAnyOneDayIsFoundOverItsSpan() throws {
        // 100 tickets a day, 30 of them in queue B; on three days B gets 20 more (so do the day's totals): 14 above
        // its 30 % of 120, 2.8 binomial standard deviations — under the day's cut — but 42 over the three days
        // together, 4.8 of theirs.
        let w = try SeriesWarehouse()
        try w.db.writeTransaction {
            for i in 0..<80 {
                let extra = (64...66).contains(i) ? 20 : 0
                try w.day(date(i), total: 100 + extra, high: 30, queues: ["A": 70, "B": 30 + extra])
            }
        }
        let single = try w.detect(DefaultDetectorOptions(spanDays: 1)).alerts
        #expect(!single.contains { $0.level == "queue:B" }, "\(single.map { "\($0.date) \($0.level)" })")
        try w.db.run("DELETE FROM detector_days; DELETE FROM detector_findings; DELETE FROM alerts")
        let spanned = try w.detect(DefaultDetectorOptions(spanDays: 3)).alerts.filter { $0.level == "queue:B" }
        #expect(spanned.map(\.date) == [date(66)])
        let details = spanned.first?.details ?? ""
        #expect(details.contains("\"span_days\":3"), "\(details)")
        #expect(details.contains("3 days together: 150, 1.4× the 108 expected"), "\(details)")
    }

    @Test func spanTestCombinesBySimesAndSumsTheDaysBaselines() throws {
        let day = SeasonalBaseline(mean: 100, size: 20, spreadDegrees: .infinity, weekdayFactor: 1, level: 100, historyDays: 28, windowStart: 0, windowEnd: 4)
        let baselines = [SeasonalBaseline?](repeating: day, count: 6)
        let test = try #require(SpanTest(t: 5, days: 3, weight: 0.25, baselines: baselines,
                                         usable: Array(repeating: true, count: 6)))
        #expect(test.slots == 3...5)
        #expect(abs(test.combine(day: 0.003, span: nil) - 0.004) < 1e-15)
        #expect(abs(test.combine(day: 0.3, span: 0.0005) - 0.002) < 1e-15)
        #expect(test.combine(day: 0.9, span: 0.9) == 0.9)
        #expect(test.combine(day: 0.9, span: nil) == 1)
        // Both small (a surge over all three days): the larger p alone suffices (Simes).
        #expect(abs(test.combine(day: 0.01, span: 0.012) - 0.012) < 1e-15)
        // Three days of NB(100, size 20): mean 300, variance 3 × (100 + 500) = 1,800, so size 300² / 1,500 = 60.
        let volume = test.volume(totals: [0, 0, 0, 110, 120, 130], baselines: baselines)
        #expect(volume.value == 360)
        #expect(volume.expected == 300)
        #expect(abs(volume.p - CountTests.negativeBinomialMidP(360, mean: 300, size: 60)) < 1e-12)
        // A series found on day 4 spans only day 5 after it: no span; found on day 3: days 4–5; found long ago: all.
        #expect(test.after(4) == nil)
        #expect(test.after(3)?.slots == 4...5)
        #expect(test.after(1)?.slots == 3...5)
        #expect(test.after(nil)?.slots == 3...5)
        // No span across a gap, nor before the data begin, nor of one day.
        var usable = Array(repeating: true, count: 6)
        usable[4] = false
        #expect(SpanTest(t: 5, days: 3, weight: 0.5, baselines: baselines, usable: usable) == nil)
        #expect(SpanTest(t: 1, days: 3, weight: 0.5, baselines: baselines, usable: Array(repeating: true, count: 6)) == nil)
        #expect(SpanTest(t: 5, days: 1, weight: 0.5, baselines: baselines, usable: Array(repeating: true, count: 6)) == nil)
    }

    @Test func aTotalVolumeSpikeAlertsWithItsExpectation() throws {
        let w = try SeriesWarehouse()
        try w.db.writeTransaction {
            for i in 0..<70 {
                let total = i == 63 ? 260 : 100
                try w.day(date(i), total: total, high: total * 3 / 10, queues: ["A": total])
            }
        }
        let alert = try #require(try w.detect().alerts.first { $0.signal == "tickets_total" })
        #expect(alert.date == date(63))
        #expect(alert.value == 260)
        #expect(abs((alert.baselineMean ?? 0) - 100) < 1)
        #expect(alert.z >= alert.threshold)
        #expect(alert.details?.contains("\"reason\":\"260 tickets, 2.6× the 100 expected for a Monday\"") == true,
                "\(alert.details ?? "")")
        #expect(alert.details?.contains("\"baseline_window\":\"2025-01-06..2025-03-09\"") == true, "\(alert.details ?? "")")
    }

    @Test func aHighPriorityJumpAlertsOnHighRateWithTheHighSet() throws {
        let w = try SeriesWarehouse()
        var noise = Noise(state: 9)
        try w.db.writeTransaction {
            for i in 0..<70 {
                let total = 60 + noise.poisson(20)
                var high = 0
                for _ in 0..<total where noise.uniform() < 0.3 { high += 1 }
                if i == 60 { high = total * 7 / 10 }
                try w.day(date(i), total: total, high: high, queues: ["A": total])
            }
        }
        let alerts = try w.detect().alerts
        #expect(alerts.map(\.signal) == ["high_rate"])
        #expect(alerts.first?.date == date(60))
        #expect(alerts.first?.details?.contains("\"high_set\":[\"high\",\"urgent\"]") == true)
    }

    @Test func aNewTagInVolumeAlertsAndATagSeenTwiceDoesNot() throws {
        let w = try SeriesWarehouse()
        var noise = Noise(state: 5)
        try w.db.writeTransaction {
            for i in 0..<80 {
                try ordinaryDay(w, i, noise: &noise,
                                extraTag: i == 50 ? ("Outage", 12) : i == 60 ? ("Rare", 2) : i == 70 ? ("Rare", 2) : nil)
            }
        }
        let alerts = try w.detect().alerts
        let outage = try #require(alerts.first { $0.level == "tag:Outage" })
        #expect(outage.signal == "new_term")
        #expect(outage.date == date(50))
        #expect(outage.value == 12)
        #expect(!alerts.contains { $0.level == "tag:Rare" })
        #expect(alerts.count == 1, "\(alerts.map { "\($0.date) \($0.signal) \($0.level)" })")
    }

    @Test func falseDiscoveryControlKeepsHundredsOfNoisySeriesQuiet() throws {
        // 300 tags with pure binomial noise for 150 days (45,000 series-days): tested one by one at p ≤ 0.01 they
        // would give hundreds of alerts; BH at q = 0.01 allows about one false day in a hundred.
        let w = try SeriesWarehouse()
        var noise = Noise(state: 77)
        try w.db.writeTransaction {
            for i in 0..<150 {
                let total = 400 + noise.poisson(100)
                var tags: [String: Int] = [:]
                for t in 0..<300 { tags["t\(t)"] = noise.poisson(Double(total) * 0.01 * Double(1 + t % 5)) }
                try w.day(date(i), total: total, high: noise.poisson(Double(total) * 0.3), queues: ["A": total], tags: tags)
            }
        }
        let outcome = try w.detect()
        let alertDays = Set(outcome.alerts.map(\.date))
        #expect(alertDays.count <= 2, "\(outcome.alerts.map { "\($0.date) \($0.level) p=\($0.z)" })")

        // The same data, each test on its own (q large, one test a day would pass p ≤ 0.05): many alerts.
        let loose = try SeriesWarehouse()
        var again = Noise(state: 77)
        try loose.db.writeTransaction {
            for i in 0..<150 {
                let total = 400 + again.poisson(100)
                var tags: [String: Int] = [:]
                for t in 0..<300 { tags["t\(t)"] = again.poisson(Double(total) * 0.01 * Double(1 + t % 5)) }
                try loose.day(date(i), total: total, high: again.poisson(Double(total) * 0.3), queues: ["A": total], tags: tags)
            }
        }
        var options = DefaultDetectorOptions()
        options.falseDiscoveryRate = 0.9
        #expect(try loose.detect(options).alerts.count > 20)
    }

    @Test func theRateFollowsTheTicketsSoABusyTagsModestSurgeIsFoundAmongHundredsOfRareTags() throws {
        // A tag on a fifth of about 500 tickets a day among 300 tags seen about once in five days. On day 90 the
        // busy tag has 45 more tickets: z ≈ 3.9 (p ≈ 5e-5). Shared evenly, its cut is the tag family's rate over
        // 301 (a day's p ≤ 3e-6); shared by support it carries most of the family's rate (p ≤ 5e-4), as its
        // tickets do, and the rare tags stay quiet.
        func warehouse() throws -> SeriesWarehouse {
            let w = try SeriesWarehouse()
            var noise = Noise(state: 5)
            try w.db.writeTransaction {
                for i in 0...100 {
                    let extra = i == 90 ? 45 : 0
                    let total = noise.poisson(500) + extra
                    var tags = ["busy": (total - extra) / 5 + extra]
                    for t in 0..<300 { tags["r\(t)"] = noise.poisson(0.2) }
                    try w.day(date(i), total: total, high: noise.poisson(Double(total) * 0.3), queues: ["A": total],
                              tags: tags)
                }
            }
            return w
        }
        let found = try warehouse().detect().alerts.filter { $0.level == "tag:busy" }
        #expect(found.map(\.date) == [date(90)])
        var options = DefaultDetectorOptions()
        options.supportExponent = 0
        let even = try warehouse()
        #expect(try even.detect(options).alerts.filter { $0.level == "tag:busy" }.isEmpty)
        #expect(try warehouse().detect().alerts.allSatisfy { !$0.level.hasPrefix("tag:r") })
    }

    @Test func emptyFeedDaysAreAGapNotADrop() throws {
        let w = try SeriesWarehouse()
        var noise = Noise(state: 3)
        try w.db.writeTransaction {
            for i in 0..<100 where !(60..<67).contains(i) { try ordinaryDay(w, i, noise: &noise) }
        }
        let outcome = try w.detect()
        #expect(outcome.gaps == 7)
        let statuses = try w.db.query("SELECT status FROM detector_days WHERE day BETWEEN ? AND ? ORDER BY day",
                                      [.text(date(60)), .text(date(66))]).compactMap { $0[0].string }
        #expect(statuses == Array(repeating: "gap", count: 7))
        // Neither the empty week (a drop) nor the week after it (against a baseline of zeros) is alerted on volume.
        #expect(!outcome.alerts.contains { $0.signal == "tickets_total" },
                "\(outcome.alerts.map { "\($0.date) \($0.signal) \($0.level)" })")
        // Had the empty week counted as zeros, the level (a 28-day median) would still hold, but the share windows
        // would not matter; the point is the baseline after the gap: expected volume is unchanged.
        let next = try #require(try DefaultDetector().judgeBaselineMean(in: w.db, on: date(67)))
        #expect(next > 80 && next < 130)
    }

    @Test func aQuietInboxCountsEmptyDaysAsZeros() throws {
        let w = try SeriesWarehouse()
        var noise = Noise(state: 4)
        try w.db.writeTransaction {
            for i in 0..<80 {
                let n = noise.poisson(1.5)
                try w.day(date(i), total: n, queues: ["A": n])
            }
        }
        let outcome = try w.detect()
        #expect(outcome.quiet > 10)
        #expect(outcome.gaps == 0)
    }
}

// MARK: - The statistics themselves

// MARK: - Real traffic: share drift, the practical floor, holidays

@Suite struct DefaultDetectorRealTrafficTests {
    /// Shares that are fixed (binomial counts) give κ ≈ 0; shares that drift by 30 % from day to day give κ ≈ 0.09.
    @Test func familyDispersionTellsFixedSharesFromDriftingOnes() {
        var noise = Noise(state: 7)
        let days = 112
        let totals = (0..<days).map { _ in Double(noise.poisson(800)) }
        func counts(drift: Double) -> [Double] {
            totals.map { n in
                // A share of 0.2 times a factor with mean 1 and standard deviation `drift`, then binomial counting.
                let factor = max(0, 1 + drift * (noise.uniform() + noise.uniform() + noise.uniform() - 1.5) * 2)
                let p = min(1, 0.2 * factor)
                return Double((0..<Int(n)).reduce(0) { c, _ in c + (noise.uniform() < p ? 1 : 0) })
            }
        }
        let usable = [Bool](repeating: true, count: days)
        let estimate = { (series: [Double]) in
            FamilyDispersion.estimate(series: [series], indices: [0], totals: totals, usable: usable,
                                      window: 0..<days, cap: 25) { _ in series.reduce(0, +) / totals.reduce(0, +) }
        }
        #expect(estimate(counts(drift: 0)) < 0.005)
        let drifting = estimate(counts(drift: 0.3))
        #expect(drifting > 0.05 && drifting < 0.15, "κ = \(drifting); the drift's squared CV is 0.09")
    }

    /// A queue whose share swings by 30 % from day to day, as real queues do: a day at its usual high end is no
    /// surge (a binomial test would call it one), while a real tripling still is.
    @Test func aDriftingQueueIsJudgedByItsFamilysDrift() throws {
        let w = try SeriesWarehouse()
        var noise = Noise(state: 11)
        let usualHigh = 100, surge = 120
        var binomialP = 1.0
        try w.db.writeTransaction {
            for i in 0..<(surge + 1) {
                let total = [1100, 1150, 1100, 1050, 1000, 550, 500][i % 7]
                // Queue A's share drifts around 0.3 (±30 %); B and C take the rest.
                let drift = 1 + 0.3 * (noise.uniform() + noise.uniform() + noise.uniform() - 1.5) * 2
                var a = Int((Double(total) * 0.3 * drift).rounded())
                if i == usualHigh {
                    a = Int(Double(total) * 0.3 * 1.45)   // the high end of its usual swing
                    binomialP = CountTests.binomialMidP(Double(a), n: Double(total), p: 0.3)
                }
                if i == surge { a = Int(Double(total) * 0.3 * 3) }
                let b = (total - min(a, total)) / 2
                try w.day(date(i), total: max(total, a), high: total / 4,
                          queues: ["A": a, "B": b, "C": max(0, total - a - b)])
            }
        }
        #expect(binomialP < 1e-9, "a binomial test would alert the usual high day")
        let alerts = try w.detect().alerts.filter { $0.level == "queue:A" }
        #expect(!alerts.contains { $0.date == date(usualHigh) }, "\(alerts.map(\.date))")
        #expect(alerts.contains { $0.date == date(surge) })
    }

    /// An excess must matter as well as be unlikely: the same certain but small surge is alerted at floor 0 and
    /// left out at a floor above its share of the day.
    @Test func thePracticalFloorLeavesOutCertainButSmallExcesses() throws {
        let w = try SeriesWarehouse()
        var noise = Noise(state: 5)
        let day = 100
        try w.db.writeTransaction {
            // 2,000 tickets a day; tag z carries 10 % of them; on `day` it gets 100 more (about 5 % of an average
            // day: some seven binomial standard deviations).
            for i in 0...day { try ordinaryDay(w, i, noise: &noise, level: 2000, extraTag: i == day ? ("z", 100) : nil) }
        }
        let zAlerts = { (floor: Double) throws -> [Alert] in
            var options = DefaultDetectorOptions()
            options.practicalFloor = floor
            try w.db.run("DELETE FROM detector_days")
            try w.db.run("DELETE FROM detector_findings")
            try w.db.run("DELETE FROM alerts")
            return try w.detect(options).alerts.filter { $0.level == "tag:z" && $0.date == date(day) }
        }
        #expect(try zAlerts(0).count == 1)
        #expect(try zAlerts(0.08).isEmpty)
    }

    /// A desk closed at weekends, as real ITSM desks are (Saturdays and Sundays at about 1 % of a weekday): an
    /// ordinary weekend is no drop in the feed, and the Monday after it no surge.
    @Test func aDeskClosedAtWeekendsIsNoWeeklyDropNorMondaySurge() throws {
        let w = try SeriesWarehouse()
        var noise = Noise(state: 9)
        try w.db.writeTransaction {
            for i in 0..<150 {
                let total = noise.poisson(i % 7 < 5 ? 1000 : 8)
                let a = total / 2, b = total / 3
                try w.day(date(i), total: total, high: total / 5, queues: ["A": a, "B": b, "C": total - a - b],
                          tags: ["x": total * 2 / 5, "y": total / 5])
            }
        }
        let outcome = try w.detect()
        #expect(outcome.judged > 120)
        let alerts = outcome.alerts.map { "\($0.date) \($0.signal) \($0.level)" }
        #expect(alerts.isEmpty, "\(alerts)")
    }

    /// A holiday is judged like a Sunday: weekday traffic on it is a surge, Sunday traffic is not; without the
    /// calendar the same Wednesday is ordinary.
    @Test func aHolidayIsJudgedLikeASunday() throws {
        let holiday = 100    // a Wednesday
        #expect(CivilDate(date(holiday))?.weekday == 2)
        let w = try SeriesWarehouse()
        var noise = Noise(state: 3)
        try w.db.writeTransaction {
            for i in 0...holiday { try ordinaryDay(w, i, noise: &noise, level: 400) }
        }
        var options = DefaultDetectorOptions()
        let plain = try w.detect(options).alerts.filter { $0.signal == "tickets_total" && $0.date == date(holiday) }
        #expect(plain.isEmpty)
        try w.db.run("DELETE FROM detector_days")
        try w.db.run("DELETE FROM detector_findings")
        try w.db.run("DELETE FROM alerts")
        options.holidays = [date(holiday)]
        let onHoliday = try w.detect(options).alerts.filter { $0.signal == "tickets_total" && $0.date == date(holiday) }
        #expect(onHoliday.count == 1)
        #expect(onHoliday.first?.details?.contains("expected for a holiday") == true)
        // Sunday traffic on the holiday is no surge.
        let quiet = try SeriesWarehouse()
        var again = Noise(state: 3)
        try quiet.db.writeTransaction {
            for i in 0..<holiday { try ordinaryDay(quiet, i, noise: &again, level: 400) }
            try quiet.day(date(holiday), total: 200, high: 60, queues: ["A": 100, "B": 60, "C": 40])
        }
        let quietOutcome = try quiet.detect(options)
        #expect(!quietOutcome.alerts.contains { $0.date == date(holiday) })
    }

    /// A feed that starts after a thin back-fill (a real log: a few dozen long-open incidents a day, then 400 a
    /// day once the export is complete, its parts arriving over some days): the first day of the jump is judged
    /// in full (its new queues are news), the days after it are not judged for their mix against the thin
    /// history, where each part of the complete feed would look new. Judged anyway, the late part would be.
    @Test func aManyFoldJumpThatStaysIsNotASurgeOfEveryQueue() throws {
        func mixAlertsAfterTheFirstDay(_ options: DefaultDetectorOptions) throws -> [String] {
            let w = try SeriesWarehouse()
            var noise = Noise(state: 5)
            try w.db.writeTransaction {
                for i in 0..<60 {
                    let queues = ["A": noise.poisson(6), "B": noise.poisson(4)]
                    try w.day(date(i), total: queues.values.reduce(0, +), queues: queues)
                }
                for i in 60..<64 {
                    var queues = ["A": noise.poisson(90), "B": noise.poisson(60)]
                    for name in ["C", "D", "E", "F"] { queues[name] = noise.poisson(40) }
                    if i >= 62 { queues["G"] = noise.poisson(40) }   // one more part of the feed, days later
                    try w.day(date(i), total: queues.values.reduce(0, +), queues: queues)
                }
            }
            let outcome = try w.detect(options, through: date(63))
            #expect(outcome.alerts.contains { $0.date == date(60) && $0.signal == "tickets_total" })
            #expect(outcome.alerts.contains { $0.date == date(60) && $0.signal == "new_term" })
            return outcome.alerts.filter { $0.date > date(60) && $0.signal != "tickets_total" }
                .map { "\($0.date) \($0.signal) \($0.level)" }
        }
        #expect(try mixAlertsAfterTheFirstDay(DefaultDetectorOptions()).isEmpty)
        var judgedAnyway = DefaultDetectorOptions()
        judgedAnyway.mixJumpRatio = .infinity
        #expect(try !mixAlertsAfterTheFirstDay(judgedAnyway).isEmpty)
    }

    /// A small desk (8 tickets a weekday, closed at weekends) whose one queue has an outage of 60 tickets: more
    /// than ten of its average days, and still the queue is named on the day (the first day of a jump is judged).
    @Test func aSmallDesksOutageOfOneQueueIsNamedOnTheDay() throws {
        let w = try SeriesWarehouse()
        var noise = Noise(state: 9)
        let outage = 63   // a Monday
        try w.db.writeTransaction {
            for i in 0...outage where i % 7 < 5 {
                var queues = ["Billing": noise.poisson(5), "Login": noise.poisson(3)]
                if i == outage { queues["Login"] = 60 }
                try w.day(date(i), total: queues.values.reduce(0, +), queues: queues)
            }
        }
        let alerts = try w.detect(through: date(outage)).alerts.filter { $0.date == date(outage) }
        #expect(alerts.contains { $0.level == "queue:Login" }, "\(alerts.map(\.id))")
    }

    /// The clump tail: F(c) is the share of the family's quiet days with tickets that had c or more, the rate of
    /// causes μ / mean clump size, p = 1 − exp(−λ·F(c)), computed here from the counts themselves; the judged
    /// series' own days are left out; nothing to say beyond the largest clump of the others.
    @Test func theClumpTailIsTheFamilysShareOfClumpsThatBig() throws {
        let counts: [Double] = Array(repeating: 1, count: 90) + Array(repeating: 2, count: 6) + [12, 15, 15, 20]
        let tail = ClumpTail(positiveCounts: counts)
        func expected(_ c: Double, mean: Double, of counts: [Double]) -> Double {
            let meanSize = counts.reduce(0, +) / Double(counts.count)
            let share = Double(counts.filter { $0 >= c }.count) / Double(counts.count)
            return 1 - exp(-mean / meanSize * share)
        }
        for (c, mean) in [(2.0, 0.3), (12, 0.3), (15, 0.3), (20, 4.0), (13, 1.5)] {
            let p = try #require(tail.upperTail(c, mean: mean))
            #expect(abs(p - expected(c, mean: mean, of: counts)) < 1e-12, "c \(c), mean \(mean): \(p)")
        }
        #expect(try #require(tail.upperTail(12, mean: 0.3)) > #require(tail.upperTail(15, mean: 0.3)))
        #expect(tail.upperTail(21, mean: 0.3) == nil)
        // A series whose own days were the 20 and a 15: for its 16 only the others' days count, and none reached it.
        #expect(tail.upperTail(16, mean: 0.3, excluding: [20, 15, 1]) == nil)
        let others = Array(repeating: 1.0, count: 89) + Array(repeating: 2, count: 6) + [12, 15]
        let p12 = try #require(tail.upperTail(12, mean: 0.3, excluding: [20, 15, 1]))
        #expect(abs(p12 - expected(12, mean: 0.3, of: others)) < 1e-12)
        #expect(ClumpTail(positiveCounts: []).upperTail(3, mean: 0.3) == nil)
    }

    /// Quiet queues that come in clumps (one failing system, fifteen tickets: most weeks one of a real desk's
    /// hundreds of service components does it): 18 tickets in a queue that averages 0.3 is a clump of a size the
    /// desk has had before, and no alert; on a desk whose quiet queues never clumped the same day is a surge.
    @Test func aClumpInAQuietQueueIsJudgedByTheClumpsItsFamilyHad() throws {
        func lastDayAlerted(clumpy: Bool) throws -> Bool {
            let w = try SeriesWarehouse()
            var noise = Noise(state: 17)
            let last = 149
            try w.db.writeTransaction {
                for i in 0...last {
                    var queues = ["Main": noise.poisson(300)]
                    for q in 0..<40 {
                        var n = noise.poisson(0.3)
                        if clumpy, (i * 7 + q * 13) % 97 == 0 { n += 12 + q % 10 }
                        queues["C\(q)"] = n
                    }
                    if i == last { queues["C5"] = 18 }
                    try w.day(date(i), total: queues.values.reduce(0, +), queues: queues)
                }
            }
            return try w.detect(through: date(last)).alerts.contains { $0.date == date(last) && $0.level == "queue:C5" }
        }
        #expect(try lastDayAlerted(clumpy: false))
        #expect(try !lastDayAlerted(clumpy: true))
    }
}

@Suite struct CountTestsTests {
    @Test func tailsMatchKnownValues() {
        // Bin(10, ½): P(X ≥ 8) = (45 + 10 + 1) / 1024.
        #expect(abs(CountTests.binomialUpperTail(8, n: 10, p: 0.5) - 56.0 / 1024) < 1e-12)
        // A negative binomial with a huge size is Poisson: P(X ≥ 3 | λ = 1) = 1 − 2.5/e.
        #expect(abs(CountTests.negativeBinomialUpperTail(3, mean: 1, size: 1e9) - (1 - 2.5 / M_E)) < 1e-6)
        // NB(size 1) is geometric: P(X ≥ x) = (μ/(1+μ))^x.
        #expect(abs(CountTests.negativeBinomialUpperTail(4, mean: 3, size: 1) - pow(0.75, 4)) < 1e-12)
        #expect(abs(CountTests.normalScore(upperTail: 0.025) - 1.959963984540054) < 1e-9)
        #expect(abs(CountTests.normalScore(upperTail: 1e-10) - 6.361340902404056) < 1e-7)
        #expect(CountTests.normalScore(upperTail: 0) == 37.5)
    }

    @Test func studentTailsAndMidPValuesMatchKnownValues() {
        // t with 1 degree is Cauchy: P(T ≥ 1) = ¼; with 2: P(T ≥ t) = ½(1 − t/√(2 + t²)).
        #expect(abs(CountTests.studentUpperTail(1, degrees: 1) - 0.25) < 1e-12)
        #expect(abs(CountTests.studentUpperTail(2, degrees: 2) - 0.5 * (1 - 2 / 6.0.squareRoot())) < 1e-12)
        #expect(abs(CountTests.studentUpperTail(-2, degrees: 2) - 0.5 * (1 + 2 / 6.0.squareRoot())) < 1e-12)
        // Widening for an estimated scale: none at infinite degrees, more the fewer degrees, vanishing with many.
        #expect(CountTests.studentised(1e-4, degrees: .infinity) == 1e-4)
        let few = CountTests.studentised(1e-4, degrees: 6), some = CountTests.studentised(1e-4, degrees: 60)
        #expect(few > some && some > 1e-4 && few > 1e-3)
        #expect(abs(CountTests.studentised(1e-4, degrees: 1e5) / 1e-4 - 1) < 0.01)
        // Mid-p: P(X > c) + ½ P(X = c). Bin(2, ½): P(X ≥ 1) = ¾, P(X ≥ 2) = ¼.
        #expect(abs(CountTests.binomialMidP(1, n: 2, p: 0.5) - 0.5) < 1e-12)
        #expect(abs(CountTests.binomialMidP(2, n: 2, p: 0.5) - 0.125) < 1e-12)
        #expect(abs(CountTests.negativeBinomialMidP(4, mean: 3, size: 1) - (pow(0.75, 4) + pow(0.75, 5)) / 2) < 1e-12)
    }

    @Test func aVolumeTailIsWidenedByItsEstimatedPartOnly() {
        func baseline(mean: Double, size: Double, degrees: Double) -> SeasonalBaseline {
            SeasonalBaseline(mean: mean, size: size, spreadDegrees: degrees, weekdayFactor: 1, level: mean, historyDays: 21,
                             windowStart: 0, windowEnd: 20)
        }
        // 1,500 a day, spread from three weeks (12 degrees): a count of 3,000 is far less surprising than with
        // the spread known.
        let known = baseline(mean: 1500, size: 20, degrees: .infinity).upperTail(3000)
        let threeWeeks = baseline(mean: 1500, size: 20, degrees: 12).upperTail(3000)
        #expect(known < 1e-3 && threeWeeks > 3 * known)
        // 3 a day: the variance is almost all Poisson, which is known, so the tail barely moves.
        let small = baseline(mean: 3, size: 20, degrees: 12).upperTail(10)
        let exact = CountTests.negativeBinomialMidP(10, mean: 3, size: 20)
        #expect(small > exact && small < 1.05 * exact)
    }

    @Test func outlyingDaysAreLeftOutOfLevelAndSpread() {
        let days = (0..<27).map { 100 + Double($0 % 5) * 5 } + [400]
        #expect(abs(rejectingMean(days) - 109.6) < 0.5)
        #expect(rejectingVariance(days) < 60)
        // Without the rejection the one surge day would lift the level by a tenth and the spread fiftyfold.
        let plain = days.reduce(0, +) / Double(days.count)
        #expect(plain > 119)
    }

    /// Weekdays whose volume varies by 20 % from day to day, weekends closed (a few tickets): the weekend days'
    /// large Poisson part must not cancel the weekdays' overdispersion, or a weekday's band shrinks to a third.
    @Test func closedWeekendsDoNotCancelTheWeekdaysSpread() {
        var noise = Noise(state: 17)
        let counts: [Double] = (0..<140).map { i in
            guard i % 7 < 5 else { return Double(noise.poisson(4)) }
            let gamma = (0..<25).reduce(0.0) { sum, _ in sum - log(max(noise.uniform(), 1e-12)) } / 25
            return Double(noise.poisson(1000 * gamma))
        }
        let usable = [Bool](repeating: true, count: counts.count)
        let baseline = SeasonalBaseline.estimate(at: 135, counts: counts, usable: usable, weekday: { $0 % 7 },
                                                 seasonWindow: 364, levelWindow: 28, minHistory: 14)
        let b = try? #require(baseline)
        let cv = (b?.std ?? 0) / (b?.mean ?? 1)
        #expect(cv > 0.14 && cv < 0.3, "a weekday's spread is \(cv) of its mean; the truth is about 0.2")
    }

    @Test func benjaminiHochbergStepsUp() {
        // m = 4, q = 0.1: cutoffs 0.025, 0.05, 0.075, 0.1. p = 0.04 fails alone but passes with 0.07 behind it.
        let d = FalseDiscovery.benjaminiHochberg([.init(p: 0.07), .init(p: 0.5), .init(p: 0.04), .init(p: 0.001)], q: 0.1)
        #expect(d.rejected == [0, 2, 3])
        #expect(abs(d.cutoff - 0.075) < 1e-15)
        // Untested hypotheses count in m: with 96 more, only p ≤ 0.001 survives.
        #expect(FalseDiscovery.benjaminiHochberg([.init(p: 0.07), .init(p: 0.04), .init(p: 0.001)], q: 0.1, untested: 97)
            .rejected == [2])
        // Weights (summing to m): p = 0.03 fails at weight 1 (cutoff q/m = 0.01) but passes at weight 5.5.
        let others = Array(repeating: FalseDiscovery.Test(p: 1), count: 9)
        #expect(FalseDiscovery.benjaminiHochberg([.init(p: 0.03)] + others, q: 0.1).rejected.isEmpty)
        let light = Array(repeating: FalseDiscovery.Test(p: 1, weight: 0.5), count: 9)
        #expect(FalseDiscovery.benjaminiHochberg([.init(p: 0.03, weight: 5.5)] + light, q: 0.1).rejected == [0])
    }
}

extension DefaultDetector {
    /// The expected total on `day` from the stored day statuses (for tests).
    func judgeBaselineMean(in db: Database, on day: String) throws -> Double? {
        guard let target = CivilDate(day)?.daysSinceEpoch else { return nil }
        let start = target - options.seasonWindow
        let data = try DailyCounts.load(from: db, from: start, through: target, highPriorities: options.highPriorities)
        let statuses = try DetectorState(db: db, detector: Self.name).statuses(from: start, through: target)
        let usable = (0..<data.dayCount).map { statuses[start + $0]?.isUsable ?? false }
        return SeasonalBaseline.estimate(at: data.dayCount - 1, counts: data.totals, usable: usable, weekday: data.weekday,
                                         seasonWindow: options.seasonWindow, levelWindow: options.levelWindow,
                                         minHistory: options.minHistory)?.mean
    }
}
