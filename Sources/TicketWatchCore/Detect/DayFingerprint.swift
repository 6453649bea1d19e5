/// A fingerprint of one day's aggregates — total, priorities, queues, tags — which is everything the default
/// detector reads about that day. Stored with the day when it is judged; a later run that computes a different one
/// knows late (or re-exported) tickets changed the day and judges it again.
enum DayFingerprint {
    static func of(_ day: String, in db: Database) throws -> String {
        var hash = FNV1a()
        for sql in [
            "SELECT tickets_total, tickets_high FROM daily_totals WHERE day = ?",
            "SELECT priority, tickets FROM daily_priorities WHERE day = ? ORDER BY priority",
            "SELECT queue, tickets FROM daily_queues WHERE day = ? ORDER BY queue",
            "SELECT tag, tickets FROM daily_tags WHERE day = ? ORDER BY tag",
        ] {
            for row in try db.query(sql, [.text(day)]) {
                for value in row.values { hash.combine(value.string) }
            }
            hash.combine("|")
        }
        return String(hash.value, radix: 16)
    }
}
