-- TicketWatch warehouse schema.
--
-- The one definition of the schema: the binary embeds this file and applies it to a new warehouse; older
-- warehouses are migrated forward step by step (Sources/TicketWatchCore/Warehouse/Migrations.swift), and
-- PRAGMA user_version records the version reached. Names marked PUBLIC are queried by people with plain SQL
-- (design.md): rename them only with a migration and a note in docs/warehouse.md.

-- Warehouse-wide settings fixed at creation (time zone) and facts about the warehouse.
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per file content ever loaded: a file loaded twice (under any name) is recognised by its hash.
CREATE TABLE IF NOT EXISTS ingest_files (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,            -- the path as given, '-' for standard input; 'pull:NAME' for a page
                                              -- `pull` fetched from the [[sources]] entry NAME (schema 4)
    content_sha256  TEXT NOT NULL UNIQUE,     -- of the file, or of the page's bytes as the helpdesk sent them
    format          TEXT NOT NULL,            -- 'csv' | 'jsonl' (JSON of any layout: lines, a page, an array)
    timeline        TEXT NOT NULL,            -- 'timestamps' | 'synthetic:SEED:DAYS' | 'batch:N'
    bytes           INTEGER NOT NULL,
    rows_loaded     INTEGER NOT NULL DEFAULT 0,
    rows_duplicate  INTEGER NOT NULL DEFAULT 0,
    rows_changed    INTEGER NOT NULL DEFAULT 0,  -- repeated ids whose content differs: rows_updated + rows_outdated
                                                 -- (loads by schema 1 kept the first version and counted them here)
    rows_rejected   INTEGER NOT NULL DEFAULT 0,
    loaded_at       TEXT NOT NULL,            -- UTC, ISO 8601
    -- Added by schema 2 (helpdesk exports and ticket updates):
    helpdesk        TEXT NOT NULL DEFAULT 'generic',  -- the tool that wrote it: 'generic' | 'zendesk' | 'freshdesk' | 'jira'
                                                      -- | 'servicenow' (schema 4)
    rows_updated    INTEGER NOT NULL DEFAULT 0,  -- repeated ids, newer content: the stored ticket was replaced
    rows_outdated   INTEGER NOT NULL DEFAULT 0   -- repeated ids, changed content older than the stored version (by
                                                 -- the helpdesk's update time): not applied
);

-- PUBLIC. One row per ticket id. created_at is UTC (ISO 8601, 'Z'); day is the calendar day in the
-- warehouse's time zone, the day every aggregate and alert uses.
CREATE TABLE IF NOT EXISTS tickets (
    id            INTEGER PRIMARY KEY,
    ticket_id     TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    day           TEXT NOT NULL,
    queue         TEXT,                       -- verbatim; NULL when the input had none ('Unknown' in aggregates)
    priority      TEXT,                       -- the vocabulary SQL compares against: urgent, high, medium, low from a
                                              -- helpdesk (priority_names says from what); other names lower-cased, trimmed
    priority_raw  TEXT,                       -- as the input wrote it ('4', 'Highest', 'normal')
    subject       TEXT,
    content_hash  INTEGER NOT NULL,           -- FNV-1a 64 of the ticket's fields: tells a changed re-export
    file_id       INTEGER NOT NULL REFERENCES ingest_files(id),  -- the file of the version stored
    line          INTEGER NOT NULL,           -- physical line where the record starts in that file
    -- Added by schema 2:
    updated_at    TEXT,                       -- the helpdesk's last update of the stored version (UTC, ISO 8601):
                                              -- a re-exported ticket replaces it only when newer; NULL when the export
                                              -- has none (then the later load wins)
    channel       TEXT,                       -- how it came in: Zendesk via.channel, Freshdesk source ('email', 'portal')
    ticket_type   TEXT,                       -- Zendesk / Freshdesk type, Jira Issue Type
    -- The ticket's tags in input order, trimmed, as a JSON array ('["Login","VPN"]'); NULL when it has none. A
    -- tag named twice is there twice (the notebook counts both). One column rather than a row per tag: a year
    -- names millions of tags, and a row each cost a load as much as all its tickets. Query through ticket_tags.
    tags          TEXT
);
CREATE INDEX IF NOT EXISTS tickets_by_day ON tickets(day);

-- PUBLIC. One row per tag occurrence, by ticket id: SELECT tag, count(*) FROM ticket_tags GROUP BY tag.
-- position is 0-based within the ticket's tag list; ticket is tickets.id.
CREATE VIEW IF NOT EXISTS ticket_tags AS
    SELECT t.ticket_id AS ticket_id, j.key AS position, j.value AS tag, t.id AS ticket
    FROM tickets AS t, json_each(t.tags) AS j;

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

-- PUBLIC. How each helpdesk's priority names become tickets.priority (schema 2). The built-in rows are the
-- vocabulary (urgent, high, medium, low); a name met in a load and not listed is added as 'seen', mapped to itself
-- lower-cased. SELECT * FROM priority_names WHERE helpdesk = 'freshdesk' shows what '4' means.
CREATE TABLE IF NOT EXISTS priority_names (
    helpdesk  TEXT NOT NULL,                  -- 'generic' | 'zendesk' | 'freshdesk' | 'jira' | 'servicenow'
    raw       TEXT NOT NULL,                  -- as the export writes it, trimmed (matched ignoring case)
    priority  TEXT NOT NULL,                  -- what tickets.priority stores
    origin    TEXT NOT NULL,                  -- 'built-in' | 'seen' | 'mapped' (--priority-map)
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
    ('jira', 'Major', 'medium', 'built-in'), ('jira', 'Minor', 'low', 'built-in'), ('jira', 'Trivial', 'low', 'built-in'),
    ('servicenow', '1 - Critical', 'urgent', 'built-in'), ('servicenow', '2 - High', 'high', 'built-in'),
    ('servicenow', '3 - Moderate', 'medium', 'built-in'), ('servicenow', '4 - Low', 'low', 'built-in'),
    ('servicenow', '5 - Planning', 'low', 'built-in');

-- Days to recount from the stored tickets at the next `aggregate`: an updated ticket marks its old and its new
-- day (new tickets are counted by ingest as they load); `aggregate --rebuild` marks every day.
CREATE TABLE IF NOT EXISTS dirty_days (
    day TEXT PRIMARY KEY
) WITHOUT ROWID;

-- PUBLIC. Daily aggregates. `ingest` adds each file's new tickets as it loads them; `aggregate` recomputes in SQL
-- the days whose stored tickets changed in place (dirty_days).
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
    silence_id    INTEGER REFERENCES silences(id),  -- the silence that covered it: stored, never notified
    late          INTEGER NOT NULL DEFAULT 0, -- 1: found when late tickets made a run judge its day again
    evidence      TEXT,                       -- JSON: observed vs expected, baseline, example tickets, what moved with it
    UNIQUE (detector, date, signal, level)
);
CREATE INDEX IF NOT EXISTS alerts_by_date ON alerts(date);

-- PUBLIC. Silences: alerts whose level or signal matches `matcher` and whose date is before `ends_on` are stored
-- (with alerts.silence_id set) but sent nowhere. Matchers: `global`, `queue:NAME`, `tag:NAME` (exact level),
-- `queue:PREFIX*` (prefix), `signal:NAME` (every level of a signal), `*` (everything).
CREATE TABLE IF NOT EXISTS silences (
    id          INTEGER PRIMARY KEY,
    matcher     TEXT NOT NULL,
    ends_on     TEXT NOT NULL,                -- YYYY-MM-DD: covers alerts dated before this day
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,                -- UTC
    created_by  TEXT,                         -- $USER of whoever added it, when known
    removed_at  TEXT                          -- UTC, `silence remove`: it covers no new alert from then on
);

-- PUBLIC. On-call judgement of an alert (`alerts mark`): the latest one per alert.
CREATE TABLE IF NOT EXISTS alert_feedback (
    alert_id   TEXT PRIMARY KEY REFERENCES alerts(id),
    verdict    TEXT NOT NULL CHECK (verdict IN ('useful', 'noise')),
    note       TEXT,
    marked_at  TEXT NOT NULL,                 -- UTC
    marked_by  TEXT
) WITHOUT ROWID;

-- PUBLIC. Every place `notify` sends alerts to. A destination is known by its name (given as NAME=URL), or else
-- by one derived from a salted hash of its URL, and never by the URL itself, which is a credential: a rotated URL
-- under the same name is the same destination and keeps its history.
CREATE TABLE IF NOT EXISTS destinations (
    name             TEXT PRIMARY KEY,        -- 'oncall', or 'slack-3f9a1c2b7d4e' for an unnamed URL
    kind             TEXT NOT NULL CHECK (kind IN ('slack', 'webhook')),
    url_fingerprint  TEXT NOT NULL,           -- HMAC-SHA256 of the URL keyed with this warehouse's salt, 16 hex
                                              -- digits: tells a rotated URL apart, cannot give the URL back
    first_seen_at    TEXT NOT NULL,           -- UTC, the run that first named it
    backfill_from    TEXT,                    -- YYYY-MM-DD: older alerts are recorded as skipped; NULL = all
    url_changed_at   TEXT,                    -- UTC, the last run that found a different URL under this name
    last_run_at      TEXT                     -- UTC, the last notify run that included it
) WITHOUT ROWID;

-- PUBLIC. The notifier's outbox: one row per alert and destination. An alert becomes 'delivered' only after the
-- destination answered 2xx, so a crash between posting and recording can repeat a message, never lose one.
CREATE TABLE IF NOT EXISTS deliveries (
    alert_id          TEXT NOT NULL REFERENCES alerts(id),
    destination       TEXT NOT NULL REFERENCES destinations(name),
    status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
                                              -- pending: the next run sends it; failed: refused for good (a
                                              -- 4xx other than 429, or a redirect), resent after a new URL or
                                              -- --retry-failed; skipped: dated before the destination's
                                              -- backfill_from (history it was not meant to get)
    attempts          INTEGER NOT NULL DEFAULT 0,  -- HTTP requests that carried this alert
    last_http_status  INTEGER,                -- the last answer's status; NULL when there was none (timeout, DNS)
    last_error        TEXT,                   -- why the last attempt failed, e.g. 'HTTP 410: channel_is_archived'
    created_at        TEXT NOT NULL,          -- UTC, when the row was queued
    last_attempt_at   TEXT,                   -- UTC
    delivered_at      TEXT,                   -- UTC, when the 2xx came
    PRIMARY KEY (alert_id, destination)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_by_destination ON deliveries(destination, status);

-- PUBLIC. Follow-up messages about alerts a destination already had: 'withdrawn' (late tickets showed it no longer
-- holds: one short correction) and 'recovered' (its incident is back within its band; alert_id is the incident's
-- first alert). At most one of each kind per alert and destination; statuses as in deliveries.
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

-- The default detector's memory: every day it has classified, so each run judges only days not judged before.
CREATE TABLE IF NOT EXISTS detector_days (
    detector   TEXT NOT NULL,
    day        TEXT NOT NULL,                 -- YYYY-MM-DD, in the warehouse's time zone
    status     TEXT NOT NULL,                 -- 'judged' | 'warmup' (too little history) | 'quiet' (no ticket,
                                              -- plausibly) | 'gap' (no ticket where traffic was expected: the
                                              -- feed was empty; no_data) | 'drop' (far fewer tickets than
                                              -- expected; volume_drop); gap and drop days are left out of baselines
    judged_at  TEXT NOT NULL,                 -- UTC, ISO 8601
    figures    TEXT,                          -- fingerprint of the day's aggregates when judged: a later run
                                              -- that finds them changed (late tickets) judges the day again
    PRIMARY KEY (detector, day)
) WITHOUT ROWID;

-- Every series the default detector found significant on a judged day, alerted or not (an ongoing incident is
-- re-alerted only when it grows), with its incident: what lets the next run continue an incident.
CREATE TABLE IF NOT EXISTS detector_findings (
    detector  TEXT NOT NULL,
    day       TEXT NOT NULL,
    signal    TEXT NOT NULL,
    level     TEXT NOT NULL,
    incident  TEXT NOT NULL,
    value     REAL NOT NULL,
    excess    REAL NOT NULL,                  -- tickets above the expected number
    p         REAL NOT NULL,                  -- the test's one-sided p-value
    alerted   INTEGER NOT NULL,               -- 1 when it became an alert
    PRIMARY KEY (detector, day, signal, level)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS detector_findings_by_incident ON detector_findings(detector, incident);

-- PUBLIC. What the default detector expected on each day it judged, for what the report draws: the day's total
-- (signal tickets_total) and high-priority share (high_rate) every judged day, and a queue's or tag's count
-- (queue_volume, tag_volume) on the judged days around each alert on it (the weeks before it and after). Kept small on
-- purpose, about a dozen rows a day, not one per series. lower and upper bound the central 99 % of the model
-- the test used: a value above upper is one the day's test called unusual. Days not judged (detector_days: gap,
-- warmup, quiet) have no row. Added by schema 3.
--   SELECT day, expected, lower, upper FROM detector_expectations
--   WHERE detector = 'default' AND signal = 'tickets_total' ORDER BY day;
CREATE TABLE IF NOT EXISTS detector_expectations (
    detector    TEXT NOT NULL,
    day         TEXT NOT NULL,                -- YYYY-MM-DD, a day detector_days has as 'judged'
    signal      TEXT NOT NULL,                -- the alert signal it is the expectation of
    level       TEXT NOT NULL,                -- 'global' | 'queue:NAME' | 'tag:NAME', as in alerts
    expected    REAL NOT NULL,                -- the expected value: a count, or a share (0..1) for *_rate signals;
                                              -- the same figure an alert of that day stores as baseline_mean
    lower       REAL NOT NULL,                -- the central 99 % band, in the same unit as expected
    upper       REAL NOT NULL,
    model       TEXT NOT NULL,                -- the distribution the band is read from: 'negative_binomial'
                                              -- (volume: seasonal baseline), 'quasi_binomial' (share of the day)
    definition  TEXT,                         -- what the series counts when the signal alone does not say:
                                              -- high_rate's priorities, comma-separated ('high,urgent'); else NULL
    PRIMARY KEY (detector, day, signal, level)
) WITHOUT ROWID;

-- PUBLIC. One row per `ticketwatch run`: the daily job's audit trail (`ticketwatch status` reads it).
CREATE TABLE IF NOT EXISTS job_runs (
    id                   INTEGER PRIMARY KEY,
    started_at           TEXT NOT NULL,       -- UTC
    ended_at             TEXT,                -- NULL while running, or when the run was killed
    outcome              TEXT NOT NULL,       -- 'running' | 'ok' | 'failed' | 'interrupted' (killed; found by the next run)
    files_loaded         INTEGER NOT NULL DEFAULT 0,
    files_skipped        INTEGER NOT NULL DEFAULT 0,  -- already loaded (same content), or still being written
    tickets_loaded       INTEGER NOT NULL DEFAULT 0,
    rows_rejected        INTEGER NOT NULL DEFAULT 0,
    days_judged          INTEGER NOT NULL DEFAULT 0,
    alerts_found         INTEGER NOT NULL DEFAULT 0,  -- new alert rows stored by this run
    notifications_sent   INTEGER NOT NULL DEFAULT 0,
    notifications_failed INTEGER NOT NULL DEFAULT 0,
    error                TEXT                 -- what went wrong, in words (never a webhook URL)
);

-- The inbox files `run` has already seen, by path, size, inode and time stamps: a file unchanged since it was
-- loaded is skipped without reading it again, so a morning's run does not re-hash a year of exports. The change
-- time (ctime) cannot be set by programs, so a rewrite that keeps size and mtime (cp -p, rsync -t) still shows.
CREATE TABLE IF NOT EXISTS inbox_seen (
    path            TEXT PRIMARY KEY,
    size            INTEGER NOT NULL,
    inode           INTEGER NOT NULL,
    modified_ns     INTEGER NOT NULL,
    changed_ns      INTEGER NOT NULL,
    content_sha256  TEXT NOT NULL            -- as in ingest_files
) WITHOUT ROWID;

-- PUBLIC. One row per [[sources]] entry `pull` has fetched from (schema 4). The cursor is written in the same
-- transaction as the tickets of the page that moved it, so a pull killed at any point resumes at the first page
-- not committed: no page lost, none counted twice. The last_* columns describe the last pull, for `status`.
--   SELECT source, reached, last_outcome FROM source_cursors;
CREATE TABLE IF NOT EXISTS source_cursors (
    source        TEXT PRIMARY KEY,           -- the [[sources]] name; its pages are ingest_files.source 'pull:NAME'
    kind          TEXT NOT NULL,              -- 'zendesk' | 'freshdesk' | 'jira' | 'servicenow'
    cursor        TEXT,                       -- where the next pull starts: Zendesk's after_cursor, else the
                                              -- greatest update time stored (UTC, ISO 8601); NULL before any page
    reached       TEXT,                       -- the greatest update time stored from it (UTC, ISO 8601)
    cursor_at     TEXT,                       -- UTC, when the cursor last moved
    last_pull_at  TEXT,                       -- UTC, when the last pull ended
    last_outcome  TEXT,                       -- 'ok' (got to the present) | 'failed' (see last_error)
    last_error    TEXT,                       -- why the last pull stopped short (never a credential)
    last_pages    INTEGER NOT NULL DEFAULT 0, -- pages the last pull loaded
    last_tickets  INTEGER NOT NULL DEFAULT 0  -- tickets the last pull stored new or updated
) WITHOUT ROWID;
