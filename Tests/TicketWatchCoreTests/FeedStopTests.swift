import Foundation
import Testing
@testable import TicketWatchCore

/// A feed that stops or drops (issue 17, item 4): one `no_data` or `volume_drop` alert per episode, a recovery
/// when traffic is back, no "surge" against a collapsed baseline, and a grace before days after the newest ticket
/// are judged empty. Streams from scripts/generate-tickets.py.
@Suite struct FeedStopTests {
    /// A generated stream (130 a day, no incidents) in a fresh directory; `arguments` are added to the defaults.
    static func stream(_ arguments: [String]) throws -> (dir: String, csv: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-feed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let csv = dir + "/stream.csv"
        try Generator.write(csv, truth: dir + "/truth.json",
                            ["--seed", "11", "--per-day", "130", "--incidents", "0", "--no-text"] + arguments)
        return (dir, csv)
    }

    /// The stream's header and its rows by day (created_at is the second column), in order.
    static func rowsByDay(_ csv: String) throws -> (header: Substring, days: [(String, [Substring])]) {
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(whereSeparator: \.isNewline)
        var days: [(String, [Substring])] = []
        for line in lines.dropFirst() {
            let day = String(line.split(separator: ",", maxSplits: 2)[1].prefix(10))
            if days.last?.0 != day { days.append((day, [])) }
            days[days.count - 1].1.append(line)
        }
        return (lines[0], days)
    }

    static func detailsOf(_ alert: Alert) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data((alert.details ?? "{}").utf8)) as? [String: Any]) ?? [:]
    }

    // 2025-02-26 (a Wednesday) to 2025-03-02 stopped; traffic is back on Monday 2025-03-03.
    static let stop = ["--days", "76", "--feed-stop", "2025-02-26:5"]

    @Test func aStopOfFiveDaysIsOneNoDataAlertAndNothingAfterTheResume() throws {
        let (dir, csv) = try Self.stream(Self.stop)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let w = try makeWarehouse()
        _ = try w.ingest([csv])
        try Aggregator(warehouse: w, logger: quietLogger).run()
        let outcome = try DefaultDetector().run(in: w.db, now: "2026-01-01T00:00:00Z")

        let noData = outcome.alerts.filter { $0.signal == "no_data" }
        #expect(noData.map(\.date) == ["2025-02-26"], "\(outcome.alerts.map { "\($0.date) \($0.signal)" })")
        let details = Self.detailsOf(try #require(noData.first))
        #expect(details["last_day_with_tickets"] as? String == "2025-02-25")
        let expected = try #require(details["expected"] as? Double)
        #expect(expected > 100 && expected < 180, "a Wednesday of a 130-a-day stream")
        #expect(noData.first?.level == "global")
        #expect(try w.db.query("SELECT status FROM detector_days WHERE day BETWEEN '2025-02-26' AND '2025-03-02'")
            .compactMap { $0[0].string } == Array(repeating: "gap", count: 5))
        // The stop's days are one incident: found every day, alerted once.
        #expect(try w.count("detector_findings", where: "signal = 'no_data'") == 5)
        #expect(try w.count("detector_findings", where: "incident = '\(noData[0].incident ?? "")'") == 5)
        // Back against the level before the stop: no surge, nothing at all in the ten days after the resume.
        let after = outcome.alerts.filter { $0.date >= "2025-03-03" && $0.date <= "2025-03-12" }
        #expect(after.isEmpty, "\(after.map { "\($0.date) \($0.signal) \($0.level)" })")
        #expect(!outcome.alerts.contains { $0.signal == "tickets_total" || $0.signal == "volume_drop" })
    }

    /// The daily job, one file a day and `--today` each morning: the stopped days have no file, and the grace
    /// (stale_after_days, 1) is what lets the job judge them. One no_data alert on the second morning of the stop,
    /// one recovery once the feed has been back long enough, nothing else after the resume.
    @Test func theDailyJobSaysAStopOnceWithinTwoMorningsAndOnceThatItRecovered() throws {
        let (dir, csv) = try Self.stream(Self.stop)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let job = try DailyJobReceiver()
        let inbox = job.inbox
        func noData() -> [[String: Any]] { job.delivered().filter { $0["signal"] as? String == "no_data" } }

        let (header, days) = try Self.rowsByDay(csv)
        func write(_ name: String, _ rows: [Substring]) throws {
            try ([header] + rows).joined(separator: "\n").appending("\n")
                .write(toFile: inbox + "/" + name + ".csv", atomically: true, encoding: .utf8)
        }
        try write("history", days.filter { $0.0 < "2025-02-20" }.flatMap(\.1))
        try job.run(today: "2025-02-20")
        var morning = CivilDate("2025-02-20")!
        let byDay = Dictionary(uniqueKeysWithValues: days)
        while morning.description < "2025-03-17" {
            let day = morning.description
            if let rows = byDay[day] { try write(day, rows) }
            morning = morning.adding(days: 1)
            try job.run(today: morning.description)
            if morning.description == "2025-02-27" { #expect(noData().isEmpty, "the first morning is the grace") }
            if morning.description == "2025-02-28" {
                #expect(noData().map { $0["date"] as? String } == ["2025-02-26"], "the second morning")
            }
        }
        #expect(noData().count == 1)
        let incident = try #require(noData().first?["incident"] as? String)
        #expect(job.recoveries().count == 1)
        #expect(job.recoveries().first?["incident"] as? String == incident)
        let after = job.delivered().filter { ($0["date"] as? String ?? "") >= "2025-03-03" && ($0["date"] as? String ?? "") <= "2025-03-12" }
        #expect(after.isEmpty, "\(after.map { "\($0["date"] ?? "") \($0["signal"] ?? "") \($0["level"] ?? "")" })")
        #expect(!job.delivered().contains { $0["signal"] as? String == "volume_drop" })
    }

    /// Days after the newest ticket wait `staleAfterDays` mornings, through the library and through `detect
    /// --through`; the stream's last five days are empty.
    @Test func daysAfterTheNewestTicketAreJudgedEmptyOnlyAfterTheGrace() throws {
        let (dir, csv) = try Self.stream(["--days", "60", "--feed-stop", "2025-02-25:5"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let w = try makeWarehouse()
        _ = try w.ingest([csv])
        try Aggregator(warehouse: w, logger: quietLogger).run()
        func newest() throws -> String? { try w.db.scalar("SELECT max(day) FROM detector_days")?.string }
        let detector = DefaultDetector()
        let first = try detector.run(in: w.db, through: "2025-02-25", now: "2026-01-01T00:00:00Z")
        #expect(try newest() == "2025-02-24", "2025-02-25's export may still come")
        #expect(!first.alerts.contains { $0.signal == "no_data" })
        let second = try detector.run(in: w.db, through: "2025-02-26", now: "2026-01-01T00:00:00Z")
        #expect(second.days == ["2025-02-25"] && second.gaps == 1)
        #expect(second.alerts.map(\.signal) == ["no_data"])
        let third = try detector.run(in: w.db, through: "2025-02-28", now: "2026-01-01T00:00:00Z")
        #expect(third.days == ["2025-02-26", "2025-02-27"] && third.gaps == 2 && third.alerts.isEmpty, "one episode")
        // Without `through`, never past the newest ticket.
        #expect(try detector.run(in: w.db, now: "2026-01-01T00:00:00Z").days.isEmpty)

        var eager = DefaultDetectorOptions()
        eager.staleAfterDays = 0
        let other = try makeWarehouse()
        _ = try other.ingest([csv])
        try Aggregator(warehouse: other, logger: quietLogger).run()
        let noGrace = try DefaultDetector(options: eager).run(in: other.db, through: "2025-02-25", now: "2026-01-01T00:00:00Z")
        #expect(noGrace.days.last == "2025-02-25" && noGrace.alerts.contains { $0.signal == "no_data" })
        eager.staleAfterDays = -1
        #expect(eager.problem != nil)

        // The binary: detect --through with the default grace.
        let path = TestPaths.temporaryWarehousePath()
        #expect(try Binary.run(["ingest", "--db", path, csv]).status == 0)
        let detect = try Binary.run(["detect", "--db", path, "--through", "2025-02-26"])
        #expect(detect.status == 0, "\(detect.stderr)")
        let listed = try Binary.run(["alerts", "--db", path, "--format", "csv"])
        let rows = listed.stdout.split(whereSeparator: \.isNewline).filter { $0.contains(",no_data,") }
        #expect(rows.count == 1 && rows.first?.hasPrefix("2025-02-25,") == true, "\(listed.stdout)")
        // The scorer does not count a no_data alert on a day the generator emptied as false.
        try listed.stdout.write(toFile: dir + "/alerts.csv", atomically: true, encoding: .utf8)
        let scored = try Binary.run(executable: "/usr/bin/env", ["python3", TestPaths.file("scripts/score-alerts.py").path,
                                                                  dir + "/truth.json", dir + "/alerts.csv", "--json"])
        let score = try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any]
        let falseAlerts = try #require(score?["false"] as? Int)
        let alertCount = try #require(score?["alerts"] as? Int)
        #expect(falseAlerts == alertCount - rows.count, "\(scored.stdout)")
    }

    /// A 60 % drop in total volume for two days on a 1,500-a-day stream: one volume_drop alert. Each day alone is
    /// near the cut (the stream's day-to-day spread is 22 %); the two days together are far below it (the
    /// shortfall's span), and no surge follows when the volume is back.
    @Test func aSixtyPercentDropForTwoDaysIsAVolumeDrop() throws {
        // Four months of history, as a desk of this size has: the spread is then estimated, not guessed.
        let (dir, csv) = try Self.stream(["--days", "120", "--per-day", "1500", "--seed", "21"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (header, days) = try Self.rowsByDay(csv)
        let dropped = ["2025-04-15", "2025-04-16"]
        var kept: [Substring] = [header]
        for (day, rows) in days {
            // Two rows of five kept: 40 % of the day's tickets.
            kept += dropped.contains(day) ? rows.enumerated().filter { $0.offset % 5 < 2 }.map(\.element) : rows
        }
        let path = dir + "/dropped.csv"
        try kept.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        let w = try makeWarehouse()
        _ = try w.ingest([path])
        try Aggregator(warehouse: w, logger: quietLogger).run()
        let outcome = try DefaultDetector().run(in: w.db, now: "2026-01-01T00:00:00Z")

        let drops = outcome.alerts.filter { $0.signal == "volume_drop" }
        #expect(drops.count == 1 && dropped.contains(drops.first?.date ?? ""),
                "\(outcome.alerts.map { "\($0.date) \($0.signal) \($0.level)" })")
        let drop = try #require(drops.first)
        #expect(drop.level == "global")
        let details = Self.detailsOf(drop)
        let value = details["span_value"] as? Double ?? drop.value
        let expected = details["span_expected"] as? Double ?? drop.baselineMean ?? 1
        #expect(value / expected > 0.3 && value / expected < 0.55, "about 40 % of the expected volume")
        #expect(outcome.drops >= 1)
        let near = outcome.alerts.filter { $0.date >= "2025-04-15" && $0.date <= "2025-04-20" && $0.id != drop.id }
        #expect(near.isEmpty, "\(near.map { "\($0.date) \($0.signal) \($0.level)" })")
    }
}
