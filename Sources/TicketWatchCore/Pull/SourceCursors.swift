/// The `source_cursors` table: each source's mark (written in the transaction of the page that moved it) and
/// its last pull's outcome (written when the pull ends, for `status`).
public struct SourceCursors {
    let db: Database

    public init(db: Database) {
        self.db = db
    }

    func mark(_ source: String) throws -> PullMark? {
        let rows = try db.query("SELECT cursor, reached FROM source_cursors WHERE source = ?", [.text(source)])
        guard let row = rows.first, let cursor = row[0].string else { return nil }
        return PullMark(cursor: cursor, reached: row[1].string)
    }

    /// Inside the page's transaction.
    func store(_ mark: PullMark, source: ConfiguredSource, now: String) throws {
        try db.run("""
            INSERT INTO source_cursors(source, kind, cursor, reached, cursor_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(source) DO UPDATE SET kind = excluded.kind, cursor = excluded.cursor,
                reached = excluded.reached, cursor_at = excluded.cursor_at
            """, [.text(source.name), .text(source.kind.rawValue), .text(mark.cursor), SQLValue(mark.reached),
                  .text(now)])
    }

    func finish(_ source: ConfiguredSource, outcome: SourcePullSummary, now: String) throws {
        try db.writeTransaction {
            try db.run("""
                INSERT INTO source_cursors(source, kind, last_pull_at, last_outcome, last_error, last_pages,
                                           last_tickets)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(source) DO UPDATE SET kind = excluded.kind, last_pull_at = excluded.last_pull_at,
                    last_outcome = excluded.last_outcome, last_error = excluded.last_error,
                    last_pages = excluded.last_pages, last_tickets = excluded.last_tickets
                """, [.text(source.name), .text(source.kind.rawValue), .text(now),
                      .text(outcome.succeeded ? "ok" : "failed"), SQLValue(outcome.problem), SQLValue(outcome.pages),
                      SQLValue(outcome.loaded + outcome.updated)])
        }
    }

    /// Every source pulled into this warehouse, for `status`.
    public static func rows(_ db: Database) throws -> [SourceStatus] {
        try db.query("""
            SELECT source, kind, reached, last_pull_at, last_outcome, last_error, last_pages, last_tickets
            FROM source_cursors ORDER BY source
            """).map {
            SourceStatus(name: $0[0].string ?? "", kind: $0[1].string ?? "", reached: $0[2].string,
                         lastPullAt: $0[3].string, outcome: $0[4].string, error: $0[5].string,
                         pages: $0[6].int ?? 0, tickets: $0[7].int ?? 0)
        }
    }
}

/// One source as `status` shows it.
public struct SourceStatus: Sendable {
    public let name: String
    public let kind: String
    /// The greatest update time stored (UTC): how far its pulls have got.
    public let reached: String?
    public let lastPullAt: String?
    public let outcome: String?
    public let error: String?
    public let pages: Int
    public let tickets: Int
}
