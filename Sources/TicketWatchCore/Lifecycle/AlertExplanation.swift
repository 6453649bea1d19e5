import Foundation

/// `ticketwatch explain ID`: one alert told for a person at a terminal — what fired and why, the evidence, and
/// what happened to it since (silence, late, withdrawn, feedback, who was told). Text from data is printed with
/// control characters escaped, so a subject cannot move the cursor or clear the screen.
public struct AlertExplanation {
    public let db: Database

    public init(db: Database) {
        self.db = db
    }

    public func render(_ idOrPrefix: String) throws -> String {
        let id = try AlertLookup(db: db).resolve(idOrPrefix)
        guard let alert = try AlertStore(db: db).list(includeWithdrawn: true).first(where: { $0.id == id }) else {
            throw LifecycleError.unknownAlert(idOrPrefix)
        }
        let p = AlertFormatter.printable
        let evidence = try Evidence.load([id], in: db)[id]
        let state = try AlertState.all(in: db)[id] ?? AlertState()
        let details = EvidenceCollector.details(alert.details)
        let rate = alert.signal.hasSuffix("_rate")
        func number(_ v: Double) -> String {
            rate ? String(format: "%.1f%%", v * 100) : (v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.1f", v))
        }

        var out = "alert \(id)\n"
        out += "  \(alert.date) · \(p(alert.signal)) · \(p(alert.level)) · detector \(p(alert.detector))"
        out += alert.incident.map { " · incident \(p($0))" } ?? ""
        out += "\n\n"
        if let reason = details["reason"] as? String { out += "why: \(p(reason))\n" }
        out += "observed \(number(alert.value))"
        if let mean = alert.baselineMean {
            out += ", expected \(number(mean))" + (alert.baselineStd.map { " ± \(number($0))" } ?? "")
        }
        out += "; score z \(String(format: "%.2f", alert.z)) against a threshold of \(String(format: "%.2f", alert.threshold))\n"
        if let evidence {
            if let days = evidence.baselineDays {
                out += "baseline: \(days) day\(days == 1 ? "" : "s")" + (evidence.baselineWindow.map { " (\($0))" } ?? "") + "\n"
            }
            let noun = alert.signal == "high_rate" ? "high-priority tickets" : "tickets"
            out += "\(noun) of that day\(alert.level == "global" ? "" : " in \(p(alert.level))"): \(evidence.tickets)"
            if !evidence.examples.isEmpty { out += "; for example:" }
            out += "\n"
            for example in evidence.examples {
                out += "  \(p(example.ticketID))" + (example.subject.map { "  \(p($0))" } ?? "") + "\n"
            }
            if let kind = evidence.commonKind, !evidence.common.isEmpty {
                out += "most common \(kind)s among them: "
                    + evidence.common.map { "\(p($0.name)) (\($0.tickets))" }.joined(separator: ", ") + "\n"
            }
            if !evidence.movedWith.isEmpty {
                out += "moved with it that day:\n"
                for mover in evidence.movedWith {
                    out += "  \(p(mover.signal)) \(p(mover.level)): \(number(mover.value))"
                    if let excess = mover.excess { out += String(format: " (%+.0f above expected)", excess) }
                    out += "\n"
                }
            }
        }

        out += "\n"
        if state.late { out += "late: found when a later run judged its day again after late tickets\n" }
        if let withdrawn = state.withdrawnAt { out += "withdrawn at \(withdrawn): a later run over more tickets no longer found it\n" }
        if let silenceID = state.silenceID, let silence = try SilenceStore(db: db).find(silenceID) {
            out += "silenced by #\(silence.id) (\(p(silence.matcher)) until \(silence.endsOn): \(p(silence.reason))): stored, sent nowhere\n"
        }
        if let feedback = state.feedback {
            out += "feedback: \(feedback.verdict.rawValue)" + (feedback.note.map { " — \(p($0))" } ?? "")
                + " (\(feedback.markedBy.map { "\(p($0)), " } ?? "")\(feedback.markedAt))\n"
        } else {
            out += "feedback: none yet — ticketwatch alerts mark \(id) --useful|--noise\n"
        }
        let deliveries = try db.query("""
            SELECT destination, status, delivered_at, last_error FROM deliveries WHERE alert_id = ? ORDER BY destination
            """, [.text(id)])
        let notices = try db.query("""
            SELECT destination, kind, status FROM notices WHERE alert_id = ? ORDER BY destination, kind
            """, [.text(id)])
        if deliveries.isEmpty {
            out += "sent to: nobody yet\n"
        } else {
            out += "sent to:\n"
            for row in deliveries {
                let name = p(row[0].string ?? ""), status = row[1].string ?? ""
                out += "  \(name): \(status)" + (row[2].string.map { " \($0)" } ?? "") + (row[3].string.map { " (\(p($0)))" } ?? "") + "\n"
            }
        }
        for row in notices {
            out += "  \(p(row[0].string ?? "")): \(row[1].string ?? "") notice \(row[2].string ?? "")\n"
        }
        return out
    }
}
