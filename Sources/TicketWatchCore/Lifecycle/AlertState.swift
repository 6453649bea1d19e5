/// What happened to a stored alert after detection: the columns and tables people see next to its figures.
public struct AlertState: Sendable, Equatable {
    public var withdrawnAt: String?
    /// Found when late tickets made a run judge its day again.
    public var late = false
    public var silenceID: Int64?
    public var feedback: Feedback?

    public init(withdrawnAt: String? = nil, late: Bool = false, silenceID: Int64? = nil, feedback: Feedback? = nil) {
        self.withdrawnAt = withdrawnAt
        self.late = late
        self.silenceID = silenceID
        self.feedback = feedback
    }

    /// "withdrawn, late, silenced #2, noise: known batch job": empty for a plain alert.
    public var summary: String {
        var parts: [String] = []
        if withdrawnAt != nil { parts.append("withdrawn") }
        if late { parts.append("late") }
        if let silenceID { parts.append("silenced #\(silenceID)") }
        if let feedback {
            parts.append(feedback.verdict.rawValue + (feedback.note.map { ": \($0)" } ?? ""))
        }
        return parts.joined(separator: ", ")
    }

    /// Every stored alert's state, by id.
    public static func all(in db: Database) throws -> [String: AlertState] {
        var states: [String: AlertState] = [:]
        for row in try db.query("""
            SELECT a.id, a.withdrawn_at, a.late, a.silence_id, f.verdict, f.note, f.marked_at, f.marked_by
            FROM alerts a LEFT JOIN alert_feedback f ON f.alert_id = a.id
            """) {
            guard let id = row[0].string else { continue }
            let feedback = row[4].string.flatMap(Feedback.Verdict.init).map {
                Feedback(verdict: $0, note: row[5].string, markedAt: row[6].string ?? "", markedBy: row[7].string)
            }
            states[id] = AlertState(withdrawnAt: row[1].string, late: (row[2].int ?? 0) != 0,
                                    silenceID: row[3].int.map(Int64.init), feedback: feedback)
        }
        return states
    }
}

/// On-call judgement of one alert (`alerts mark`).
public struct Feedback: Sendable, Equatable {
    public enum Verdict: String, Sendable, CaseIterable {
        case useful, noise
    }

    public var verdict: Verdict
    public var note: String?
    public var markedAt: String
    public var markedBy: String?

    public init(verdict: Verdict, note: String?, markedAt: String, markedBy: String?) {
        self.verdict = verdict
        self.note = note
        self.markedAt = markedAt
        self.markedBy = markedBy
    }
}
