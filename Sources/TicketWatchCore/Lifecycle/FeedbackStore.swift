import Foundation

/// `alert_feedback`: the latest on-call judgement per alert, kept in the warehouse so the detector evaluation can
/// count noise per signal with plain SQL (`SELECT a.signal, f.verdict, count(*) FROM alerts a JOIN alert_feedback f
/// ON f.alert_id = a.id GROUP BY 1, 2`).
public struct FeedbackStore {
    public let db: Database

    public init(db: Database) {
        self.db = db
    }

    /// Records `feedback` for the alert named by `idOrPrefix`, replacing any earlier judgement; returns the alert id.
    @discardableResult
    public func mark(_ idOrPrefix: String, _ feedback: Feedback) throws -> String {
        try db.writeTransaction {
            let id = try AlertLookup(db: db).resolve(idOrPrefix)
            try db.run("""
                INSERT INTO alert_feedback (alert_id, verdict, note, marked_at, marked_by) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (alert_id) DO UPDATE SET verdict = ?2, note = ?3, marked_at = ?4, marked_by = ?5
                """, [.text(id), .text(feedback.verdict.rawValue), SQLValue(feedback.note), .text(feedback.markedAt),
                      SQLValue(feedback.markedBy)])
            return id
        }
    }
}

/// Finds an alert by the id people copy from chat, the report or `alerts`: the whole id, or an unambiguous start of
/// it (at least 6 hex digits), so a command never acts on the wrong alert.
public struct AlertLookup {
    public let db: Database
    public static let minimumPrefix = 6

    public init(db: Database) {
        self.db = db
    }

    public func resolve(_ text: String) throws -> String {
        let given = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard given.count >= Self.minimumPrefix, given.count <= 16,
              given.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            throw LifecycleError.unknownAlert(text)
        }
        let matches = try db.query("SELECT id FROM alerts WHERE substr(id, 1, ?) = ? LIMIT 2",
                                   [.integer(Int64(given.count)), .text(given)])
        switch matches.count {
        case 0: throw LifecycleError.unknownAlert(text)
        case 1: return matches[0][0].string!
        default:
            let count = try db.scalar("SELECT count(*) FROM alerts WHERE substr(id, 1, ?) = ?",
                                      [.integer(Int64(given.count)), .text(given)])?.int ?? 2
            throw LifecycleError.ambiguousAlert(text, matches: count)
        }
    }
}
