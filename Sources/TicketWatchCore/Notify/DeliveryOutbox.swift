import Crypto
import Foundation

/// The notifier's bookkeeping in the warehouse: `destinations` (who gets alerts, known by name, never by URL) and
/// `deliveries`, the outbox with one row per alert and destination.
///
/// Rows are queued as `pending` (committed) before anything is posted, and become `delivered` only after a 2xx,
/// in their own transaction: a crash between the two can repeat one message, never lose one.
struct DeliveryOutbox {
    let db: Database

    /// What registering a destination for this run found and did.
    struct Registration: Equatable {
        var name: String
        var isNew = false
        var urlChanged = false
        /// Alerts dated before this are skipped (nil: all history).
        var backfillFrom: String?
        /// Rows this run added as pending and as skipped, and failed/skipped rows put back to pending.
        var queued = 0
        var skipped = 0
        var requeued = 0
    }

    enum Outcome {
        case delivered(status: Int)
        case refused(status: Int?, error: String)
        case stillPending(status: Int?, error: String)
    }

    // MARK: - Destinations

    /// This warehouse's random key for URL fingerprints (in `settings`), made on first use. Keyed, so a
    /// fingerprint cannot be matched against a list of guessed URLs without the warehouse itself.
    func salt() throws -> [UInt8] {
        if let stored = try db.scalar("SELECT value FROM settings WHERE key = 'destination_salt'")?.string {
            return Array(stored.utf8)
        }
        var generator = SystemRandomNumberGenerator()
        let fresh = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try db.run("INSERT OR IGNORE INTO settings(key, value) VALUES ('destination_salt', ?)", [.text(fresh)])
        return Array((try db.scalar("SELECT value FROM settings WHERE key = 'destination_salt'")?.string ?? fresh).utf8)
    }

    /// 16 hex digits of HMAC-SHA256(salt, URL): tells a changed URL apart without storing anything that gives it back.
    static func fingerprint(_ url: EndpointURL, salt: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(url.secretText.utf8), using: SymmetricKey(data: salt))
        return mac.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The configured name, or `KIND-` and 12 hex digits of the fingerprint for an unnamed URL.
    static func name(of destination: Destination, fingerprint: String) -> String {
        destination.configuredName ?? "\(destination.kind.rawValue)-\(fingerprint.prefix(12))"
    }

    /// Registers `destination` (inside the caller's write transaction) and queues the alerts it has not had.
    ///
    /// A new destination gets `backfill` worth of history; an older one keeps its own, unless `widenBackfill`
    /// reaches further back (its skipped rows in the new window go back to pending). A changed URL under a known
    /// name, or `retryFailed`, puts its failed rows back to pending: the usual fix for a 404/410 is a new URL.
    func register(_ destination: Destination, salt: [UInt8], backfill: Backfill, widenBackfill: Bool,
                  retryFailed: Bool, detector: String?, recoveryQuietDays: Int? = nil, now: String) throws -> Registration {
        let fingerprint = DeliveryOutbox.fingerprint(destination.url, salt: salt)
        let name = DeliveryOutbox.name(of: destination, fingerprint: fingerprint)
        var registration = Registration(name: name)

        let known = try db.query("SELECT kind, url_fingerprint, backfill_from FROM destinations WHERE name = ?", [.text(name)]).first
        if let known {
            let kind = known[0].string ?? ""
            guard kind == destination.kind.rawValue else {
                throw DestinationProblem(kind: destination.kind, name: name, origin: destination.origin,
                                         reason: "this warehouse knows '\(name)' as a \(kind) destination; give the \(destination.kind.rawValue) one another name")
            }
            registration.backfillFrom = known[2].string
            if known[1].string != fingerprint {
                registration.urlChanged = true
                try db.run("UPDATE destinations SET url_fingerprint = ?, url_changed_at = ? WHERE name = ?",
                           [.text(fingerprint), .text(now), .text(name)])
            }
            if widenBackfill {
                let cutoff = try backfillCutoff(backfill)
                if let current = registration.backfillFrom, cutoff.map({ $0 < current }) ?? true {
                    registration.backfillFrom = cutoff
                    try db.run("UPDATE destinations SET backfill_from = ? WHERE name = ?", [SQLValue(cutoff), .text(name)])
                    try db.run("""
                        UPDATE deliveries SET status = 'pending' WHERE destination = ?1 AND status = 'skipped'
                          AND alert_id IN (SELECT id FROM alerts WHERE ?2 IS NULL OR date >= ?2)
                        """, [.text(name), SQLValue(cutoff)])
                    registration.requeued += db.changes
                }
            }
            if registration.urlChanged || retryFailed {
                try db.run("UPDATE deliveries SET status = 'pending' WHERE destination = ? AND status = 'failed'", [.text(name)])
                registration.requeued += db.changes
            }
            try db.run("UPDATE destinations SET last_run_at = ? WHERE name = ?", [.text(now), .text(name)])
        } else {
            registration.isNew = true
            registration.backfillFrom = try backfillCutoff(backfill)
            try db.run("""
                INSERT INTO destinations (name, kind, url_fingerprint, first_seen_at, backfill_from, last_run_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?4)
                """, [.text(name), .text(destination.kind.rawValue), .text(fingerprint), .text(now),
                      SQLValue(registration.backfillFrom)])
        }

        // Queue every live alert this destination has no row for: pending, or skipped when older than its backfill.
        // Silenced alerts get no row: they are never sent, and stay out of the counts of what is left to send.
        for status in ["pending", "skipped"] {
            try db.run("""
                INSERT INTO deliveries (alert_id, destination, status, created_at)
                SELECT a.id, ?1, ?2, ?3 FROM alerts a
                WHERE a.withdrawn_at IS NULL AND a.silence_id IS NULL AND (?4 IS NULL OR a.detector = ?4)
                  AND ((?2 = 'skipped') = (?5 IS NOT NULL AND a.date < ?5))
                  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id AND d.destination = ?1)
                """, [.text(name), .text(status), .text(now), SQLValue(detector), SQLValue(registration.backfillFrom)])
            if status == "pending" { registration.queued = db.changes } else { registration.skipped = db.changes }
        }
        // A correction not sent yet for an alert that holds again (a later run found it after all) is moot.
        try db.run("""
            DELETE FROM notices WHERE destination = ? AND kind = 'withdrawn' AND status = 'pending'
              AND alert_id IN (SELECT id FROM alerts WHERE withdrawn_at IS NULL)
            """, [.text(name)])
        // An alert that was corrected here and holds again: the destination's last word on it is "withdrawn", so
        // it is sent again. The delivery goes back to pending and keeps its delivered_at, which marks the new post
        // as a re-send (`reconfirmed`); the correction goes, so that a second withdrawal gets one of its own.
        try db.run("""
            UPDATE deliveries SET status = 'pending' WHERE destination = ?1 AND status = 'delivered'
              AND alert_id IN (SELECT n.alert_id FROM notices n JOIN alerts a ON a.id = n.alert_id
                               WHERE n.destination = ?1 AND n.kind = 'withdrawn' AND n.status = 'delivered'
                                 AND a.withdrawn_at IS NULL AND a.silence_id IS NULL
                                 AND (?2 IS NULL OR a.detector = ?2))
            """, [.text(name), SQLValue(detector)])
        registration.requeued += db.changes
        try db.run("""
            DELETE FROM notices WHERE destination = ?1 AND kind = 'withdrawn' AND status = 'delivered'
              AND alert_id IN (SELECT alert_id FROM deliveries WHERE destination = ?1 AND status = 'pending')
            """, [.text(name)])
        // One correction for each alert this destination had that has since been withdrawn (late tickets).
        try db.run("""
            INSERT INTO notices (alert_id, destination, kind, status, created_at)
            SELECT d.alert_id, d.destination, 'withdrawn', 'pending', ?2 FROM deliveries d JOIN alerts a ON a.id = d.alert_id
            WHERE d.destination = ?1 AND d.status = 'delivered' AND a.withdrawn_at IS NOT NULL
              AND (?3 IS NULL OR a.detector = ?3)
              AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.alert_id = d.alert_id AND n.destination = ?1 AND n.kind = 'withdrawn')
            """, [.text(name), .text(now), SQLValue(detector)])
        if let quiet = recoveryQuietDays, detector == nil || detector == DefaultDetector.name {
            try queueRecoveries(destination: name, quietDays: quiet, now: now)
        }
        return registration
    }

    /// How many judged days an incident's last finding must lie behind the newest judged day before "recovered"
    /// is said, so that it is never contradicted by the same incident going on.
    ///
    /// A finding continues an incident when it comes at most `incidentGapDays` + 1 days after its last one, and
    /// findings can still appear on two kinds of day: days not judged yet, and the newest `lateDays` judged days,
    /// which late tickets get judged again. Waiting `incidentGapDays` + 1 days covers the first kind only; the
    /// continuation window must also lie wholly before the late window, hence the sum. (The larger of the two is
    /// not enough: with the defaults, a late finding on the day after the last one would still continue it.)
    static func recoveryQuietDays(incidentGapDays gap: Int, lateDays: Int) -> Int {
        gap + 1 + max(lateDays, 0)
    }

    /// Judged days after an incident could first be called recovered during which it still is: a destination
    /// that missed a run still hears about it, but one added with a long backfill does not get a recovery for
    /// every incident in history.
    static let recoveryWindowDays = 3

    /// Queues one 'recovered' notice per incident of the default detector that this destination was told about
    /// (an alert of it delivered) and that is over: its last finding at least `quietDays` judged days old
    /// (`recoveryQuietDays`), and no older than `recoveryWindowDays` more.
    func queueRecoveries(destination: String, quietDays: Int, now: String) throws {
        guard let newest = try db.scalar("SELECT max(day) FROM detector_days WHERE detector = ?",
                                         [.text(DefaultDetector.name)])?.string.flatMap(CivilDate.init) else { return }
        let endedBy = newest.adding(days: -quietDays).description
        let endedAfter = newest.adding(days: -quietDays - Self.recoveryWindowDays).description
        try db.run("""
            INSERT INTO notices (alert_id, destination, kind, status, created_at)
            SELECT (SELECT a.id FROM alerts a JOIN deliveries d ON d.alert_id = a.id
                    WHERE a.detector = ?1 AND a.incident = ended.incident AND d.destination = ?2 AND d.status = 'delivered'
                    ORDER BY a.date, a.signal, a.level LIMIT 1), ?2, 'recovered', 'pending', ?3
            FROM (SELECT incident FROM detector_findings WHERE detector = ?1 GROUP BY incident
                  HAVING max(day) <= ?4 AND max(day) > ?5) AS ended
            WHERE EXISTS (SELECT 1 FROM alerts a JOIN deliveries d ON d.alert_id = a.id
                          WHERE a.detector = ?1 AND a.incident = ended.incident AND d.destination = ?2
                            AND d.status = 'delivered' AND a.withdrawn_at IS NULL)
              AND NOT EXISTS (SELECT 1 FROM notices n JOIN alerts a ON a.id = n.alert_id
                              WHERE n.destination = ?2 AND n.kind = 'recovered' AND a.incident = ended.incident)
            """, [.text(DefaultDetector.name), .text(destination), .text(now), .text(endedBy), .text(endedAfter)])
    }

    /// The destination's pending follow-ups that still hold (a withdrawn alert not reinstated meanwhile).
    func pendingNotices(destination: String, detector: String?) throws -> [(kind: NoticeKind, alert: Alert)] {
        try db.query("""
            SELECT n.kind, a.detector, a.date, a.signal, a.level, a.value, a.z, a.threshold, a.baseline_mean,
                   a.baseline_std, a.incident, a.details
            FROM notices n JOIN alerts a ON a.id = n.alert_id
            WHERE n.destination = ?1 AND n.status = 'pending' AND (?2 IS NULL OR a.detector = ?2)
              AND (n.kind <> 'withdrawn' OR a.withdrawn_at IS NOT NULL)
            ORDER BY n.kind, a.date, a.signal, a.level
            """, [.text(destination), SQLValue(detector)]).compactMap { row in
            guard let kind = row[0].string.flatMap(NoticeKind.init) else { return nil }
            return (kind, Alert(detector: row[1].string ?? "", date: row[2].string ?? "", signal: row[3].string ?? "",
                                level: row[4].string ?? "", value: row[5].double ?? 0, z: row[6].double ?? 0,
                                threshold: row[7].double ?? 0, baselineMean: row[8].double, baselineStd: row[9].double,
                                incident: row[10].string, details: row[11].string))
        }
    }

    /// The first day of the newest `backfill` judged days (days with daily figures or alerts, up to the newest
    /// day a detector has judged — not today's partial day, whose alerts come tomorrow); nil for all of them.
    /// Zero days starts after the newest judged day: only alerts of later days are sent.
    func backfillCutoff(_ backfill: Backfill) throws -> String? {
        guard case .days(let days) = backfill else { return nil }
        let judged = """
            SELECT day FROM daily_totals
            WHERE day <= coalesce((SELECT max(day) FROM detector_days), (SELECT max(day) FROM daily_totals))
            UNION SELECT date FROM alerts
            """
        if days == 0 {
            guard let newest = try db.scalar("SELECT max(day) FROM (\(judged))")?.string, let date = CivilDate(newest) else {
                return nil
            }
            return date.adding(days: 1).description
        }
        return try db.scalar("SELECT day FROM (\(judged)) ORDER BY day DESC LIMIT 1 OFFSET ?", [SQLValue(days - 1)])?.string
    }

    // MARK: - Deliveries

    /// The destination's pending alerts that are still live, in date, signal, level order.
    func pendingAlerts(destination: String, detector: String?) throws -> [Alert] {
        try db.query("""
            SELECT a.detector, a.date, a.signal, a.level, a.value, a.z, a.threshold, a.baseline_mean, a.baseline_std,
                   a.incident, a.details
            FROM deliveries d JOIN alerts a ON a.id = d.alert_id
            WHERE d.destination = ?1 AND d.status = 'pending' AND a.withdrawn_at IS NULL AND a.silence_id IS NULL
              AND (?2 IS NULL OR a.detector = ?2)
            ORDER BY a.date, a.signal, a.level, a.detector
            """, [.text(destination), SQLValue(detector)]).map { row in
            Alert(detector: row[0].string ?? "", date: row[1].string ?? "", signal: row[2].string ?? "",
                  level: row[3].string ?? "", value: row[4].double ?? 0, z: row[5].double ?? 0,
                  threshold: row[6].double ?? 0, baselineMean: row[7].double, baselineStd: row[8].double,
                  incident: row[9].string, details: row[10].string)
        }
    }

    /// The destination's pending alerts that it was sent before (then told they were withdrawn), with the time of
    /// that earlier delivery: the receiver is told this post re-confirms them, and the time keeps its message id
    /// apart from the first post's (a receiver de-duplicating on webhook-id would drop it) yet stable on retries.
    func reconfirmed(destination: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try db.query("""
            SELECT alert_id, delivered_at FROM deliveries
            WHERE destination = ? AND status = 'pending' AND delivered_at IS NOT NULL
            """, [.text(destination)]) {
            if let id = row[0].string, let at = row[1].string { result[id] = at }
        }
        return result
    }

    /// For each incident among `incidents`: the live alerts of it that the destination already had, as (id, date),
    /// leaving out `excluding` (the alerts being sent now). Late tickets can make a day already alerted part of an
    /// incident that began on the late day, under that day's incident id; the late alerts name what was sent
    /// before, so the receiver can tell the days are one incident.
    func delivered(incidents: Set<String>, destination: String, excluding: Set<String>) throws
        -> [String: [(id: String, date: String)]]
    {
        guard !incidents.isEmpty else { return [:] }
        var result: [String: [(id: String, date: String)]] = [:]
        let rows = try db.prepare("""
            SELECT a.id, a.date FROM alerts a JOIN deliveries d ON d.alert_id = a.id
            WHERE a.incident = ? AND d.destination = ? AND d.status = 'delivered' AND a.withdrawn_at IS NULL
            ORDER BY a.date, a.signal, a.level
            """)
        for incident in incidents.sorted() {
            try rows.bind([.text(incident), .text(destination)])
            while try rows.step() {
                guard let id = rows.value(at: 0).string, let date = rows.value(at: 1).string,
                      !excluding.contains(id) else { continue }
                result[incident, default: []].append((id, date))
            }
            rows.reset()
        }
        return result
    }

    /// Live alerts the destination has not had: pending (will be retried) and failed (refused for good), with
    /// the last error recorded for a failed one.
    func outstanding(destination: String, detector: String?) throws -> (pending: Int, failed: Int, lastFailure: String?) {
        let row = try db.query("""
            SELECT count(*) FILTER (WHERE d.status = 'pending')
                     + (SELECT count(*) FROM notices n JOIN alerts a2 ON a2.id = n.alert_id
                        WHERE n.destination = ?1 AND n.status = 'pending' AND (?2 IS NULL OR a2.detector = ?2)),
                   count(*) FILTER (WHERE d.status = 'failed'),
                   (SELECT d2.last_error FROM deliveries d2 WHERE d2.destination = ?1 AND d2.status = 'failed'
                    ORDER BY d2.last_attempt_at DESC LIMIT 1)
            FROM deliveries d JOIN alerts a ON a.id = d.alert_id
            WHERE d.destination = ?1 AND a.withdrawn_at IS NULL AND a.silence_id IS NULL
              AND (?2 IS NULL OR a.detector = ?2)
            """, [.text(destination), SQLValue(detector)]).first
        return (row?[0].int ?? 0, row?[1].int ?? 0, row?[2].string)
    }

    /// Records one HTTP attempt that carried `alertIDs`, in its own transaction: attempts + 1, the answer, and the
    /// new status (delivered after a 2xx, failed after a permanent refusal, else still pending).
    func record(_ outcome: Outcome, alertIDs: [String], destination: String, now: String, notice: NoticeKind? = nil) throws {
        let status: String?, httpStatus: Int?, error: String?
        switch outcome {
        case .delivered(let code): (status, httpStatus, error) = ("delivered", code, nil)
        case let .refused(code, message): (status, httpStatus, error) = ("failed", code, message)
        case let .stillPending(code, message): (status, httpStatus, error) = (nil, code, message)
        }
        try db.writeTransaction {
            let update = try db.prepare("""
                UPDATE \(notice == nil ? "deliveries" : "notices") SET status = coalesce(?1, status), attempts = attempts + 1,
                       last_http_status = ?2, last_error = ?3, last_attempt_at = ?4,
                       delivered_at = CASE WHEN ?1 = 'delivered' THEN ?4 ELSE delivered_at END
                WHERE destination = ?5 AND alert_id = ?6 \(notice == nil ? "" : "AND kind = ?7")
                """)
            for id in alertIDs {
                var bindings: [SQLValue] = [SQLValue(status), httpStatus.map { SQLValue($0) } ?? .null, SQLValue(error),
                                            .text(now), .text(destination), .text(id)]
                if let notice { bindings.append(.text(notice.rawValue)) }
                try update.run(bindings)
            }
        }
    }
}
