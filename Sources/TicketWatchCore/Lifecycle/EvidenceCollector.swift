import Foundation

/// Reads an alert's evidence from the warehouse: its day's tickets (`tickets`, `ticket_tags`), the detector's
/// findings of that day, and the daily figures its baseline came from.
struct EvidenceCollector {
    let db: Database

    func collect(_ alert: Alert) throws -> Evidence {
        let details = Self.details(alert.details)
        let (days, window) = try baseline(alert, details: details)
        let (filter, bindings) = ticketFilter(alert, details: details)
        // One pass over the alert's tickets of that day gives the count, the examples and what they share: three
        // queries, each reading the day's tickets again, were half of a year's detect.
        let rows = try db.query("""
            SELECT t.ticket_id, t.subject, coalesce(t.queue, 'Unknown') FROM tickets t WHERE t.day = ? AND \(filter)
            ORDER BY t.created_at, t.ticket_id
            """, [.text(alert.date)] + bindings)
        let tickets = rows.count
        let examples = rows.prefix(Evidence.maxExamples).map { row in
            Evidence.Example(ticketID: row[0].string ?? "",
                             subject: row[1].string.flatMap { $0.isEmpty ? nil : Evidence.shortened(subject: $0) })
        }
        var commonKind: String?
        var names: [String] = []
        if alert.level.hasPrefix("tag:") {
            commonKind = "queue"
            names = rows.compactMap { $0[2].string }
        } else if alert.level.hasPrefix("queue:") || alert.signal == "high_rate" {
            commonKind = "tag"
            // Every occurrence counts, as in daily_tags; SQLite's json_each reads the tags (Foundation's JSON
            // parser, one ticket at a time, was a twentieth of a year's detect).
            names = try db.query("""
                SELECT j.value FROM tickets t, json_each(t.tags) j WHERE t.day = ? AND \(filter)
                """, [.text(alert.date)] + bindings).compactMap { $0[0].string }
        }
        let common = Self.mostCommon(names)
        return Evidence(observed: alert.value, expected: alert.baselineMean, baselineDays: days, baselineWindow: window,
                        tickets: tickets, examples: examples, movedWith: try movers(alert),
                        commonKind: commonKind, common: common)
    }

    /// The most frequent names, most first, ties in SQLite's text order (byte order).
    static func mostCommon(_ names: [String]) -> [Evidence.Share] {
        var counts: [String: Int] = [:]
        for name in names { counts[name, default: 0] += 1 }
        return counts
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .prefix(Evidence.maxShares)
            .map { Evidence.Share(name: $0.key, tickets: $0.value) }
    }

    /// The SQL condition (on `tickets t`) for the tickets an alert is about: its queue's, its tag's, the
    /// high-priority ones for high_rate (the set its detector counted), all of the day's otherwise.
    func ticketFilter(_ alert: Alert, details: [String: Any]) -> (String, [SQLValue]) {
        if alert.level.hasPrefix("queue:") {
            return ("coalesce(t.queue, 'Unknown') = ?", [.text(String(alert.level.dropFirst("queue:".count)))])
        }
        if alert.level.hasPrefix("tag:") {
            // instr() first: a plain substring test on the JSON text that rules out most of the day's tickets
            // before json_each parses any (parsing every ticket's tags, three queries per alert, was most of a
            // year's detect). Only a necessary condition, so only for a name that no JSON encoder escapes.
            let tag = String(alert.level.dropFirst("tag:".count))
            let plain = !tag.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
            return ("instr(t.tags, ?) > 0 AND EXISTS (SELECT 1 FROM ticket_tags tt WHERE tt.ticket = t.id AND tt.tag = ?)",
                    [.text(plain ? tag : ""), .text(tag)])
        }
        if alert.signal == "high_rate" {
            let set = (details["high_set"] as? [String]) ?? ["high"]
            return ("t.priority IN (\(set.map { _ in "?" }.joined(separator: ", ")))", set.map { .text($0) })
        }
        return ("1", [])
    }

    /// The default detector records its window (`baseline_window`, and `baseline_days` for total volume); the
    /// notebook's rolling z uses the 14 days with tickets up to and including the alert's day.
    func baseline(_ alert: Alert, details: [String: Any]) throws -> (Int?, String?) {
        if let window = details["baseline_window"] as? String {
            let ends = window.components(separatedBy: "..")
            var days = (details["baseline_days"] as? NSNumber)?.intValue
            if days == nil, ends.count == 2, let a = CivilDate(ends[0]), let b = CivilDate(ends[1]) {
                days = try db.scalar("SELECT count(*) FROM daily_totals WHERE day BETWEEN ? AND ? AND tickets_total > 0",
                                     [.text(a.description), .text(b.description)])?.int
            }
            return (days, window)
        }
        guard alert.detector == SeedDetector.name else { return (nil, nil) }
        let rows = try db.query("""
            SELECT day FROM daily_totals WHERE day <= ? AND tickets_total > 0 ORDER BY day DESC LIMIT 14
            """, [.text(alert.date)]).compactMap { $0[0].string }
        guard let first = rows.last, let last = rows.first else { return (nil, nil) }
        return (rows.count, "\(first)..\(last)")
    }

    /// What moved with it: the other findings of its incident that day (default detector), else the detector's
    /// other alerts of that day.
    func movers(_ alert: Alert) throws -> [Evidence.Mover] {
        if let incident = alert.incident {
            let rows = try db.query("""
                SELECT signal, level, value, excess FROM detector_findings
                WHERE detector = ? AND day = ? AND incident = ? AND NOT (signal = ? AND level = ?)
                ORDER BY excess DESC, signal, level LIMIT \(Evidence.maxMovers)
                """, [.text(alert.detector), .text(alert.date), .text(incident), .text(alert.signal), .text(alert.level)])
            if !rows.isEmpty {
                return rows.map { Evidence.Mover(signal: $0[0].string ?? "", level: $0[1].string ?? "", value: $0[2].double ?? 0,
                                                 excess: $0[3].double) }
            }
        }
        return try db.query("""
            SELECT signal, level, value, baseline_mean FROM alerts
            WHERE detector = ? AND date = ? AND id <> ? AND withdrawn_at IS NULL
              AND (?4 IS NULL OR incident = ?4)
            ORDER BY z DESC, signal, level LIMIT \(Evidence.maxMovers)
            """, [.text(alert.detector), .text(alert.date), .text(alert.id), SQLValue(alert.incident)]).map { row in
            Evidence.Mover(signal: row[0].string ?? "", level: row[1].string ?? "", value: row[2].double ?? 0,
                           excess: row[3].double.map { (row[2].double ?? 0) - $0 })
        }
    }

    static func details(_ text: String?) -> [String: Any] {
        guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        return object
    }
}
