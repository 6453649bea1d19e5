import Foundation

/// Why an alert fired, in the terms on-call checks first: what was seen against what was expected, over which
/// days, a few of the actual tickets, and what else moved that day. Stored as JSON in `alerts.evidence` when the
/// alert is stored or its figures change, so chat, the report and `explain` all show the same thing.
public struct Evidence: Sendable, Equatable {
    public struct Example: Sendable, Equatable {
        public var ticketID: String
        public var subject: String?
    }

    /// Another series significant the same day and linked to this one (same incident), or for the notebook's
    /// detector another alert of that day.
    public struct Mover: Sendable, Equatable {
        public var signal: String
        public var level: String
        public var value: Double
        /// Tickets above the expected number, when the detector recorded it.
        public var excess: Double?
    }

    public struct Share: Sendable, Equatable {
        public var name: String
        public var tickets: Int
    }

    public static let maxExamples = 5
    /// Characters of an example's subject kept, the ellipsis included. Evidence goes into every message, the
    /// report and `explain`; a subject is whatever the helpdesk let a customer type, and one pasted log would
    /// swell each of them (and push Slack sections over their limit) while adding nothing a reader can use.
    public static let maxSubjectCharacters = 200

    /// `subject` cut to `maxSubjectCharacters` on a Character boundary (never inside an emoji or a letter with
    /// its accents), ending in "…" when cut.
    static func shortened(subject: String) -> String {
        guard subject.count > maxSubjectCharacters else { return subject }
        return String(subject.prefix(maxSubjectCharacters - 1)) + "…"
    }
    static let maxMovers = 8
    static let maxShares = 3

    public var observed: Double
    public var expected: Double?
    /// Days the expectation was computed from, and their span (YYYY-MM-DD..YYYY-MM-DD).
    public var baselineDays: Int?
    public var baselineWindow: String?
    /// Tickets of that day and level (for high_rate: the high-priority ones), of which `examples` are the first.
    public var tickets: Int
    public var examples: [Example]
    public var movedWith: [Mover]
    /// Among those tickets: the most common tags (queue and global levels) or queues (tag levels).
    public var commonKind: String?
    public var common: [Share]

    // MARK: - JSON

    var json: JSONValue {
        .object([
            ("observed", .number(observed)),
            ("expected", .optional(expected)),
            ("baseline_days", baselineDays.map { .int($0) } ?? .null),
            ("baseline_window", .optional(baselineWindow)),
            ("tickets", .int(tickets)),
            ("examples", .array(examples.map { .object([("id", .string($0.ticketID)), ("subject", .optional($0.subject))]) })),
            ("moved_with", .array(movedWith.map {
                .object([("signal", .string($0.signal)), ("level", .string($0.level)), ("value", .number($0.value)),
                         ("excess", .optional($0.excess))])
            })),
            ("common_kind", .optional(commonKind)),
            ("common", .array(common.map { .object([("name", .string($0.name)), ("tickets", .int($0.tickets))]) })),
        ])
    }

    public var jsonText: String { json.serialized() }

    public init?(json text: String?) {
        guard let text, let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let observed = (object["observed"] as? NSNumber)?.doubleValue else { return nil }
        self.observed = observed
        expected = (object["expected"] as? NSNumber)?.doubleValue
        baselineDays = (object["baseline_days"] as? NSNumber)?.intValue
        baselineWindow = object["baseline_window"] as? String
        tickets = (object["tickets"] as? NSNumber)?.intValue ?? 0
        examples = (object["examples"] as? [[String: Any]] ?? []).compactMap { item in
            (item["id"] as? String).map { Example(ticketID: $0, subject: item["subject"] as? String) }
        }
        movedWith = (object["moved_with"] as? [[String: Any]] ?? []).compactMap { item in
            guard let signal = item["signal"] as? String, let level = item["level"] as? String,
                  let value = (item["value"] as? NSNumber)?.doubleValue else { return nil }
            return Mover(signal: signal, level: level, value: value, excess: (item["excess"] as? NSNumber)?.doubleValue)
        }
        commonKind = object["common_kind"] as? String
        common = (object["common"] as? [[String: Any]] ?? []).compactMap { item in
            guard let name = item["name"] as? String, let tickets = (item["tickets"] as? NSNumber)?.intValue else { return nil }
            return Share(name: name, tickets: tickets)
        }
    }

    init(observed: Double, expected: Double?, baselineDays: Int?, baselineWindow: String?, tickets: Int,
         examples: [Example], movedWith: [Mover], commonKind: String?, common: [Share]) {
        self.observed = observed
        self.expected = expected
        self.baselineDays = baselineDays
        self.baselineWindow = baselineWindow
        self.tickets = tickets
        self.examples = examples
        self.movedWith = movedWith
        self.commonKind = commonKind
        self.common = common
    }

    // MARK: - Stored

    /// Every stored evidence of `ids`, by alert id; alerts stored before evidence existed are collected now.
    public static func load(_ ids: [String], in db: Database) throws -> [String: Evidence] {
        var result: [String: Evidence] = [:]
        let statement = try db.prepare("""
            SELECT detector, date, signal, level, value, z, threshold, baseline_mean, baseline_std, incident, details,
                   evidence FROM alerts WHERE id = ?
            """)
        for id in ids {
            try statement.bind([.text(id)])
            if try statement.step() {
                let row = statement.row()
                if let stored = Evidence(json: row[11].string) {
                    result[id] = stored
                } else {
                    let alert = Alert(detector: row[0].string ?? "", date: row[1].string ?? "", signal: row[2].string ?? "",
                                      level: row[3].string ?? "", value: row[4].double ?? 0, z: row[5].double ?? 0,
                                      threshold: row[6].double ?? 0, baselineMean: row[7].double, baselineStd: row[8].double,
                                      incident: row[9].string, details: row[10].string)
                    result[id] = try EvidenceCollector(db: db).collect(alert)
                }
            }
            statement.reset()
        }
        return result
    }
}
