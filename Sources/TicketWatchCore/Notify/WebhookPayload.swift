/// The generic webhook body: a JSON object with an `alerts` array, one object per alert with its stable `id`
/// (what a receiver de-duplicates on), and an `items` array saying how a person would see them: one item per
/// incident and day, or per alert without an incident.
///
///     {"type":"ticketwatch.alerts","version":1,"part":1,"parts":1,
///      "alerts":[{"id":"…","detector":"seed","date":"2025-03-08","signal":"queue_volume","level":"queue:Billing",
///                 "value":182.0,"z":3.54,"threshold":3.5,"baseline_mean":40.1,"baseline_std":12.3,
///                 "incident":null,"details":null}],
///      "items":[{"date":"2025-03-08","incident":null,"alert_ids":["…"]}]}
///
/// All of one run's alerts go in one POST; above `maxBytes` they are split into parts at item boundaries
/// (`part`/`parts` say which), so one incident's alerts stay together.
public enum WebhookPayload {
    public static let defaultMaxBytes = 256 * 1024

    /// `evidence` (by alert id) is added to each alert as an `evidence` object; `late` alerts carry `"late": true`,
    /// and alerts sent again after a correction (`reconfirmed`, id → earlier delivery) `"reconfirmed": true`.
    /// `sentBefore` (incident → ids of its alerts the receiver already had) gives an item of that incident a
    /// `"same_incident_as"` array: late alerts can start the incident that a day already sent now belongs to.
    public static func messages(for alerts: [Alert], destination: String, maxBytes: Int = defaultMaxBytes,
                                evidence: [String: Evidence] = [:], late: Set<String> = [],
                                reconfirmed: [String: String] = [:],
                                sentBefore: [String: [String]] = [:]) -> [OutgoingMessage] {
        let extras = Extras(evidence: evidence, late: late, reconfirmed: Set(reconfirmed.keys), sentBefore: sentBefore)
        let items = NotificationItem.group(alerts)
        guard !items.isEmpty else { return [] }

        // Greedy split on the serialized sizes of each item's alerts and entry (+ separators and envelope).
        let envelope = body(alerts: [], items: [], part: 99, parts: 99).serialized().utf8.count
        var chunks: [[NotificationItem]] = [[]]
        var size = envelope
        for item in items {
            let cost = item.alerts.map { alertObject($0, extras).serialized().utf8.count + 1 }.reduce(0, +)
                + itemObject(item, extras).serialized().utf8.count + 1
            if size + cost > maxBytes, !chunks[chunks.count - 1].isEmpty {
                chunks.append([])
                size = envelope
            }
            chunks[chunks.count - 1].append(item)
            size += cost
        }
        return chunks.enumerated().map { index, chunk in
            let chunkAlerts = chunk.flatMap(\.alerts).sorted(by: Alert.precedes)
            let json = body(alerts: chunkAlerts, items: chunk, part: index + 1, parts: chunks.count, extras: extras)
            return OutgoingMessage(body: json.bytes, alertIDs: chunkAlerts.map(\.id), destination: destination,
                                   resend: reconfirmed)
        }
    }

    struct Extras {
        var evidence: [String: Evidence] = [:]
        var late: Set<String> = []
        var reconfirmed: Set<String> = []
        var sentBefore: [String: [String]] = [:]
    }

    static func body(alerts: [Alert], items: [NotificationItem], part: Int, parts: Int, extras: Extras = Extras()) -> JSONValue {
        .object([
            ("type", .string("ticketwatch.alerts")),
            ("version", .int(1)),
            ("part", .int(part)),
            ("parts", .int(parts)),
            ("alerts", .array(alerts.map { alertObject($0, extras) })),
            ("items", .array(items.map { itemObject($0, extras) })),
        ])
    }

    static func alertObject(_ alert: Alert, _ extras: Extras = Extras()) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(alert.id)),
            ("detector", .string(alert.detector)),
            ("date", .string(alert.date)),
            ("signal", .string(alert.signal)),
            ("level", .string(alert.level)),
            ("value", .number(alert.value)),
            ("z", .number(alert.z)),
            ("threshold", .number(alert.threshold)),
            ("baseline_mean", .optional(alert.baselineMean)),
            ("baseline_std", .optional(alert.baselineStd)),
            ("incident", .optional(alert.incident)),
            ("details", .embedding(alert.details)),
        ]
        if extras.late.contains(alert.id) { members.append(("late", .bool(true))) }
        if extras.reconfirmed.contains(alert.id) { members.append(("reconfirmed", .bool(true))) }
        if let evidence = extras.evidence[alert.id] { members.append(("evidence", evidence.json)) }
        return .object(members)
    }

    static func itemObject(_ item: NotificationItem, _ extras: Extras = Extras()) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("date", .string(item.date)),
            ("incident", .optional(item.incident)),
            ("alert_ids", .array(item.alerts.map { .string($0.id) })),
        ]
        if let incident = item.incident, let sent = extras.sentBefore[incident], !sent.isEmpty {
            members.append(("same_incident_as", .array(sent.map { .string($0) })))
        }
        return .object(members)
    }
}
