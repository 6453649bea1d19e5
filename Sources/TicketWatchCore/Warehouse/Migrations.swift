import Logging

/// Brings a warehouse to the current schema version, recorded in `PRAGMA user_version`.
///
/// A new warehouse gets schema.sql whole. An older one runs the steps after its version, in order, each in the
/// same transaction as the version bump, so a crash mid-migration leaves the previous version intact.
enum Migrations {
    /// Step N upgrades a warehouse from version N to N + 1. Version 1 is the first published schema. Each step is
    /// self-contained SQL and makes an old warehouse what schema.sql makes a new one (a test compares the two);
    /// add the next schema change here *and* to schema.sql.
    static let steps: [Int: String] = [
        // 1 → 2: helpdesk exports (which tool wrote a file, the priority vocabulary) and ticket updates.
        1: """
            ALTER TABLE ingest_files ADD COLUMN helpdesk TEXT NOT NULL DEFAULT 'generic';
            ALTER TABLE ingest_files ADD COLUMN rows_updated INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE ingest_files ADD COLUMN rows_outdated INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE tickets ADD COLUMN updated_at TEXT;
            ALTER TABLE tickets ADD COLUMN channel TEXT;
            ALTER TABLE tickets ADD COLUMN ticket_type TEXT;
            CREATE TABLE IF NOT EXISTS priority_names (
                helpdesk  TEXT NOT NULL,
                raw       TEXT NOT NULL,
                priority  TEXT NOT NULL,
                origin    TEXT NOT NULL,
                PRIMARY KEY (helpdesk, raw)
            ) WITHOUT ROWID;
            INSERT OR IGNORE INTO priority_names(helpdesk, raw, priority, origin) VALUES
                ('generic', 'urgent', 'urgent', 'built-in'), ('generic', 'high', 'high', 'built-in'),
                ('generic', 'medium', 'medium', 'built-in'), ('generic', 'low', 'low', 'built-in'),
                ('zendesk', 'urgent', 'urgent', 'built-in'), ('zendesk', 'high', 'high', 'built-in'),
                ('zendesk', 'normal', 'medium', 'built-in'), ('zendesk', 'low', 'low', 'built-in'),
                ('freshdesk', '4', 'urgent', 'built-in'), ('freshdesk', '3', 'high', 'built-in'),
                ('freshdesk', '2', 'medium', 'built-in'), ('freshdesk', '1', 'low', 'built-in'),
                ('jira', 'Highest', 'urgent', 'built-in'), ('jira', 'High', 'high', 'built-in'),
                ('jira', 'Medium', 'medium', 'built-in'), ('jira', 'Low', 'low', 'built-in'), ('jira', 'Lowest', 'low', 'built-in'),
                ('jira', 'Blocker', 'urgent', 'built-in'), ('jira', 'Critical', 'high', 'built-in'),
                ('jira', 'Major', 'medium', 'built-in'), ('jira', 'Minor', 'low', 'built-in'), ('jira', 'Trivial', 'low', 'built-in');
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
