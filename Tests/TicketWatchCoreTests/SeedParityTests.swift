import Foundation
import Testing
@testable import TicketWatchCore

/// The notebook's detector, reproduced alert by alert against the notebook's steps in pandas
/// (Tests/oracle/notebook_oracle.py): on the committed fixture, and on streams generated during the test.
@Suite struct SeedParityTests {
    /// Loads `path` through the real pipeline and returns the seed detector's alerts as stored.
    private func seedAlerts(for path: String, format: TicketFormat? = nil) throws -> (Warehouse, [Alert]) {
        let warehouse = try makeWarehouse()
        _ = try warehouse.ingest([path], options: IngestOptions(format: format))
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        let alerts = try SeedDetector().detect(in: warehouse.db)
        try AlertStore(db: warehouse.db).replace(detector: SeedDetector.name, with: alerts, now: "2026-01-01T00:00:00Z")
        return (warehouse, try AlertStore(db: warehouse.db).list(detector: SeedDetector.name))
    }

    /// Same dates, signals and levels in the same order; value and z within 1e-9.
    private func expectSameAlerts(_ alerts: [Alert], asCSV path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try CSVTable(path: path)
        #expect(expected.header == ["date", "signal", "value", "z", "level"], sourceLocation: sourceLocation)
        #expect(alerts.count == expected.rows.count, "alert count", sourceLocation: sourceLocation)
        for (alert, row) in zip(alerts, expected.rows) {
            let key = "\(row[0]) \(row[1]) \(row[4])"
            #expect("\(alert.date) \(alert.signal) \(alert.level)" == key, sourceLocation: sourceLocation)
            #expect(abs(alert.value - Double(row[2])!) <= 1e-9, "value of \(key)", sourceLocation: sourceLocation)
            #expect(abs(alert.z - Double(row[3])!) <= 1e-9, "z of \(key)", sourceLocation: sourceLocation)
        }
    }

    @Test func parityFixtureGivesTheNotebooksAlerts() throws {
        let fixture = TestPaths.fixture("seed-parity/tickets.csv").path
        let (warehouse, alerts) = try seedAlerts(for: fixture)
        try expectSameAlerts(alerts, asCSV: TestPaths.fixture("seed-parity/expected_alerts.csv").path)
        // The design's check on tag counting: a tag twice on a ticket counts twice. On 2025-03-21 some tickets
        // carry `Tech Support` twice, so the alert's value is the tag's occurrences, more than its tickets.
        let table = try CSVTable(path: fixture)
        let day = try #require(table.header.firstIndex(of: "created_at")), tags = try #require(table.header.firstIndex(of: "tags_str"))
        let onDay = table.rows.filter { $0[day].hasPrefix("2025-03-21") }.map {
            $0[tags].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0 == "Tech Support" }.count
        }
        let occurrences = onDay.reduce(0, +), tickets = onDay.filter { $0 > 0 }.count
        #expect(occurrences > tickets)
        #expect(alerts.contains { $0.date == "2025-03-21" && $0.level == "tag:Tech Support" && $0.value == Double(occurrences) })

        let daily = try CSVTable(path: TestPaths.fixture("seed-parity/expected_daily.csv").path)
        let stored = try warehouse.db.query("SELECT day, tickets_total, tickets_high, high_rate FROM daily_totals ORDER BY day")
        #expect(stored.count == daily.rows.count)
        for (row, expected) in zip(stored, daily.rows) {
            #expect(row[0].string == expected[0])
            #expect(row[1].int == Int(expected[1]))
            #expect(row[2].int == Int(expected[2]))
            #expect(abs(row[3].double! - Double(expected[3])!) <= 1e-12)
        }
    }

    /// The committed fixture is what the project's generator and notebook oracle make: the commands of
    /// scripts/make-parity-fixture.sh give the same bytes again.
    @Test func parityFixtureIsWhatTheGeneratorAndOracleMake() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let made = { (name: String) in dir.appendingPathComponent(name).path }
        try Generator.write(made("tickets.csv"), truth: made("truth.json"), [
            "--days", "150", "--per-day", "150", "--incidents", "8", "--seed", "104", "--strength", "4", "--gaps", "2",
            "--seed-columns",
        ])
        try Generator.python([TestPaths.file("Tests/oracle/notebook_oracle.py").path, made("tickets.csv"),
                              made("expected_alerts.csv"), "--daily", made("expected_daily.csv")])
        for name in ["tickets.csv", "truth.json", "expected_alerts.csv", "expected_daily.csv"] {
            let committed = try Data(contentsOf: TestPaths.fixture("seed-parity/\(name)"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: made(name))) == committed, "\(name) differs")
        }
    }

    @Test func detectingTwiceChangesNothing() throws {
        let (warehouse, _) = try seedAlerts(for: TestPaths.fixture("seed-parity/tickets.csv").path)
        let before = try warehouse.dump()
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        let again = try SeedDetector().detect(in: warehouse.db)
        let result = try AlertStore(db: warehouse.db).replace(detector: SeedDetector.name, with: again, now: "2026-02-02T00:00:00Z")
        #expect(result.inserted == 0 && result.updated == 0 && result.withdrawn == 0)
        #expect(try warehouse.dump() == before)
    }

    struct Stream: CustomTestStringConvertible, Sendable {
        let seed: Int
        let days: Int
        let perDay: Int
        let seedColumns: Bool
        let jsonl: Bool
        /// The generator's --strength: larger incidents, so the notebook's detector has alerts to compare.
        var strength = 1.0
        var testDescription: String { "seed \(seed), \(days) days × \(perDay)\(seedColumns ? ", notebook columns" : "")\(jsonl ? ", JSONL" : "")" }
    }

    @Test(arguments: [
        Stream(seed: 17, days: 90, perDay: 60, seedColumns: false, jsonl: false, strength: 2.5),
        Stream(seed: 23, days: 150, perDay: 130, seedColumns: true, jsonl: false),
        Stream(seed: 13, days: 120, perDay: 40, seedColumns: false, jsonl: true, strength: 3),
    ])
    func generatedStreamsMatchTheNotebookScript(_ stream: Stream) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("tickets.csv").path
        let truth = dir.appendingPathComponent("truth.json").path
        var args = ["--seed", "\(stream.seed)", "--days", "\(stream.days)", "--per-day", "\(stream.perDay)",
                    "--strength", "\(stream.strength)"]
        if stream.seedColumns { args.append("--seed-columns") }
        try Generator.write(csv, truth: truth, args)
        let oracleOut = dir.appendingPathComponent("oracle.csv").path
        try Generator.python([TestPaths.file("Tests/oracle/notebook_oracle.py").path, csv, oracleOut])
        // A stream on which the notebook finds nothing would make this comparison vacuous.
        #expect(try CSVTable(path: oracleOut).rows.count >= 2)

        var input = csv
        if stream.jsonl {
            // The generator draws the same tickets whatever the format: the oracle's CSV stands for the JSONL.
            input = dir.appendingPathComponent("tickets.jsonl").path
            try Generator.write(input, truth: truth, args + ["--format", "jsonl"])
        }
        let (_, alerts) = try seedAlerts(for: input)
        try expectSameAlerts(alerts, asCSV: oracleOut)
    }
}
