import Foundation
import Testing
@testable import TicketWatchCore

@Suite struct FeedbackTests {
    @Test func markingFromTheCommandLineIsStoredAndListed() throws {
        let db = TestPaths.temporaryWarehousePath()
        #expect(try Binary.run(["ingest", "--db", db, TestPaths.fixture("seed-parity/tickets.csv").path]).status == 0)
        #expect(try Binary.run(["detect", "--db", db, "--detector", "seed"]).status == 0)
        let id = Alert.id(detector: "seed", date: "2025-03-21", signal: "tag_volume", level: "tag:Maintenance")

        let mark = try Binary.run(["alerts", "mark", "--db", db, String(id.prefix(8)), "--noise", "--note", "maintenance window"])
        #expect(mark.status == 0, "\(mark.stderr)")
        #expect(mark.stdout == "alert \(id) marked noise (maintenance window)\n")
        let warehouse = try makeWarehouse(path: db)
        let row = try warehouse.db.query("SELECT verdict, note FROM alert_feedback WHERE alert_id = ?", [.text(id)]).first
        #expect(row?.values == [.text("noise"), .text("maintenance window")])

        // Marking again replaces the judgement.
        #expect(try Binary.run(["alerts", "mark", "--db", db, id, "--useful"]).status == 0)
        #expect(try warehouse.db.query("SELECT verdict, note FROM alert_feedback").map(\.values) == [[.text("useful"), .null]])

        let table = try Binary.run(["alerts", "--db", db]).stdout.split(separator: "\n")
        #expect(table.contains { $0.contains(id) && $0.hasSuffix("useful") })
        let csv = try Binary.run(["alerts", "--db", db, "--format", "csv"]).stdout.split(separator: "\n")
        #expect(csv[0].hasSuffix(",withdrawn_at,late,silence_id,feedback,feedback_note"))
        #expect(csv.contains { $0.contains(id) && $0.hasSuffix(",0,,useful,") })
        let json = try Binary.run(["alerts", "--db", db, "--format", "json"]).stdout
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(objects.first { $0["id"] as? String == id }?["feedback"] as? String == "useful")
    }

    @Test func mistakesGetAClearError() throws {
        let db = TestPaths.temporaryWarehousePath()
        let unknown = try Binary.run(["alerts", "mark", "--db", db, "0123456789abcdef", "--useful"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "ticketwatch: error: no alert with id '0123456789abcdef' in this warehouse; list the ids with `ticketwatch alerts` (add --withdrawn to include withdrawn ones)\n")
        let both = try Binary.run(["alerts", "mark", "--db", db, "0123456789abcdef", "--useful", "--noise"])
        #expect(both.status != 0 && both.stderr.contains("give exactly one of --useful or --noise"))
        let tooShort = try Binary.run(["alerts", "mark", "--db", db, "01", "--useful"])
        #expect(tooShort.status == 1 && tooShort.stderr.contains("no alert with id '01'"))
    }

    @Test func ambiguousPrefixesAreRefused() throws {
        let warehouse = try makeWarehouse()
        for id in ["abcdef0000000001", "abcdef0000000002"] {
            try warehouse.db.run("""
                INSERT INTO alerts (id, detector, date, signal, level, value, z, threshold, first_seen_at, updated_at)
                VALUES (?, 'seed', '2025-01-01', 's', ?, 1, 1, 1, 't', 't')
                """, [.text(id), .text(id)])
        }
        #expect(throws: LifecycleError.ambiguousAlert("abcdef", matches: 2)) { try AlertLookup(db: warehouse.db).resolve("abcdef") }
        #expect(try AlertLookup(db: warehouse.db).resolve("ABCDEF0000000002") == "abcdef0000000002")
    }
}
