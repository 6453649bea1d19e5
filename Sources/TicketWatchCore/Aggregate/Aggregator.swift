import Logging

/// Computes the daily figures in SQL, for the days whose tickets changed since the last run (`dirty_days`), so
/// the cost follows the new data and not the history.
public struct Aggregator {
    private let db: Database
    private let logger: Logger

    public init(warehouse: Warehouse, logger: Logger) {
        self.db = warehouse.db
        self.logger = logger
    }

    /// How many days wait to be (re)computed.
    public func pendingDays() throws -> Int {
        try db.scalar("SELECT count(*) FROM dirty_days")?.int ?? 0
    }

    /// Recomputes every pending day in one transaction; returns how many days were recomputed.
    @discardableResult
    public func run() throws -> Int {
        try db.writeTransaction {
            let days = try db.scalar("SELECT count(*) FROM dirty_days")?.int ?? 0
            guard days > 0 else { return 0 }
            try db.execute(Aggregator.recomputeDirtyDays)
            logger.info("aggregated", metadata: ["days": "\(days)"])
            return days
        }
    }

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
        SELECT t.day, g.tag, count(*)
        FROM tickets t JOIN tag_occurrences g ON g.ticket = t.id
        WHERE t.day IN (SELECT day FROM dirty_days) GROUP BY t.day, g.tag;

        DELETE FROM dirty_days;
        """
}
