/// The published schema version 1, as released (comments dropped): what a warehouse made by ticketwatch 0.1 holds,
/// so the migration to the current version can be tested on a real one.
enum SchemaV1 {
    static let sql = """
        CREATE TABLE IF NOT EXISTS settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS ingest_files (
            id              INTEGER PRIMARY KEY,
            source          TEXT NOT NULL,
            content_sha256  TEXT NOT NULL UNIQUE,
            format          TEXT NOT NULL,
            timeline        TEXT NOT NULL,
            bytes           INTEGER NOT NULL,
            rows_loaded     INTEGER NOT NULL DEFAULT 0,
            rows_duplicate  INTEGER NOT NULL DEFAULT 0,
            rows_changed    INTEGER NOT NULL DEFAULT 0,
            rows_rejected   INTEGER NOT NULL DEFAULT 0,
            loaded_at       TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS tickets (
            id            INTEGER PRIMARY KEY,
            ticket_id     TEXT NOT NULL UNIQUE,
            created_at    TEXT NOT NULL,
            day           TEXT NOT NULL,
            queue         TEXT,
            priority      TEXT,
            priority_raw  TEXT,
            subject       TEXT,
            content_hash  INTEGER NOT NULL,
            file_id       INTEGER NOT NULL REFERENCES ingest_files(id),
            line          INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS tickets_by_day ON tickets(day);
        CREATE TABLE IF NOT EXISTS tag_occurrences (
            ticket     INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
            position   INTEGER NOT NULL,
            tag        TEXT NOT NULL,
            PRIMARY KEY (ticket, position)
        ) WITHOUT ROWID;
        CREATE VIEW IF NOT EXISTS ticket_tags AS
            SELECT t.ticket_id AS ticket_id, o.position AS position, o.tag AS tag, o.ticket AS ticket
            FROM tag_occurrences AS o JOIN tickets AS t ON t.id = o.ticket;
        CREATE TABLE IF NOT EXISTS ingest_rejects (
            id       INTEGER PRIMARY KEY,
            file_id  INTEGER REFERENCES ingest_files(id),
            source   TEXT NOT NULL,
            line     INTEGER NOT NULL,
            reason   TEXT NOT NULL,
            raw      TEXT
        );
        CREATE INDEX IF NOT EXISTS ingest_rejects_by_file ON ingest_rejects(file_id);
        CREATE TABLE IF NOT EXISTS dirty_days (
            day TEXT PRIMARY KEY
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS daily_totals (
            day            TEXT PRIMARY KEY,
            tickets_total  INTEGER NOT NULL,
            tickets_high   INTEGER NOT NULL,
            high_rate      REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS daily_priorities (
            day       TEXT NOT NULL,
            priority  TEXT NOT NULL,
            tickets   INTEGER NOT NULL,
            PRIMARY KEY (day, priority)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS daily_queues (
            day      TEXT NOT NULL,
            queue    TEXT NOT NULL,
            tickets  INTEGER NOT NULL,
            PRIMARY KEY (day, queue)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS daily_tags (
            day      TEXT NOT NULL,
            tag      TEXT NOT NULL,
            tickets  INTEGER NOT NULL,
            PRIMARY KEY (day, tag)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alerts (
            id            TEXT PRIMARY KEY,
            detector      TEXT NOT NULL,
            date          TEXT NOT NULL,
            signal        TEXT NOT NULL,
            level         TEXT NOT NULL,
            value         REAL NOT NULL,
            z             REAL NOT NULL,
            threshold     REAL NOT NULL,
            baseline_mean REAL,
            baseline_std  REAL,
            incident      TEXT,
            details       TEXT,
            first_seen_at TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            withdrawn_at  TEXT,
            UNIQUE (detector, date, signal, level)
        );
        CREATE INDEX IF NOT EXISTS alerts_by_date ON alerts(date);
        CREATE TABLE IF NOT EXISTS destinations (
            name             TEXT PRIMARY KEY,
            kind             TEXT NOT NULL CHECK (kind IN ('slack', 'webhook')),
            url_fingerprint  TEXT NOT NULL,
            first_seen_at    TEXT NOT NULL,
            backfill_from    TEXT,
            url_changed_at   TEXT,
            last_run_at      TEXT
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS deliveries (
            alert_id          TEXT NOT NULL REFERENCES alerts(id),
            destination       TEXT NOT NULL REFERENCES destinations(name),
            status            TEXT NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
            attempts          INTEGER NOT NULL DEFAULT 0,
            last_http_status  INTEGER,
            last_error        TEXT,
            created_at        TEXT NOT NULL,
            last_attempt_at   TEXT,
            delivered_at      TEXT,
            PRIMARY KEY (alert_id, destination)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS deliveries_by_destination ON deliveries(destination, status);
        CREATE TABLE IF NOT EXISTS detector_days (
            detector   TEXT NOT NULL,
            day        TEXT NOT NULL,
            status     TEXT NOT NULL,
            judged_at  TEXT NOT NULL,
            PRIMARY KEY (detector, day)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS detector_findings (
            detector  TEXT NOT NULL,
            day       TEXT NOT NULL,
            signal    TEXT NOT NULL,
            level     TEXT NOT NULL,
            incident  TEXT NOT NULL,
            value     REAL NOT NULL,
            excess    REAL NOT NULL,
            p         REAL NOT NULL,
            alerted   INTEGER NOT NULL,
            PRIMARY KEY (detector, day, signal, level)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS detector_findings_by_incident ON detector_findings(detector, incident);
        CREATE TABLE IF NOT EXISTS job_runs (
            id                   INTEGER PRIMARY KEY,
            started_at           TEXT NOT NULL,
            ended_at             TEXT,
            outcome              TEXT NOT NULL,
            files_loaded         INTEGER NOT NULL DEFAULT 0,
            files_skipped        INTEGER NOT NULL DEFAULT 0,
            tickets_loaded       INTEGER NOT NULL DEFAULT 0,
            rows_rejected        INTEGER NOT NULL DEFAULT 0,
            days_judged          INTEGER NOT NULL DEFAULT 0,
            alerts_found         INTEGER NOT NULL DEFAULT 0,
            notifications_sent   INTEGER NOT NULL DEFAULT 0,
            notifications_failed INTEGER NOT NULL DEFAULT 0,
            error                TEXT
        );
        CREATE TABLE IF NOT EXISTS inbox_seen (
            path            TEXT PRIMARY KEY,
            size            INTEGER NOT NULL,
            inode           INTEGER NOT NULL,
            modified_ns     INTEGER NOT NULL,
            changed_ns      INTEGER NOT NULL,
            content_sha256  TEXT NOT NULL
        ) WITHOUT ROWID;
        """
}
