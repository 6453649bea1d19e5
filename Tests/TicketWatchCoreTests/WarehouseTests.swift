import Foundation
import Testing
@testable import TicketWatchCore

@Suite struct WarehouseTests {
    @Test func createsSchemaWithVersionAndPragmas() throws {
        let warehouse = try makeWarehouse()
        #expect(try warehouse.db.scalar("PRAGMA user_version")?.int == Warehouse.schemaVersion)
        #expect(try warehouse.db.scalar("PRAGMA journal_mode")?.string == "wal")
        #expect(try warehouse.db.scalar("PRAGMA foreign_keys")?.int == 1)
        // Tables or views: what people's SQL can select from.
        let tables = Set(try warehouse.db.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").compactMap { $0[0].string })
        for name in ["tickets", "ticket_tags", "ingest_files", "ingest_rejects", "alerts", "daily_totals", "daily_queues", "daily_tags"] {
            #expect(tables.contains(name), "missing table \(name)")
        }
        // The names people's SQL relies on (design.md).
        let alertColumns = Set(try warehouse.db.query("SELECT name FROM pragma_table_info('alerts')").compactMap { $0[0].string })
        #expect(alertColumns.isSuperset(of: ["id", "detector", "date", "signal", "level", "value", "z"]))
        let ticketColumns = Set(try warehouse.db.query("SELECT name FROM pragma_table_info('tickets')").compactMap { $0[0].string })
        #expect(ticketColumns.isSuperset(of: ["ticket_id", "created_at", "queue", "priority"]))
        let tagColumns = Set(try warehouse.db.query("SELECT name FROM pragma_table_info('ticket_tags')").compactMap { $0[0].string })
        #expect(tagColumns.isSuperset(of: ["ticket_id", "tag"]))
        let rejectColumns = Set(try warehouse.db.query("SELECT name FROM pragma_table_info('ingest_rejects')").compactMap { $0[0].string })
        #expect(rejectColumns.isSuperset(of: ["source", "line", "reason"]))
    }

    @Test func embeddedSchemaIsTheTopLevelFile() throws {
        let onDisk = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("schema.sql"), encoding: .utf8)
        #expect(Warehouse.schemaSQL == onDisk)
    }

    @Test func reopeningKeepsDataAndVersion() throws {
        let path = TestPaths.temporaryWarehousePath()
        do {
            let first = try makeWarehouse(path: path)
            try first.db.run("INSERT INTO settings(key, value) VALUES ('probe', 'kept')")
        }
        let second = try makeWarehouse(path: path)
        #expect(try second.db.scalar("SELECT value FROM settings WHERE key = 'probe'")?.string == "kept")
    }

    @Test func timeZoneIsFixedAtCreation() throws {
        let path = TestPaths.temporaryWarehousePath()
        let created = try makeWarehouse(timeZone: "Europe/Berlin", path: path)
        #expect(created.timeZone.identifier == "Europe/Berlin")
        #expect(try makeWarehouse(path: path).timeZone.identifier == "Europe/Berlin")
        #expect(throws: WarehouseError.self) { try makeWarehouse(timeZone: "UTC", path: path) }
        #expect(throws: WarehouseError.self) { try makeWarehouse(timeZone: "Mars/Olympus", path: TestPaths.temporaryWarehousePath()) }
    }

    @Test func refusesANewerSchema() throws {
        let path = TestPaths.temporaryWarehousePath()
        do {
            let warehouse = try makeWarehouse(path: path)
            try warehouse.db.execute("PRAGMA user_version = \(Warehouse.schemaVersion + 1)")
        }
        #expect {
            try makeWarehouse(path: path)
        } throws: { error in
            "\(error)".contains("newer than this ticketwatch")
        }
    }

    @Test func refusesAForeignDatabase() throws {
        let path = TestPaths.temporaryWarehousePath()
        do {
            let db = try Database(path: path)
            try db.execute("CREATE TABLE something_else(x)")
        }
        #expect(throws: WarehouseError.self) { try makeWarehouse(path: path) }
        let notSQLite = try writeTemporaryFile("notes.db", "this is not a database, just text that is long enough to matter\n")
        #expect(throws: (any Error).self) { try makeWarehouse(path: notSQLite) }
    }

    @Test func sqliteErrorsCarryMessageAndSQL() throws {
        let warehouse = try makeWarehouse()
        #expect {
            try warehouse.db.run("INSERT INTO nowhere VALUES (1)")
        } throws: { error in
            let text = "\(error)"
            return text.contains("no such table: nowhere") && text.contains("INSERT INTO nowhere")
        }
    }
}
