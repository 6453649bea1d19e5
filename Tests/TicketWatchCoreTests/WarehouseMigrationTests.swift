import Foundation
import Testing
@testable import TicketWatchCore

/// Version 1 is released: warehouses made by it must open in this version with their data intact and end up with
/// exactly the schema a new warehouse gets.
@Suite struct WarehouseMigrationTests {
    /// A warehouse as ticketwatch 0.1 left it: the v1 schema, one alert, one delivered notification, one judged day.
    private func versionOneWarehouse() throws -> String {
        let path = TestPaths.temporaryWarehousePath()
        let db = try Database(path: path)
        try db.execute(SchemaV1.sql)
        try db.execute("""
            PRAGMA user_version = 1;
            INSERT INTO alerts (id, detector, date, signal, level, value, z, threshold, first_seen_at, updated_at)
            VALUES ('00112233445566aa', 'seed', '2025-02-14', 'tag_volume', 'tag:Documentation', 171, 3.53, 3.5,
                    '2025-02-15T06:00:00Z', '2025-02-15T06:00:00Z');
            INSERT INTO destinations (name, kind, url_fingerprint, first_seen_at) VALUES ('ops', 'webhook', 'ab', 'x');
            INSERT INTO deliveries (alert_id, destination, status, created_at) VALUES ('00112233445566aa', 'ops', 'delivered', 'x');
            INSERT INTO detector_days (detector, day, status, judged_at) VALUES ('default', '2025-02-14', 'judged', 'x');
            INSERT INTO ingest_files (id, source, content_sha256, format, timeline, bytes, loaded_at)
            VALUES (1, 'old.csv', 'abc', 'csv', 'timestamps', 10, 'x');
            INSERT INTO tickets (id, ticket_id, created_at, day, queue, priority, priority_raw, content_hash, file_id, line)
            VALUES (1, 'A-1', '2025-02-14T09:00:00Z', '2025-02-14', 'Billing', 'high', 'High', 7, 1, 2),
                   (2, 'A-2', '2025-02-14T10:00:00Z', '2025-02-14', NULL, NULL, NULL, 8, 1, 3);
            INSERT INTO tag_occurrences (ticket, position, tag) VALUES
                (1, 0, 'say "hi"'), (1, 1, 'VPN'), (1, 2, 'VPN');
            """)
        return path
    }

    /// name → columns (name, type, not null, default, primary key position), and every index's SQL.
    private func shape(_ db: Database) throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try db.query("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") {
            let name = row[1].string!
            if row[0].string == "table" {
                result[name] = try db.query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", [.text(name)])
                    .map { $0.values.map(\.description).joined(separator: " ") }.joined(separator: "; ")
            } else {
                result[name] = row[2].string ?? ""
            }
        }
        return result
    }

    @Test func aVersionOneWarehouseMigratesToTheSchemaOfANewOne() throws {
        let path = try versionOneWarehouse()
        let migrated = try makeWarehouse(path: path)
        #expect(try migrated.db.scalar("PRAGMA user_version")?.int == Warehouse.schemaVersion)
        #expect(try shape(migrated.db) == shape(makeWarehouse().db))
        // The data is all there, with the new columns at their defaults.
        let row = try #require(try migrated.db.query("SELECT value, late, silence_id, evidence FROM alerts").first)
        #expect(row.values == [.real(171), .integer(0), .null, .null])
        #expect(try migrated.count("deliveries", where: "status = 'delivered'") == 1)
        #expect(try migrated.db.scalar("SELECT figures FROM detector_days")?.string == nil)
        #expect(try migrated.db.scalar("PRAGMA foreign_key_check")?.string == nil)
        // Tags moved from their own table into the ticket's JSON column; the public view gives the same rows.
        let tags = try migrated.db.query("SELECT ticket_id, position, tag FROM ticket_tags ORDER BY ticket_id, position")
            .map { $0.values.map(\.description).joined(separator: "|") }
        #expect(tags == [#"A-1|0|say "hi""#, "A-1|1|VPN", "A-1|2|VPN"])
        #expect(try migrated.db.scalar("SELECT tags FROM tickets WHERE ticket_id = 'A-2'") == .null)
        // And the new tables work on it.
        try FeedbackStore(db: migrated.db).mark("00112233", Feedback(verdict: .useful, note: nil, markedAt: "t", markedBy: nil))
        #expect(try AlertState.all(in: migrated.db)["00112233445566aa"]?.feedback?.verdict == .useful)
    }

    @Test func aMigratedWarehouseTakesUpdatesToItsOldTicketsAndTheNewSources() throws {
        let migrated = try makeWarehouse(path: try versionOneWarehouse())
        #expect(try migrated.db.scalar("SELECT count(*) FROM priority_names")?.int == (try makeWarehouse().count("priority_names")))
        let old = try #require(try migrated.db.query("SELECT priority, updated_at, channel FROM tickets WHERE ticket_id = 'A-1'").first)
        #expect(old.values == [.text("high"), .null, .null])
        #expect(try migrated.db.query("SELECT helpdesk, rows_updated, rows_outdated FROM ingest_files").first?.values
                == [.text("generic"), .integer(0), .integer(0)])
        #expect(try migrated.db.scalar("PRAGMA integrity_check")?.string == "ok")

        let newer = try writeTemporaryFile("new.csv", "ticket_id,created_at,queue,priority,tags\nA-1,2025-02-14T09:00:00Z,Billing,urgent,refund | vip\n")
        #expect(try migrated.ingest([newer]).first?.updated == 1)
        #expect(try migrated.db.query("SELECT tag FROM ticket_tags WHERE ticket_id = 'A-1' ORDER BY position").map { $0[0].string! } == ["refund", "vip"])
        #expect(try migrated.ingest([Samples.path("freshdesk/tickets.json")]).first?.loaded == 5)
    }

    /// Tickets loaded by version 1 carry its content hash; a generic ticket must still hash the same way, or every
    /// unchanged re-export of an old file would count as an update.
    @Test func aGenericTicketHashesAsVersionOneDid() throws {
        let warehouse = try makeWarehouse()
        let file = try writeTemporaryFile("t.csv", "ticket_id,created_at,queue,priority,tags,subject\nT1,2025-05-31T10:00:00Z,Billing, High ,refund | vip,hello\n")
        _ = try warehouse.ingest([file])
        var v1 = FNV1a()  // schema 1's recipe: created_at, queue, priority as written, each tag, subject
        v1.combine("2025-05-31T10:00:00Z")
        v1.combine("Billing")
        v1.combine(" High ")
        v1.combine("refund")
        v1.combine("vip")
        v1.combine("hello")
        #expect(try warehouse.db.scalar("SELECT content_hash FROM tickets")?.int.map(Int64.init) == v1.int64)
    }

    @Test func everyStepTakesOneVersionToTheNext() {
        #expect(Set(Migrations.steps.keys) == Set(1..<Warehouse.schemaVersion))
    }
}
