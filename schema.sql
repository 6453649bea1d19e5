-- TicketWatch warehouse schema.
--
-- The one definition of the schema: the binary embeds this file and applies it to a new warehouse; older
-- warehouses are migrated forward step by step (Sources/TicketWatchCore/Warehouse/Migrations.swift), and
-- PRAGMA user_version records the version reached. Names marked PUBLIC are queried by people with plain SQL
-- (design.md): rename them only with a migration and a note in the README.

-- Warehouse-wide settings fixed at creation (time zone) and facts about the warehouse.
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per file content ever loaded: a file loaded twice (under any name) is recognised by its hash.
CREATE TABLE IF NOT EXISTS ingest_files (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,            -- the path as given, '-' for standard input
    content_sha256  TEXT NOT NULL UNIQUE,
    format          TEXT NOT NULL,            -- 'csv' | 'jsonl'
    timeline        TEXT NOT NULL,            -- 'timestamps' | 'synthetic:SEED:DAYS' | 'batch:N'
    bytes           INTEGER NOT NULL,
    rows_loaded     INTEGER NOT NULL DEFAULT 0,
    rows_duplicate  INTEGER NOT NULL DEFAULT 0,
    rows_changed    INTEGER NOT NULL DEFAULT 0,  -- repeated ids whose content differs (kept, not applied yet)
    rows_rejected   INTEGER NOT NULL DEFAULT 0,
    loaded_at       TEXT NOT NULL             -- UTC, ISO 8601
);

-- PUBLIC. One row per ticket id. created_at is UTC (ISO 8601, 'Z'); day is the calendar day in the
-- warehouse's time zone, the day every aggregate and alert uses.
CREATE TABLE IF NOT EXISTS tickets (
    id            INTEGER PRIMARY KEY,
    ticket_id     TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    day           TEXT NOT NULL,
    queue         TEXT,                       -- verbatim; NULL when the input had none ('Unknown' in aggregates)
    priority      TEXT,                       -- lower-cased and trimmed: the vocabulary SQL compares against
    priority_raw  TEXT,                       -- as the input wrote it
    subject       TEXT,
    content_hash  INTEGER NOT NULL,           -- FNV-1a 64 of the ticket's fields: tells a changed re-export
    file_id       INTEGER NOT NULL REFERENCES ingest_files(id),
    line          INTEGER NOT NULL            -- physical line where the record starts in that file
);
CREATE INDEX IF NOT EXISTS tickets_by_day ON tickets(day);

-- PUBLIC. One row per tag occurrence: a tag named twice on a ticket is two rows (the notebook counts both).
CREATE TABLE IF NOT EXISTS ticket_tags (
    ticket_id  TEXT NOT NULL REFERENCES tickets(ticket_id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,              -- 0-based order within the ticket's tag list
    tag        TEXT NOT NULL,                 -- verbatim, trimmed
    PRIMARY KEY (ticket_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ticket_tags_by_tag ON ticket_tags(tag);

-- PUBLIC. Every row that could not be loaded, with where it was and why.
CREATE TABLE IF NOT EXISTS ingest_rejects (
    id       INTEGER PRIMARY KEY,
    file_id  INTEGER REFERENCES ingest_files(id),
    source   TEXT NOT NULL,                   -- the path as given, '-' for standard input
    line     INTEGER NOT NULL,                -- 1-based physical line where the record starts (header = 1)
    reason   TEXT NOT NULL,
    raw      TEXT                             -- the record's text (truncated to 1000 characters), when readable
);
CREATE INDEX IF NOT EXISTS ingest_rejects_by_file ON ingest_rejects(file_id);

-- Days whose tickets changed since the last `aggregate`: the work list that keeps aggregation incremental.
CREATE TABLE IF NOT EXISTS dirty_days (
    day TEXT PRIMARY KEY
) WITHOUT ROWID;

-- PUBLIC. Daily aggregates, recomputed in SQL for the days that changed.
-- tickets_high counts priority = 'high' exactly (the notebook's definition).
CREATE TABLE IF NOT EXISTS daily_totals (
    day            TEXT PRIMARY KEY,
    tickets_total  INTEGER NOT NULL,
    tickets_high   INTEGER NOT NULL,
    high_rate      REAL NOT NULL
) WITHOUT ROWID;

-- PUBLIC. Tickets per day and normalised priority (any definition of "high" is a sum over these).
CREATE TABLE IF NOT EXISTS daily_priorities (
    day       TEXT NOT NULL,
    priority  TEXT NOT NULL,                  -- '' when the ticket had none
    tickets   INTEGER NOT NULL,
    PRIMARY KEY (day, priority)
) WITHOUT ROWID;

-- PUBLIC. Tickets per day and queue ('Unknown' for tickets without one, as the notebook does).
CREATE TABLE IF NOT EXISTS daily_queues (
    day      TEXT NOT NULL,
    queue    TEXT NOT NULL,
    tickets  INTEGER NOT NULL,
    PRIMARY KEY (day, queue)
) WITHOUT ROWID;

-- PUBLIC. Tag occurrences per day and tag.
CREATE TABLE IF NOT EXISTS daily_tags (
    day      TEXT NOT NULL,
    tag      TEXT NOT NULL,
    tickets  INTEGER NOT NULL,                -- occurrences: a tag twice on one ticket counts twice
    PRIMARY KEY (day, tag)
) WITHOUT ROWID;

-- PUBLIC. One row per detector, date, signal and level, ever. id is stable across warehouses:
-- the first 16 hex digits of SHA-256("detector|date|signal|level").
CREATE TABLE IF NOT EXISTS alerts (
    id            TEXT PRIMARY KEY,
    detector      TEXT NOT NULL,              -- 'seed' (the notebook's) or the default detector's name
    date          TEXT NOT NULL,              -- YYYY-MM-DD, in the warehouse's time zone
    signal        TEXT NOT NULL,              -- tickets_total | high_rate | queue_volume | tag_volume | ...
    level         TEXT NOT NULL,              -- 'global' | 'queue:NAME' | 'tag:NAME'
    value         REAL NOT NULL,
    z             REAL NOT NULL,
    threshold     REAL NOT NULL,              -- the z the value had to reach
    baseline_mean REAL,                       -- the mean the value was compared against
    baseline_std  REAL,
    incident      TEXT,                       -- groups related rows (default detector)
    details       TEXT,                       -- JSON: what else a person needs to judge the alert
    first_seen_at TEXT NOT NULL,              -- UTC, when detect first stored it
    updated_at    TEXT NOT NULL,              -- UTC, when its figures last changed
    withdrawn_at  TEXT,                       -- UTC, set when a later detection no longer finds it
    UNIQUE (detector, date, signal, level)
);
CREATE INDEX IF NOT EXISTS alerts_by_date ON alerts(date);
