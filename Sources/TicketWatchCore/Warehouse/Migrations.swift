import Logging

/// Brings a warehouse to the current schema version, recorded in `PRAGMA user_version`.
///
/// A new warehouse gets schema.sql whole. An older one runs the steps after its version, in order, each in the
/// same transaction as the version bump, so a crash mid-migration leaves the previous version intact.
enum Migrations {
    /// Step N upgrades a warehouse from version N to N + 1. Version 1 is the first published schema; every schema
    /// change goes here *and* into schema.sql, and a migrated warehouse must end up with the same tables and
    /// columns as a new one (WarehouseMigrationTests compares them).
    static let steps: [Int: String] = [
        // 1 → 2. The alert lifecycle (issue 9): silences, evidence, late alerts, feedback, corrections and
        // recoveries, and the figures each judged day was judged on. Helpdesk exports (issue 10): which tool wrote
        // a file, the priority vocabulary, ticket updates. Speed (issue 8): tags move from a row each
        // (tag_occurrences) into a JSON column on the ticket; the public ticket_tags view reads them from there
        // with the same columns.
        1: """
            CREATE TABLE IF NOT EXISTS silences (
                id          INTEGER PRIMARY KEY,
                matcher     TEXT NOT NULL,
                ends_on     TEXT NOT NULL,
                reason      TEXT NOT NULL,
                created_at  TEXT NOT NULL,
                created_by  TEXT,
                removed_at  TEXT
            );
            ALTER TABLE alerts ADD COLUMN silence_id INTEGER REFERENCES silences(id);
            ALTER TABLE alerts ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE alerts ADD COLUMN evidence TEXT;
            CREATE TABLE IF NOT EXISTS alert_feedback (
                alert_id   TEXT PRIMARY KEY REFERENCES alerts(id),
                verdict    TEXT NOT NULL CHECK (verdict IN ('useful', 'noise')),
                note       TEXT,
                marked_at  TEXT NOT NULL,
                marked_by  TEXT
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS notices (
                alert_id          TEXT NOT NULL REFERENCES alerts(id),
                destination       TEXT NOT NULL REFERENCES destinations(name),
                kind              TEXT NOT NULL CHECK (kind IN ('withdrawn', 'recovered')),
                status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
                attempts          INTEGER NOT NULL DEFAULT 0,
                last_http_status  INTEGER,
                last_error        TEXT,
                created_at        TEXT NOT NULL,
                last_attempt_at   TEXT,
                delivered_at      TEXT,
                PRIMARY KEY (alert_id, destination, kind)
            ) WITHOUT ROWID;
            ALTER TABLE detector_days ADD COLUMN figures TEXT;
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
        // 2 → 3. What the default detector expected on each judged day, for the report's bands (issue 21).
        // Days judged before it have no expectation: the report draws the notebook's band there.
        2: """
            CREATE TABLE IF NOT EXISTS detector_expectations (
                detector    TEXT NOT NULL,
                day         TEXT NOT NULL,
                signal      TEXT NOT NULL,
                level       TEXT NOT NULL,
                expected    REAL NOT NULL,
                lower       REAL NOT NULL,
                upper       REAL NOT NULL,
                model       TEXT NOT NULL,
                definition  TEXT,
                PRIMARY KEY (detector, day, signal, level)
            ) WITHOUT ROWID;
            """,
        // 3 → 4. Pulling from helpdesk APIs (issue 20): each source's cursor and last pull, and ServiceNow's
        // priority names.
        3: """
            CREATE TABLE IF NOT EXISTS source_cursors (
                source        TEXT PRIMARY KEY,
                kind          TEXT NOT NULL,
                cursor        TEXT,
                reached       TEXT,
                cursor_at     TEXT,
                last_pull_at  TEXT,
                last_outcome  TEXT,
                last_error    TEXT,
                last_pages    INTEGER NOT NULL DEFAULT 0,
                last_tickets  INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            INSERT OR IGNORE INTO priority_names(helpdesk, raw, priority, origin) VALUES
                ('servicenow', '1 - Critical', 'urgent', 'built-in'), ('servicenow', '2 - High', 'high', 'built-in'),
                ('servicenow', '3 - Moderate', 'medium', 'built-in'), ('servicenow', '4 - Low', 'low', 'built-in'),
                ('servicenow', '5 - Planning', 'low', 'built-in');
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
