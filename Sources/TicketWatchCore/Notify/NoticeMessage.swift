/// What a follow-up says about alerts a destination already had.
public enum NoticeKind: String, Sendable {
    /// Late tickets showed the alert no longer holds: one short correction.
    case withdrawn
    /// The alert's incident is back within its band.
    case recovered
}

/// The bodies of follow-ups: short, one per kind and destination per run, so a correction never reads like a new
/// alert. Webhooks get `{"type":"ticketwatch.notices", "notices":[{"id","status":"withdrawn",…}]}` — `id` is the
/// alert id the receiver already has; Slack gets a few plain lines, names escaped as in alerts.
enum NoticeMessage {
    static let maxSlackLines = 20

    static func messages(for notices: [(kind: NoticeKind, alert: Alert)], kind: DestinationKind,
                         destination: String) -> [OutgoingMessage] {
        var byKind: [NoticeKind: [Alert]] = [:]
        for notice in notices { byKind[notice.kind, default: []].append(notice.alert) }
        return [NoticeKind.withdrawn, .recovered].compactMap { noticeKind in
            guard let alerts = byKind[noticeKind], !alerts.isEmpty else { return nil }
            let body = kind == .slack ? slack(noticeKind, alerts) : webhook(noticeKind, alerts)
            return OutgoingMessage(body: body.bytes, alertIDs: alerts.map(\.id), destination: destination, notice: noticeKind)
        }
    }

    static func webhook(_ kind: NoticeKind, _ alerts: [Alert]) -> JSONValue {
        .object([
            ("type", .string("ticketwatch.notices")),
            ("version", .int(1)),
            ("notices", .array(alerts.map { alert in
                .object([
                    ("id", .string(alert.id)),
                    ("status", .string(kind.rawValue)),
                    ("detector", .string(alert.detector)),
                    ("date", .string(alert.date)),
                    ("signal", .string(alert.signal)),
                    ("level", .string(alert.level)),
                    ("incident", .optional(alert.incident)),
                ])
            })),
        ])
    }

    static func slack(_ kind: NoticeKind, _ alerts: [Alert]) -> JSONValue {
        let count = alerts.count == 1 ? "1 alert" : "\(alerts.count) alerts"
        let headline = switch kind {
        case .withdrawn: "TicketWatch correction: \(count) withdrawn — late tickets show \(alerts.count == 1 ? "it no longer holds" : "they no longer hold")"
        case .recovered: "TicketWatch: \(count) recovered — back within the expected band"
        }
        var lines = alerts.prefix(maxSlackLines).map { alert in
            "• *\(SlackMessage.escape(alert.date))* · *\(SlackMessage.escape(alert.signal))* · \(SlackMessage.levelText(alert.level)) · `\(SlackMessage.escape(alert.id))`"
        }
        if alerts.count > maxSlackLines { lines.append("• …and \(alerts.count - maxSlackLines) more") }
        return .object([
            ("text", .string(headline)),
            ("blocks", .array([
                SlackMessage.section("*\(headline)*"),
                SlackMessage.section(lines.joined(separator: "\n")),
            ])),
            ("unfurl_links", .bool(false)),
            ("unfurl_media", .bool(false)),
        ])
    }
}
