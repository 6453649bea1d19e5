/// One row of `silences`.
public struct Silence: Sendable, Equatable {
    public let id: Int64
    public let matcher: String
    /// YYYY-MM-DD: alerts dated before this day are covered.
    public let endsOn: String
    public let reason: String
    public let createdAt: String
    public let createdBy: String?
    public let removedAt: String?
    /// Stored alerts it covered.
    public let covered: Int

    public enum State: String, Sendable { case active, expired, removed }

    /// Expired once `today` reaches `endsOn`: from then on only alerts of earlier days could match, and those days
    /// have been judged already.
    public func state(today: String) -> State {
        if removedAt != nil { return .removed }
        return today.utf8.lexicographicallyPrecedes(endsOn.utf8) ? .active : .expired
    }
}

/// The `silences` table and the marking of alerts it covers.
///
/// A silence is decided by the alert's date, not by the clock of the run that finds it: a day judged late (its
/// tickets came after the silence ended) is still covered when its date is, and replaying history with
/// `run --today` silences exactly what a daily run would have. A covered alert keeps its mark for good, even
/// after the silence is removed, so nobody gets a flood of stale alerts when a silence ends; removal only stops
/// the silence covering alerts stored from then on.
public struct SilenceStore {
    public let db: Database

    public init(db: Database) {
        self.db = db
    }

    /// Adds a silence and marks the stored alerts it covers at once (those no destination has had yet).
    public func add(_ matcher: SilenceMatcher, endsOn: CivilDate, reason: String, by user: String?, now: String) throws -> Silence {
        try db.writeTransaction {
            try db.run("INSERT INTO silences (matcher, ends_on, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                       [.text(matcher.description), .text(endsOn.description), .text(reason), .text(now), SQLValue(user)])
            let id = db.lastInsertRowID
            try coverWithinTransaction()
            return try find(id)!
        }
    }

    /// Every silence, newest first; removed ones only when asked for.
    public func list(includeRemoved: Bool = false) throws -> [Silence] {
        try db.query("""
            SELECT s.id, s.matcher, s.ends_on, s.reason, s.created_at, s.created_by, s.removed_at,
                   (SELECT count(*) FROM alerts a WHERE a.silence_id = s.id)
            FROM silences s \(includeRemoved ? "" : "WHERE s.removed_at IS NULL") ORDER BY s.id DESC
            """).map(Self.silence)
    }

    public func find(_ id: Int64) throws -> Silence? {
        try db.query("""
            SELECT s.id, s.matcher, s.ends_on, s.reason, s.created_at, s.created_by, s.removed_at,
                   (SELECT count(*) FROM alerts a WHERE a.silence_id = s.id)
            FROM silences s WHERE s.id = ?
            """, [.integer(id)]).first.map(Self.silence)
    }

    /// Removes (ends) a silence given as the text the user typed; the row stays, with `removed_at`.
    public func remove(_ text: String, now: String) throws -> Silence {
        guard let id = Int64(text.hasPrefix("#") ? String(text.dropFirst()) : text), let silence = try find(id) else {
            throw LifecycleError.unknownSilence(text)
        }
        guard silence.removedAt == nil else { throw LifecycleError.silenceAlreadyRemoved(id) }
        try db.run("UPDATE silences SET removed_at = ? WHERE id = ?", [.text(now), .integer(id)])
        return try find(id)!
    }

    /// Marks every live alert that no destination has had yet and that a silence in force covers (the oldest such
    /// silence wins). Runs in the caller's write transaction: after detection stores alerts, and before the
    /// notifier queues them. Returns how many alerts it marked.
    @discardableResult
    func coverWithinTransaction() throws -> Int {
        let silences = try db.query("SELECT id, matcher, ends_on FROM silences WHERE removed_at IS NULL ORDER BY id")
            .compactMap { row -> (id: Int64, matcher: SilenceMatcher, endsOn: String)? in
                guard let id = row[0].int.map(Int64.init), let text = row[1].string, let endsOn = row[2].string,
                      let matcher = try? SilenceMatcher(text) else { return nil }
                return (id, matcher, endsOn)
            }
        guard let latestEnd = silences.map(\.endsOn).max() else { return 0 }
        let candidates = try db.query("""
            SELECT a.id, a.date, a.signal, a.level FROM alerts a
            WHERE a.silence_id IS NULL AND a.withdrawn_at IS NULL AND a.date < ?
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id AND d.status = 'delivered')
            """, [.text(latestEnd)])
        let mark = try db.prepare("UPDATE alerts SET silence_id = ? WHERE id = ?")
        var marked = 0
        for row in candidates {
            guard let id = row[0].string, let date = row[1].string, let signal = row[2].string,
                  let level = row[3].string else { continue }
            let covering = silences.first { silence in
                date.utf8.lexicographicallyPrecedes(silence.endsOn.utf8) && silence.matcher.covers(signal: signal, level: level)
            }
            if let covering {
                try mark.run([.integer(covering.id), .text(id)])
                marked += 1
            }
        }
        return marked
    }

    private static func silence(_ row: Row) -> Silence {
        Silence(id: Int64(row[0].int ?? 0), matcher: row[1].string ?? "", endsOn: row[2].string ?? "",
                reason: row[3].string ?? "", createdAt: row[4].string ?? "", createdBy: row[5].string,
                removedAt: row[6].string, covered: row[7].int ?? 0)
    }
}
