import Foundation
import Logging
import Testing
@testable import TicketWatchCore

@Suite struct AlertStoreTests {
    private func openWarehouse() throws -> Warehouse {
        try Warehouse(path: TestPaths.temporaryWarehousePath(), timeZone: nil, logger: Logger(label: "test"))
    }

    private func dump(_ db: Database) throws -> [[SQLValue]] {
        try db.query("SELECT * FROM alerts ORDER BY id").map(\.values)
    }

    private let sample: [Alert] = [
        Alert(detector: "seed", date: "2025-01-28", signal: "tag_volume", level: "tag:Bug", value: 182,
              z: 3.5429425690607674, threshold: 3.5, baselineMean: 120.5, baselineStd: 17.3),
        Alert(detector: "seed", date: "2025-02-14", signal: "tickets_total", level: "global", value: 851,
              z: 3.519307268710776, threshold: 3.0, baselineMean: 600.25, baselineStd: 71.0),
        Alert(detector: "seed", date: "2025-05-09", signal: "high_rate", level: "global", value: 0.8120805369127517,
              z: 3.2115064436487635, threshold: 3.0, baselineMean: 0.41, baselineStd: nil,
              details: #"{"high_set":["high"]}"#),
    ]

    @Test func replacingWithTheSameAlertsChangesNothing() throws {
        let w = try openWarehouse()
        let store = AlertStore(db: w.db)
        let first = try store.replace(detector: "seed", with: sample, now: "2025-06-01T00:00:00Z")
        #expect(first == (inserted: 3, updated: 0, unchanged: 0, withdrawn: 0))
        let before = try dump(w.db)

        let second = try store.replace(detector: "seed", with: sample, now: "2025-06-02T00:00:00Z")
        #expect(second == (inserted: 0, updated: 0, unchanged: 3, withdrawn: 0))
        #expect(try dump(w.db) == before)
        #expect(try store.list(detector: "seed", since: nil, signal: nil, includeWithdrawn: false) == sample.sorted(by: Alert.precedes))
    }

    @Test func changedFiguresUpdateTheRowButKeepFirstSeen() throws {
        let w = try openWarehouse()
        let store = AlertStore(db: w.db)
        try store.replace(detector: "seed", with: sample, now: "2025-06-01T00:00:00Z")
        var changed = sample
        changed[1].z = 3.6
        let result = try store.replace(detector: "seed", with: changed, now: "2025-06-02T00:00:00Z")
        #expect(result == (inserted: 0, updated: 1, unchanged: 2, withdrawn: 0))
        let row = try #require(try w.db.query(
            "SELECT z, first_seen_at, updated_at FROM alerts WHERE id = ?", [.text(sample[1].id)]).first)
        #expect(row.values == [.real(3.6), .text("2025-06-01T00:00:00Z"), .text("2025-06-02T00:00:00Z")])
    }

    @Test func alertsNoLongerFoundAreWithdrawnAndCanReturn() throws {
        let w = try openWarehouse()
        let store = AlertStore(db: w.db)
        let other = Alert(detector: "default", date: "2025-01-28", signal: "tag_volume", level: "tag:Bug",
                          value: 182, z: 5, threshold: 4)
        try store.replace(detector: "default", with: [other], now: "2025-06-01T00:00:00Z")
        try store.replace(detector: "seed", with: sample, now: "2025-06-01T00:00:00Z")

        let result = try store.replace(detector: "seed", with: [sample[0], sample[2]], now: "2025-06-02T00:00:00Z")
        #expect(result == (inserted: 0, updated: 0, unchanged: 2, withdrawn: 1))
        #expect(try w.db.scalar("SELECT withdrawn_at FROM alerts WHERE id = ?", [.text(sample[1].id)])
                == .text("2025-06-02T00:00:00Z"))
        // Another detector's alerts are not touched.
        #expect(try w.db.scalar("SELECT withdrawn_at FROM alerts WHERE detector = 'default'") == .null)
        #expect(try store.list(detector: "seed").map(\.id) == [sample[0].id, sample[2].id])
        #expect(try store.list(detector: "seed", includeWithdrawn: true).count == 3)
        #expect(try store.list(since: "2025-02-01").map(\.id) == [sample[2].id])
        #expect(try store.list(signal: "tag_volume").map(\.detector) == ["default", "seed"])

        // Withdrawing is itself idempotent: the row keeps its first withdrawal time.
        let again = try store.replace(detector: "seed", with: [sample[0], sample[2]], now: "2025-06-03T00:00:00Z")
        #expect(again == (inserted: 0, updated: 0, unchanged: 2, withdrawn: 0))
        #expect(try w.db.scalar("SELECT withdrawn_at FROM alerts WHERE id = ?", [.text(sample[1].id)])
                == .text("2025-06-02T00:00:00Z"))

        // Found again: live again, figures unchanged so updated_at stays.
        let back = try store.replace(detector: "seed", with: sample, now: "2025-06-04T00:00:00Z")
        #expect(back == (inserted: 0, updated: 1, unchanged: 2, withdrawn: 0))
        let row = try #require(try w.db.query(
            "SELECT withdrawn_at, first_seen_at, updated_at FROM alerts WHERE id = ?", [.text(sample[1].id)]).first)
        #expect(row.values == [.null, .text("2025-06-01T00:00:00Z"), .text("2025-06-01T00:00:00Z")])
    }

    @Test func idIsStable() throws {
        // printf 'seed|2025-01-28|tag_volume|tag:Bug' | sha256sum | cut -c1-16
        #expect(sample[0].id == "e8c4e2efd4e29fa2")
        #expect(Alert.id(detector: "seed", date: "2025-01-28", signal: "tag_volume", level: "tag:Bug") == "e8c4e2efd4e29fa2")
        // printf 'seed|2025-02-14|queue_volume|queue:a,"b"' | sha256sum | cut -c1-16
        #expect(Alert.id(detector: "seed", date: "2025-02-14", signal: "queue_volume", level: #"queue:a,"b""#)
                == "2fd9362130a54373")
        var moved = sample[0]
        moved.value = 1
        moved.z = 9
        #expect(moved.id == sample[0].id)

        let w = try openWarehouse()
        try AlertStore(db: w.db).replace(detector: "seed", with: [sample[0]], now: "2025-06-01T00:00:00Z")
        #expect(try w.db.scalar("SELECT id FROM alerts") == .text("e8c4e2efd4e29fa2"))
    }

    @Test func csvHeaderNumbersAndQuoting() throws {
        let alert = Alert(detector: "seed", date: "2025-02-14", signal: "queue_volume", level: #"queue:a,"b""#,
                          value: 182, z: 3.5429425690607674, threshold: 3.5, baselineMean: 120.5, baselineStd: nil,
                          incident: "line1\nline2")
        let lines = AlertFormatter.csv([alert]).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "date,signal,value,z,level,detector,id,threshold,baseline_mean,baseline_std,incident")
        #expect(lines[1] == #"2025-02-14,queue_volume,182.0,3.5429425690607674,"queue:a,""b""",seed,2fd9362130a54373,3.5,120.5,,"line1"#)
        #expect(lines[2] == #"line2""#)
        #expect(AlertFormatter.csv([]) == "date,signal,value,z,level,detector,id,threshold,baseline_mean,baseline_std,incident\n")
    }

    @Test func jsonKeepsNamesVerbatimAndTableAligns() throws {
        let alert = Alert(detector: "seed", date: "2025-02-14", signal: "queue_volume", level: "queue:a,\"b\"\n<x>/é",
                          value: 182, z: 3.5429425690607674, threshold: 3.5)
        let json = AlertFormatter.json([alert, sample[2]])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        #expect(parsed[0]["level"] as? String == alert.level)
        #expect(parsed[0]["id"] as? String == alert.id)
        // Shortest round-trip digits (checked on the text: corelibs' JSONSerialization parses doubles inexactly).
        #expect(json.contains("3.5429425690607674") && json.contains("0.8120805369127517"))
        struct Figures: Decodable { let value: Double; let z: Double }
        let figures = try JSONDecoder().decode([Figures].self, from: Data(json.utf8))
        #expect(figures.map(\.z) == [alert.z, sample[2].z] && figures.map(\.value) == [182, sample[2].value])
        #expect(parsed[0]["baseline_std"] is NSNull)
        #expect(parsed[1]["details"] as? String == #"{"high_set":["high"]}"#)
        #expect(Set(parsed[0].keys) == ["id", "detector", "date", "signal", "level", "value", "z", "threshold",
                                        "baseline_mean", "baseline_std", "incident", "details"])

        let table = AlertFormatter.table([alert, sample[2]]).split(separator: "\n").map(String.init)
        #expect(table.count == 4)
        #expect(table[0].hasPrefix("date"))
        #expect(table[2].contains(#"queue:a,"b"\n<x>/é"#))  // the newline is shown, not printed
        #expect(table[2].hasSuffix(alert.id) && table[3].hasSuffix(sample[2].id))
        // Columns line up: the id column (last, 16 wide) starts at the same offset on every line.
        #expect(Set(table.dropFirst().map(\.count)).count == 1)
        #expect(table[0].count - "id".count == table[1].count - 16)
    }
}
