import Foundation

/// Output formats of `ticketwatch alerts`.
public enum AlertFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// Renders alerts for people (table) and for tools (CSV, JSON).
///
/// Names are stored verbatim; escaping happens here, per medium, and only here.
public enum AlertFormatter {
    /// Table and CSV end with a newline; JSON does not (print it with `print`).
    /// With `states`, each format also says what happened to each alert since (withdrawn, late, silenced, feedback).
    public static func render(_ alerts: [Alert], as format: AlertFormat, states: [String: AlertState]? = nil) -> String {
        switch format {
        case .table: table(alerts, states: states)
        case .csv: csv(alerts, states: states)
        case .json: json(alerts, states: states)
        }
    }

    // MARK: - Table

    /// Aligned columns for a terminal: date, signal, level, value, z, id. Control characters in names are shown
    /// escaped so a queue name with a newline cannot break the layout.
    /// With `states`, a last column says what happened to the alert since.
    public static func table(_ alerts: [Alert], states: [String: AlertState]? = nil) -> String {
        var header = ["date", "signal", "level", "value", "z", "id"]
        if states != nil { header.append("state") }
        let rows = alerts.map { alert in
            var row = [alert.date, printable(alert.signal), printable(alert.level), tableNumber(alert.value),
                       String(format: "%.2f", alert.z), alert.id]
            if let states { row.append(printable(states[alert.id]?.summary ?? "")) }
            return row
        }
        return TextTable.render(header: header, rows: rows, rightAligned: [3, 4])
    }

    /// Counts without a decimal point, rates to four places: what a person reads at a glance.
    static func tableNumber(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.4f", value)
    }

    /// Data (ticket fields, file headers, notes) as a terminal shows it literally: a control character in it
    /// could otherwise move the cursor, recolour or retitle the terminal, or hide what follows. Written as
    /// `\u{…}`: C0 and DEL; C1 (U+0080–U+009F), since many terminals take U+009B alone as a CSI, just like
    /// ESC [; and the bidi overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C),
    /// which reorder the rest of the line so that it reads as something else (the "Trojan Source" trick).
    public static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if isUnprintable(scalar) {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7f...0x9f, 0x202a...0x202e, 0x2066...0x2069, 0x200e, 0x200f, 0x061c: true
        default: false
        }
    }

    // MARK: - CSV

    /// The notebook's `t6_alerts.csv` columns first (`date,signal,value,z,level`), then ours. Numbers use Swift's
    /// shortest round-trip form (`182.0`, `3.5429425690607674`), the same digits pandas writes; "\n" line ends,
    /// as the notebook's file has.
    public static let csvHeader = ["date", "signal", "value", "z", "level", "detector", "id", "threshold",
                                   "baseline_mean", "baseline_std", "incident"]

    /// Appended after `csvHeader` when states are given (tools reading by column name are unaffected).
    public static let csvStateHeader = ["withdrawn_at", "late", "silence_id", "feedback", "feedback_note"]

    public static func csv(_ alerts: [Alert], states: [String: AlertState]? = nil) -> String {
        var out = (csvHeader + (states == nil ? [] : csvStateHeader)).joined(separator: ",") + "\n"
        for alert in alerts {
            var fields = [
                alert.date, alert.signal, alert.value.description, alert.z.description, alert.level,
                alert.detector, alert.id, alert.threshold.description,
                alert.baselineMean?.description ?? "", alert.baselineStd?.description ?? "", alert.incident ?? "",
            ]
            if let states {
                let state = states[alert.id] ?? AlertState()
                fields += [state.withdrawnAt ?? "", state.late ? "1" : "0", state.silenceID.map(String.init) ?? "",
                           state.feedback?.verdict.rawValue ?? "", state.feedback?.note ?? ""]
            }
            out += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// RFC 4180: quote a field holding a comma, quote, CR or LF, doubling the quotes inside.
    static func csvField(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - JSON

    /// An array of objects with every field (snake_case, as the table's columns), keys sorted so the output is
    /// stable; absent values are `null`. `details` is kept as the JSON text stored with the alert. No trailing
    /// newline. Non-finite numbers become strings, so encoding these plain values cannot fail.
    public static func json(_ alerts: [Alert], states: [String: AlertState]? = nil) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let rows = alerts.map { alert in JSONAlert(alert: alert, state: states.map { $0[alert.id] ?? AlertState() }) }
        guard let data = try? encoder.encode(rows) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    private struct JSONAlert: Encodable {
        let alert: Alert
        let state: AlertState?

        enum CodingKeys: String, CodingKey {
            case id, detector, date, signal, level, value, z, threshold
            case baselineMean = "baseline_mean", baselineStd = "baseline_std", incident, details
            case withdrawnAt = "withdrawn_at", late, silenceID = "silence_id", feedback, feedbackNote = "feedback_note"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(alert.id, forKey: .id)
            try c.encode(alert.detector, forKey: .detector)
            try c.encode(alert.date, forKey: .date)
            try c.encode(alert.signal, forKey: .signal)
            try c.encode(alert.level, forKey: .level)
            try c.encode(alert.value, forKey: .value)
            try c.encode(alert.z, forKey: .z)
            try c.encode(alert.threshold, forKey: .threshold)
            try c.encode(alert.baselineMean, forKey: .baselineMean)
            try c.encode(alert.baselineStd, forKey: .baselineStd)
            try c.encode(alert.incident, forKey: .incident)
            try c.encode(alert.details, forKey: .details)
            if let state {
                try c.encode(state.withdrawnAt, forKey: .withdrawnAt)
                try c.encode(state.late, forKey: .late)
                try c.encode(state.silenceID, forKey: .silenceID)
                try c.encode(state.feedback?.verdict.rawValue, forKey: .feedback)
                try c.encode(state.feedback?.note, forKey: .feedbackNote)
            }
        }
    }
}
