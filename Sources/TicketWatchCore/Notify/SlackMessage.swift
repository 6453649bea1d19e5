import Foundation

/// The Slack incoming-webhook body for one run: a `text` fallback (what notifications show) and `blocks` — a
/// header saying how many alerts for which day, one section per item (an incident on a day, or an alert), and a
/// closing line saying how to list them.
///
/// Queue and tag names come from ticket data and are untrusted: every piece of data is escaped as Slack requires
/// (`&`, `<`, `>`), so a tag named `<!channel>` shows as that text and pings nobody; the message itself never
/// writes a mention or a link. Slack's limits are kept — at most 50 blocks, 3,000 characters per section, about
/// 12,000 in all — by summarising what does not fit in a last section ("…and 37 more alerts").
public enum SlackMessage {
    public static let maxBlocks = 50
    public static let maxSectionCharacters = 3000
    /// Slack refuses messages much above ~12k characters; stay clearly below.
    public static let maxTotalCharacters = 10_000
    /// Longer names are cut (before escaping, so an entity is never cut in half).
    static let maxNameCharacters = 100
    /// Example subjects are cut shorter: one line per example in an evidence line of five.
    static let maxSubjectCharacters = 60

    /// `evidence` (by alert id) adds a line per item: expected, baseline, what moved with it, example tickets.
    /// `reconfirmed` (id → earlier delivery): alerts the channel was told were withdrawn, sent again because they
    /// hold after all; their items say so, or the channel would be left with the correction as the last word.
    /// `sentBefore` (incident → its alerts the channel already had): an item of late alerts names them, since
    /// the day sent before may now be part of the incident the late day began.
    public static func message(for alerts: [Alert], destination: String, evidence: [String: Evidence] = [:],
                               late: Set<String> = [], reconfirmed: [String: String] = [:],
                               sentBefore: [String: [(id: String, date: String)]] = [:]) -> OutgoingMessage? {
        guard !alerts.isEmpty else { return nil }
        let items = NotificationItem.group(alerts)
        let dates = alerts.map(\.date).sorted()
        let first = dates.first!, last = dates.last!
        let headline = headline(alerts: alerts.count, items: items.count, first: first, last: last)
        let closing = "List them: `ticketwatch alerts --since \(escape(first))`"

        // The blocks the message always has: header and closing context; a summary section when items are left out.
        var blocks: [JSONValue] = [.object([
            ("type", .string("header")),
            ("text", .object([("type", .string("plain_text")), ("text", .string(headline)), ("emoji", .bool(false))])),
        ])]
        let fallback = headline + " — " + shortLine(items[0].lead)
        var used = headline.count + fallback.count + closing.count
        let reserve = 200  // room for the summary section
        var shown = 0
        for item in items {
            let text = sectionText(item, evidence: evidence[item.lead.id], late: late.contains(item.lead.id),
                                   again: item.alerts.contains { reconfirmed[$0.id] != nil },
                                   sentBefore: item.incident.flatMap { sentBefore[$0] } ?? [])
            let blocksAfter = blocks.count + 1 + 2  // this section, the summary, the closing context
            guard blocksAfter <= maxBlocks, used + text.count + reserve <= maxTotalCharacters else { break }
            blocks.append(section(text))
            used += text.count
            shown += 1
        }
        if shown < items.count {
            let rest = items[shown...]
            let restAlerts = rest.map(\.alerts.count).reduce(0, +)
            let restDates = rest.map(\.date).sorted()
            var summary = "…and \(restAlerts) more alert\(restAlerts == 1 ? "" : "s")"
            if restAlerts != rest.count { summary += " (\(rest.count) items)" }
            summary += " not shown here, \(escape(restDates.first!))"
            if restDates.last! != restDates.first! { summary += " to \(escape(restDates.last!))" }
            summary += ": `ticketwatch alerts --since \(escape(restDates.first!))`"
            blocks.append(section(summary))
        }
        blocks.append(.object([
            ("type", .string("context")),
            ("elements", .array([.object([("type", .string("mrkdwn")), ("text", .string(closing))])])),
        ]))

        let json = JSONValue.object([
            ("text", .string(fallback)),
            ("blocks", .array(blocks)),
            // A tag that looks like a URL must not unfurl into a preview of someone else's page.
            ("unfurl_links", .bool(false)),
            ("unfurl_media", .bool(false)),
        ])
        return OutgoingMessage(body: json.bytes, alertIDs: alerts.map(\.id), destination: destination, resend: reconfirmed)
    }

    /// Slack's three escapes for text that comes from data (https://api.slack.com/reference/surfaces/formatting).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    // MARK: - Pieces

    static func headline(alerts: Int, items: Int, first: String, last: String) -> String {
        var text = "TicketWatch: \(alerts) new alert\(alerts == 1 ? "" : "s")"
        if items != alerts { text += " in \(items) entr\(items == 1 ? "y" : "ies")" }
        text += first == last ? " for \(first)" : ", \(first) to \(last)"
        return String(text.prefix(150))  // a header block's limit
    }

    static func section(_ text: String) -> JSONValue {
        .object([("type", .string("section")), ("text", .object([("type", .string("mrkdwn")), ("text", .string(text))]))])
    }

    /// One item: a single alert in two lines, or an incident with one line per alert (cut to the section limit).
    static func sectionText(_ item: NotificationItem, evidence: Evidence? = nil, late: Bool = false,
                            again: Bool = false, sentBefore: [(id: String, date: String)] = []) -> String {
        let days = Set(sentBefore.map(\.date)).sorted().map(escape).joined(separator: ", ")
        let sent = "\(sentBefore.count) alert\(sentBefore.count == 1 ? "" : "s") of \(days)"
        let lateMark = (late ? " · _late: found after tickets for this day came in late_" : "")
            + (late && !sentBefore.isEmpty ? " · _same incident as the \(sent) sent before_" : "")
            + (again ? " · _found again: holds after all, despite the earlier correction_" : "")
        let evidenceText = evidence.map { "\n" + evidenceLine($0) } ?? ""
        if item.alerts.count == 1 {
            let alert = item.lead
            let incident = item.incident.map { " · incident `\(name($0))`" } ?? ""
            return "*\(escape(alert.date))* · *\(escape(alert.signal))* · \(levelText(alert.level))\(incident)\(lateMark)\n"
                + "\(figures(alert)) · `\(escape(alert.id))`" + evidenceText
        }
        var text = "*\(escape(item.date))* · incident `\(name(item.incident ?? "-"))` · "
            + "\(item.alerts.count) signal\(item.alerts.count == 1 ? "" : "s")\(lateMark)" + evidenceText
        for (index, alert) in item.alerts.enumerated() {
            let line = "\n• *\(escape(alert.signal))* · \(levelText(alert.level)): \(figures(alert)) · `\(escape(alert.id))`"
            let remaining = item.alerts.count - index
            if text.count + line.count + 40 > maxSectionCharacters {
                text += "\n• …and \(remaining) more"
                break
            }
            text += line
        }
        return text
    }

    /// "_why:_ expected 40 from 56 days · with tag `refund` 80 · e.g. `T-1`: `Refund missing`, `T-7` …": every
    /// name and subject from data goes through `name` (escaped, no backticks, no line breaks, cut short).
    static func evidenceLine(_ evidence: Evidence) -> String {
        var parts: [String] = []
        if let days = evidence.baselineDays {
            parts.append("baseline \(days) day\(days == 1 ? "" : "s")" + (evidence.baselineWindow.map { " (\(escape($0)))" } ?? ""))
        }
        if !evidence.common.isEmpty, let kind = evidence.commonKind {
            parts.append("mostly \(kind) " + evidence.common.map { "`\(name($0.name))` \($0.tickets)" }.joined(separator: ", "))
        }
        if !evidence.movedWith.isEmpty {
            parts.append("moved with " + evidence.movedWith.prefix(4).map { levelText($0.level) }.joined(separator: ", "))
        }
        var text = "_why:_ " + (parts.isEmpty ? "see `ticketwatch explain`" : parts.joined(separator: " · "))
        if !evidence.examples.isEmpty {
            text += "\n_e.g._ " + evidence.examples.map { example in
                "`\(name(example.ticketID))`" + (example.subject.map { ": " + subject($0) } ?? "")
            }.joined(separator: ", ")
        }
        return text
    }

    /// A subject from data, as a code span. In mrkdwn text Slack makes links of bare URLs and of words that merely
    /// look like domains (`https://x.example/login`, `www.x.example`, `x.example`), and a subject is written by
    /// whoever opened the ticket: a phishing link would sit one click away in the on-call channel, looking like
    /// ours. Inside a code span Slack neither links nor formats, so the subject shows exactly as typed. Slipping an
    /// invisible joiner into "://" was the other way; it misses scheme-less domains, and what on-call copies out
    /// of the message would carry the invisible character along.
    static func subject(_ raw: String) -> String {
        "`" + name(raw, limit: maxSubjectCharacters) + "`"
    }

    /// "182 vs baseline 40.1 ± 12.3 · z *3.54* (≥ 3.5)"; rates in percent.
    static func figures(_ alert: Alert) -> String {
        let percent = alert.signal == "high_rate"
        var text = number(alert.value, percent: percent)
        if let mean = alert.baselineMean {
            text += " vs baseline \(number(mean, percent: percent))"
            if let std = alert.baselineStd { text += " ± \(number(std, percent: percent))" }
        }
        text += " · z *\(String(format: "%.2f", alert.z))* (≥ \(number(alert.threshold, percent: false)))"
        if let last = lastDayWithTickets(alert) { text += " · last tickets \(escape(last))" }
        return text
    }

    /// A feed episode's last day with tickets (`details.last_day_with_tickets`): what on-call checks first when a
    /// feed stops, so it is on the line itself rather than only in `ticketwatch explain`.
    static func lastDayWithTickets(_ alert: Alert) -> String? {
        guard alert.signal == Finding.noData || alert.signal == Finding.volumeDrop else { return nil }
        return EvidenceCollector.details(alert.details)["last_day_with_tickets"] as? String
    }

    /// `global` → overall; `queue:NAME` → queue `NAME`; anything else escaped as it is.
    static func levelText(_ level: String) -> String {
        if level == "global" { return "overall" }
        for prefix in ["queue", "tag"] where level.hasPrefix(prefix + ":") {
            return "\(prefix) `\(name(String(level.dropFirst(prefix.count + 1))))`"
        }
        return "`\(name(level))`"
    }

    /// A name from data, safe inside a code span: control characters as spaces, backticks as primes (a backtick
    /// would end the span), cut to `maxNameCharacters`, then escaped.
    static func name(_ raw: String, limit: Int = maxNameCharacters) -> String {
        var cleaned = String(raw.unicodeScalars.map { scalar -> Character in
            if scalar == "`" { return "ʹ" }
            return scalar.value < 0x20 || scalar.value == 0x7f ? " " : Character(scalar)
        })
        if cleaned.count > limit { cleaned = String(cleaned.prefix(limit - 1)) + "…" }
        if cleaned.trimmingCharacters(in: .whitespaces).isEmpty { cleaned = "(blank)" }
        return escape(cleaned)
    }

    static func shortLine(_ alert: Alert) -> String {
        "\(escape(alert.signal)) \(levelText(alert.level).replacingOccurrences(of: "`", with: "")) z \(String(format: "%.2f", alert.z))"
    }

    static func number(_ value: Double, percent: Bool) -> String {
        guard value.isFinite else { return "n/a" }
        if percent { return String(format: "%.1f%%", value * 100) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        if abs(value) >= 100 { return String(format: "%.0f", value) }
        // Two decimals at most, without trailing zeros: 40.1, 12.35.
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
