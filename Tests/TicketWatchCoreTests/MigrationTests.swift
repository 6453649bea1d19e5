import Foundation
import Testing
@testable import TicketWatchCore

/// Warehouses made by an older ticketwatch are brought forward in place, and end up as a new one would be.
@Suite struct MigrationTests {
    /// A warehouse exactly as version 1 (the first release) created it, with one ticket and one file in it.
    private func versionOneWarehouse() throws -> String {
        let path = TestPaths.temporaryWarehousePath()
        let schema = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/schema-v1.sql"), encoding: .utf8)
        let db = try Database(path: path)
        try db.execute(schema)
        try db.execute("""
            INSERT INTO settings(key, value) VALUES ('timezone', 'UTC');
            INSERT INTO ingest_files(id, source, content_sha256, format, timeline, bytes, rows_loaded, rows_changed, loaded_at)
                VALUES (1, 'old.csv', 'abc', 'csv', 'timestamps', 10, 1, 1, '2025-06-01T00:00:00Z');
            INSERT INTO tickets(id, ticket_id, created_at, day, queue, priority, priority_raw, subject, content_hash, file_id, line)
                VALUES (1, 'T1', '2025-05-31T10:00:00Z', '2025-05-31', 'Billing', 'high', 'High', 'hello', 42, 1, 2);
            INSERT INTO tag_occurrences(ticket, position, tag) VALUES (1, 0, 'refund');
            PRAGMA user_version = 1;
            """)
        return path
    }

    /// Every table's and view's columns (name, type, not-null, default, key), and every index's name.
    private func shape(_ warehouse: Warehouse) throws -> [String] {
        var lines: [String] = []
        for row in try warehouse.db.query("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name") {
            let name = row[1].string!
            lines.append("\(row[0].string!) \(name)")
            guard row[0].string != "index" else { continue }
            for column in try warehouse.db.query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", [.text(name)]) {
                lines.append("  " + column.values.map(\.description).joined(separator: " "))
            }
        }
        return lines
    }

    @Test func aVersionOneWarehouseMigratesToTheCurrentSchemaKeepingItsData() throws {
        let path = try versionOneWarehouse()
        let migrated = try makeWarehouse(path: path)
        #expect(try migrated.db.scalar("PRAGMA user_version")?.int == Warehouse.schemaVersion)
        #expect(try shape(migrated) == shape(makeWarehouse()), "a migrated warehouse has the columns a new one has")
        #expect(try migrated.db.scalar("SELECT count(*) FROM priority_names")?.int == (try makeWarehouse().count("priority_names")))

        let old = try #require(try migrated.db.query("SELECT ticket_id, priority, updated_at, channel FROM tickets").first)
        #expect(old.values == [.text("T1"), .text("high"), .null, .null])
        #expect(try migrated.db.query("SELECT helpdesk, rows_changed, rows_updated, rows_outdated FROM ingest_files").first?.values
                == [.text("generic"), .integer(1), .integer(0), .integer(0)])
        #expect(try migrated.db.scalar("PRAGMA integrity_check")?.string == "ok")

        // The migrated warehouse takes updates to its old tickets and the new sources.
        let newer = try writeTemporaryFile("new.csv", "ticket_id,created_at,queue,priority,tags\nT1,2025-05-31T10:00:00Z,Billing,urgent,refund | vip\n")
        #expect(try migrated.ingest([newer]).first?.updated == 1)
        #expect(try migrated.db.query("SELECT tag FROM ticket_tags WHERE ticket_id = 'T1' ORDER BY position").map { $0[0].string! } == ["refund", "vip"])
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

    @Test func migrationStepsCoverEveryVersion() {
        for version in 1..<Warehouse.schemaVersion {
            #expect(Migrations.steps[version] != nil, "no migration from version \(version)")
        }
    }
}
