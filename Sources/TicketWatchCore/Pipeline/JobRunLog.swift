/// The `job_runs` audit trail: one row per `ticketwatch run`, opened when the run starts and closed when it ends.
/// A row still 'running' when the next run holds the job lock belonged to a run that was killed: it is marked
/// 'interrupted', so `status` can say so.
public struct JobRunLog {
    let db: Database

    public init(db: Database) {
        self.db = db
    }

    /// What a run did, as recorded.
    public struct Counts: Sendable, Equatable {
        public var filesLoaded = 0, filesSkipped = 0, ticketsLoaded = 0, rowsRejected = 0
        public var daysJudged = 0, alertsFound = 0, notificationsSent = 0, notificationsFailed = 0

        public init() {}
    }

    /// Call with the job lock held: any row still 'running' is from a process that died.
    public func start(at now: String) throws -> Int64 {
        try db.writeTransaction {
            try db.run("UPDATE job_runs SET outcome = 'interrupted', error = coalesce(error, 'the run ended without finishing (killed, or the machine stopped); the next run completed its work') WHERE outcome = 'running'")
            try db.run("INSERT INTO job_runs(started_at, outcome) VALUES (?, 'running')", [.text(now)])
            return db.lastInsertRowID
        }
    }

    public func finish(_ id: Int64, at now: String, counts: Counts, error: String?) throws {
        try db.writeTransaction {
            try db.run("""
                UPDATE job_runs SET ended_at = ?, outcome = ?, files_loaded = ?, files_skipped = ?, tickets_loaded = ?,
                    rows_rejected = ?, days_judged = ?, alerts_found = ?, notifications_sent = ?, notifications_failed = ?,
                    error = ?
                WHERE id = ?
                """, [.text(now), .text(error == nil ? "ok" : "failed"), SQLValue(counts.filesLoaded),
                      SQLValue(counts.filesSkipped), SQLValue(counts.ticketsLoaded), SQLValue(counts.rowsRejected),
                      SQLValue(counts.daysJudged), SQLValue(counts.alertsFound), SQLValue(counts.notificationsSent),
                      SQLValue(counts.notificationsFailed), SQLValue(error), .integer(id)])
        }
    }
}
