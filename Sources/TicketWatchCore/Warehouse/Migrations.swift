import Logging

/// Brings a warehouse to the current schema version, recorded in `PRAGMA user_version`.
///
/// A new warehouse gets schema.sql whole. An older one runs the steps after its version, in order, each in the
/// same transaction as the version bump, so a crash mid-migration leaves the previous version intact.
enum Migrations {
    /// Step N upgrades a warehouse from version N to N + 1; version 1 is the first published schema. Add the next
    /// schema change here *and* to schema.sql.
    static let steps: [Int: String] = [
        // 2, the speed issue: tags move from a row each (tag_occurrences) into a JSON column on the ticket; the
        // public ticket_tags view reads them from there with the same columns.
        1: """
            ALTER TABLE tickets ADD COLUMN tags TEXT;
            UPDATE tickets SET tags = (
                SELECT json_group_array(tag) FROM (
                    SELECT tag FROM tag_occurrences AS o WHERE o.ticket = tickets.id ORDER BY position))
            WHERE id IN (SELECT ticket FROM tag_occurrences);
            DROP VIEW ticket_tags;
            DROP TABLE tag_occurrences;
            CREATE VIEW ticket_tags AS
                SELECT t.ticket_id AS ticket_id, j.key AS position, j.value AS tag, t.id AS ticket
                FROM tickets AS t, json_each(t.tags) AS j;
            """,
    ]

    static func migrate(_ db: Database, path: String, to target: Int, logger: Logger) throws {
        let current = try db.scalar("PRAGMA user_version")?.int ?? 0
        if current == target { return }
        if current > target {
            throw WarehouseError.newerSchema(path: path, found: current, supported: target)
        }
        try db.writeTransaction {
            // Re-read under the write lock: a concurrent process may have migrated meanwhile.
            let version = try db.scalar("PRAGMA user_version")?.int ?? 0
            if version == target { return }
            if version == 0 {
                let tables = try db.scalar("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")?.int ?? 0
                if tables > 0 {
                    throw WarehouseError.notAWarehouse(path: path, reason: "it holds tables but no TicketWatch schema version")
                }
                try db.execute(Warehouse.schemaSQL)
                logger.info("created warehouse", metadata: ["path": "\(path)", "schema": "\(target)"])
            } else {
                for step in version..<target {
                    guard let sql = steps[step] else {
                        throw WarehouseError.notAWarehouse(path: path, reason: "no migration from schema version \(step)")
                    }
                    try db.execute(sql)
                    logger.info("migrated warehouse", metadata: ["path": "\(path)", "to": "\(step + 1)"])
                }
            }
            try db.execute("PRAGMA user_version = \(target)")
        }
    }
}
