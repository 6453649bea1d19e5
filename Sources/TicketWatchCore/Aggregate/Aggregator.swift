import Logging

/// Recounts in SQL the days whose stored tickets changed in place (`dirty_days`: a ticket re-exported with other
/// figures, `--rebuild`). New tickets need no recount: `ingest` adds them to the daily tables as it loads them
/// (`DailyTally`), which costs almost nothing where a GROUP BY over the history costs seconds a year.
public struct Aggregator {
    private let db: Database
    private let logger: Logger

    public init(warehouse: Warehouse, logger: Logger) {
        self.db = warehouse.db
        self.logger = logger
    }

    /// How many days wait to be (re)computed.
    public func pendingDays() throws -> Int {
        try db.scalar(Aggregator.pendingDaysCount)?.int ?? 0
    }

    /// Brings every pending day up to date in one transaction; returns how many days changed.
    @discardableResult
    public func run() throws -> Int {
        try db.writeTransaction {
            let days = try db.scalar(Aggregator.pendingDaysCount)?.int ?? 0
            guard days > 0 else { return 0 }
            try db.execute(Aggregator.recomputeDirtyDays)
            logger.info("aggregated", metadata: ["days": "\(days)"])
            return days
        }
    }

    /// Recounts every day from the stored tickets, ignoring what was added before: a check and a repair (the
    /// figures must come out the same as the incremental ones).
    @discardableResult
    public func rebuild() throws -> Int {
        try db.writeTransaction {
            try db.execute("""
                INSERT OR IGNORE INTO dirty_days(day) SELECT DISTINCT day FROM tickets;
                INSERT OR IGNORE INTO dirty_days(day) SELECT day FROM daily_totals;
                """)
            let days = try db.scalar(Aggregator.pendingDaysCount)?.int ?? 0
            try db.execute(Aggregator.recomputeDirtyDays)
            logger.info("rebuilt aggregates", metadata: ["days": "\(days)"])
            return days
        }
    }

    private static let pendingDaysCount = "SELECT count(*) FROM dirty_days"

    /// Deletes then re-inserts each dirty day's rows: a day whose tickets all went away loses its rows too.
    /// tickets_high is the notebook's: priority exactly 'high' (priority is stored lower-cased and trimmed).
    static let recomputeDirtyDays = """
        DELETE FROM daily_totals     WHERE day IN (SELECT day FROM dirty_days);
        DELETE FROM daily_priorities WHERE day IN (SELECT day FROM dirty_days);
        DELETE FROM daily_queues     WHERE day IN (SELECT day FROM dirty_days);
        DELETE FROM daily_tags       WHERE day IN (SELECT day FROM dirty_days);

        INSERT INTO daily_totals(day, tickets_total, tickets_high, high_rate)
        SELECT day, count(*), sum(priority IS 'high'), CAST(sum(priority IS 'high') AS REAL) / count(*)
        FROM tickets WHERE day IN (SELECT day FROM dirty_days) GROUP BY day;

        INSERT INTO daily_priorities(day, priority, tickets)
        SELECT day, coalesce(priority, ''), count(*)
        FROM tickets WHERE day IN (SELECT day FROM dirty_days) GROUP BY day, coalesce(priority, '');

        INSERT INTO daily_queues(day, queue, tickets)
        SELECT day, coalesce(queue, 'Unknown'), count(*)
        FROM tickets WHERE day IN (SELECT day FROM dirty_days) GROUP BY day, coalesce(queue, 'Unknown');

        INSERT INTO daily_tags(day, tag, tickets)
        SELECT t.day, j.value, count(*)
        FROM tickets t, json_each(t.tags) j
        WHERE t.day IN (SELECT day FROM dirty_days) GROUP BY t.day, j.value;

        DELETE FROM dirty_days;
        """
}
