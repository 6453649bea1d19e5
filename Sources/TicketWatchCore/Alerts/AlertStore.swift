/// The `alerts` table: one row per detector, date, signal and level, ever.
///
/// Detection is re-run freely (every daily job, by hand), so storing must be idempotent: a row is rewritten only
/// when its figures change, and an alert a later run no longer finds is marked withdrawn rather than deleted,
/// because people may already have been notified of it.
public struct AlertStore {
    public let db: Database

    public init(db: Database) {
        self.db = db
    }

    /// Makes `alerts` the current set of `detector`'s alerts, in one write transaction.
    ///
    /// New alerts are inserted (first_seen_at = updated_at = `now`); stored ones are rewritten only when value,
    /// z, threshold, baseline, incident or details differ, or when they had been withdrawn (updated_at moves only
    /// when the figures changed); stored, live alerts of `detector` missing from `alerts` get withdrawn_at = `now`.
    /// Alerts whose `detector` differs from `detector` are stored under their own detector.
    @discardableResult
    public func replace(detector: String, with alerts: [Alert], now: String) throws
        -> (inserted: Int, updated: Int, unchanged: Int, withdrawn: Int)
    {
        try db.writeTransaction {
            let stored = try upsertEach(alerts, now: now)
            let current = Set(alerts.filter { $0.detector == detector }.map(\.id))

            var withdrawn = 0
            let live = try db.query("SELECT id FROM alerts WHERE detector = ? AND withdrawn_at IS NULL",
                                    [.text(detector)])
            let withdraw = try db.prepare("UPDATE alerts SET withdrawn_at = ? WHERE id = ?")
            for row in live {
                guard let id = row[0].string, !current.contains(id) else { continue }
                try withdraw.run([.text(now), .text(id)])
                withdrawn += 1
            }
            return (stored.inserted, stored.updated, stored.unchanged, withdrawn)
        }
    }

    /// Inserts or updates each alert; counts what the upsert did. The upsert's own WHERE clause makes an
    /// unchanged alert a no-op (first_seen_at and updated_at stay put), and counting from it keeps one definition.
    private func upsertEach(_ alerts: [Alert], now: String) throws -> (inserted: Int, updated: Int, unchanged: Int) {
        let lookup = try db.prepare("SELECT 1 FROM alerts WHERE detector = ? AND date = ? AND signal = ? AND level = ?")
        let upsert = try db.prepare(AlertStore.upsertSQL)
        var inserted = 0, updated = 0, unchanged = 0
        var changed: [Alert] = []
        for alert in alerts {
            try lookup.bind([.text(alert.detector), .text(alert.date), .text(alert.signal), .text(alert.level)])
            let existed = try lookup.step()
            lookup.reset()
            try upsert.run([
                .text(alert.id), .text(alert.detector), .text(alert.date), .text(alert.signal),
                .text(alert.level), .real(alert.value), .real(alert.z), .real(alert.threshold),
                alert.baselineMean.map { .real($0) } ?? .null, alert.baselineStd.map { .real($0) } ?? .null,
                SQLValue(alert.incident), SQLValue(alert.details), .text(now),
            ])
            if !existed { inserted += 1 } else if db.changes > 0 { updated += 1 } else { unchanged += 1 }
            if !existed || db.changes > 0 { changed.append(alert) }
        }
        // Evidence is read after every alert is in, so each can name the others of its day.
        let collector = EvidenceCollector(db: db)
        let store = try db.prepare("UPDATE alerts SET evidence = ? WHERE id = ?")
        for alert in changed {
            try store.run([.text(try collector.collect(alert).jsonText), .text(alert.id)])
        }
        // Silenced alerts are stored like any other, and marked here, in the same transaction, so nobody can
        // query (or notify) a new alert before its silence shows.
        try SilenceStore(db: db).coverWithinTransaction()
        return (inserted, updated, unchanged)
    }

    /// Stores `detector`'s alerts for the days `days` only, for a detector that judges each day once (the
    /// default detector): alerts are inserted or updated as by `replace`; live alerts of `detector` on those days
    /// that are not in `alerts` are withdrawn; every other day is left as it is. Runs in the caller's write
    /// transaction (`Database.writeTransaction`), so the alerts commit together with the detector's state.
    @discardableResult
    func upsertWithinTransaction(detector: String, days: [String], alerts: [Alert], now: String) throws
        -> (inserted: Int, updated: Int, unchanged: Int, withdrawn: Int)
    {
        let stored = try upsertEach(alerts, now: now)
        let current = Set(alerts.map(\.id))
        var withdrawn = 0
        let live = try db.prepare("SELECT id FROM alerts WHERE detector = ? AND date = ? AND withdrawn_at IS NULL")
        let withdraw = try db.prepare("UPDATE alerts SET withdrawn_at = ? WHERE id = ?")
        for day in days {
            try live.bind([.text(detector), .text(day)])
            var stale: [String] = []
            while try live.step() {
                if let id = live.value(at: 0).string, !current.contains(id) { stale.append(id) }
            }
            live.reset()
            for id in stale {
                try withdraw.run([.text(now), .text(id)])
                withdrawn += 1
            }
        }
        return (stored.inserted, stored.updated, stored.unchanged, withdrawn)
    }

    /// `upsertWithinTransaction` in a write transaction of its own.
    @discardableResult
    public func upsert(detector: String, days: [String], with alerts: [Alert], now: String) throws
        -> (inserted: Int, updated: Int, unchanged: Int, withdrawn: Int)
    {
        try db.writeTransaction { try upsertWithinTransaction(detector: detector, days: days, alerts: alerts, now: now) }
    }

    /// Inserts one alert, or rewrites the stored row only when its figures, incident or details changed (or it had
    /// been withdrawn): the WHERE clause makes an unchanged alert a no-op, so first_seen_at and updated_at stay put.
    static let upsertSQL = """
        INSERT INTO alerts (id, detector, date, signal, level, value, z, threshold, baseline_mean,
                            baseline_std, incident, details, first_seen_at, updated_at, withdrawn_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, NULL)
        ON CONFLICT (detector, date, signal, level) DO UPDATE SET
            updated_at = CASE
                WHEN alerts.value IS NOT excluded.value OR alerts.z IS NOT excluded.z
                  OR alerts.threshold IS NOT excluded.threshold
                  OR alerts.baseline_mean IS NOT excluded.baseline_mean
                  OR alerts.baseline_std IS NOT excluded.baseline_std
                THEN excluded.updated_at ELSE alerts.updated_at END,
            value = excluded.value, z = excluded.z, threshold = excluded.threshold,
            baseline_mean = excluded.baseline_mean, baseline_std = excluded.baseline_std,
            incident = excluded.incident, details = excluded.details, withdrawn_at = NULL
        WHERE alerts.value IS NOT excluded.value OR alerts.z IS NOT excluded.z
           OR alerts.threshold IS NOT excluded.threshold
           OR alerts.baseline_mean IS NOT excluded.baseline_mean
           OR alerts.baseline_std IS NOT excluded.baseline_std
           OR alerts.incident IS NOT excluded.incident OR alerts.details IS NOT excluded.details
           OR alerts.withdrawn_at IS NOT NULL
        """

    /// The ids of `detector`'s alerts dated `day` (YYYY-MM-DD) or later that are not withdrawn.
    func liveIDs(detector: String, from day: String) throws -> Set<String> {
        Set(try db.query("SELECT id FROM alerts WHERE detector = ? AND date >= ? AND withdrawn_at IS NULL",
                         [.text(detector), .text(day)]).compactMap { $0[0].string })
    }

    /// The ids among `ids` of alerts found late (their day judged again after late tickets).
    func lateIDs(among ids: [String]) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let late = Set(try db.query("SELECT id FROM alerts WHERE late = 1").compactMap { $0[0].string })
        return late.intersection(ids)
    }

    /// Stored alerts, ordered by date, signal, level (SQLite's byte order, the same as the detectors' output).
    /// `since` keeps dates on or after it (YYYY-MM-DD); withdrawn alerts are left out unless asked for.
    public func list(detector: String? = nil, since: String? = nil, signal: String? = nil,
                     includeWithdrawn: Bool = false) throws -> [Alert]
    {
        var conditions: [String] = []
        var bindings: [SQLValue] = []
        if let detector { conditions.append("detector = ?"); bindings.append(.text(detector)) }
        if let since { conditions.append("date >= ?"); bindings.append(.text(since)) }
        if let signal { conditions.append("signal = ?"); bindings.append(.text(signal)) }
        if !includeWithdrawn { conditions.append("withdrawn_at IS NULL") }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try db.query("""
            SELECT detector, date, signal, level, value, z, threshold, baseline_mean, baseline_std, incident, details
            FROM alerts \(filter) ORDER BY date, signal, level, detector
            """, bindings).map { row in
            Alert(detector: row[0].string ?? "", date: row[1].string ?? "", signal: row[2].string ?? "",
                  level: row[3].string ?? "", value: row[4].double ?? 0, z: row[5].double ?? 0,
                  threshold: row[6].double ?? 0, baselineMean: row[7].double, baselineStd: row[8].double,
                  incident: row[9].string, details: row[10].string)
        }
    }
}
