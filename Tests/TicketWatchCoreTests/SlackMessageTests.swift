import Foundation
import Testing
@testable import TicketWatchCore

/// The Slack body: valid JSON, data escaped so hostile names ping nobody, one item per incident and day, and
/// Slack's limits kept however many alerts there are.
@Suite struct SlackMessageTests {
    static let hostileLevels = [
        "tag:<!channel>", "tag:<!here>", "queue:<@U024BE7LH>", "queue:<https://evil.example|click me>",
        "tag:Tom & Jerry", "tag:a`b\nc", "queue:<!subteam^S123|oncall>",
    ]

    static func alert(_ level: String, date: String = "2025-03-08", signal: String = "tag_volume", z: Double = 4.2,
                      incident: String? = nil) -> Alert {
        Alert(detector: "seed", date: date, signal: signal, level: level, value: 182, z: z, threshold: 3.5,
              baselineMean: 40.1, baselineStd: 12.5, incident: incident)
    }

    /// Every string inside the body (texts of all blocks and the fallback).
    static func strings(in value: Any) -> [String] {
        switch value {
        case let text as String: [text]
        case let array as [Any]: array.flatMap(strings)
        case let object as [String: Any]: object.values.flatMap(strings)
        default: []
        }
    }

    static func decode(_ message: OutgoingMessage) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any])
    }

    /// A feed episode's line says when tickets last came (issue 17: "with the last day that had tickets and what
    /// was expected"); other alerts carry no such words, even with the same detail.
    @Test func aFeedEpisodeLineNamesTheLastDayWithTickets() throws {
        let details = #"{"last_day_with_tickets":"2025-02-20","reason":"no tickets"}"#
        var stop = Self.alert("global", date: "2025-02-22", signal: "no_data")
        stop.details = details
        var surge = Self.alert("queue:Billing", date: "2025-02-22", signal: "queue_volume")
        surge.details = details
        let texts = try Self.strings(in: Self.decode(#require(SlackMessage.message(for: [stop], destination: "x"))))
        #expect(texts.contains { $0.contains("last tickets 2025-02-20") })
        let other = try Self.strings(in: Self.decode(#require(SlackMessage.message(for: [surge], destination: "x"))))
        #expect(!other.contains { $0.contains("last tickets") })
    }

    @Test func hostileNamesShowAsTextAndPingNobody() throws {
        let alerts = Self.hostileLevels.enumerated().map { Self.alert($1, z: 4 + Double($0)) }
        let message = try #require(SlackMessage.message(for: alerts, destination: "oncall"))
        let json = try Self.decode(message)
        #expect(json["text"] is String && json["blocks"] is [Any])
        #expect(json["unfurl_links"] as? Bool == false)
        let texts = Self.strings(in: json)
        for text in texts {
            #expect(!text.contains("<") && !text.contains(">"), "raw markup in \(text)")
        }
        let all = texts.joined(separator: "\n")
        for readable in ["&lt;!channel&gt;", "&lt;!here&gt;", "&lt;@U024BE7LH&gt;", "&lt;https://evil.example|click me&gt;",
                         "Tom &amp; Jerry", "&lt;!subteam^S123|oncall&gt;"] {
            #expect(all.contains(readable), "\(readable) is shown")
        }
        #expect(all.contains("aʹb c"), "a backtick cannot end the code span, a newline cannot break the line")
        #expect(message.alertIDs.count == alerts.count)
    }

    @Test func escapesExactlyTheThreeCharactersSlackAsksFor() {
        #expect(SlackMessage.escape("<!here> & <@U1> *bold* _x_") == "&lt;!here&gt; &amp; &lt;@U1&gt; *bold* _x_")
        #expect(SlackMessage.escape("&amp;") == "&amp;amp;", "an entity in data is data, not markup")
    }

    @Test func oneReadableMessageWithHeadlineFiguresAndIds() throws {
        let alerts = [Self.alert("queue:Billing", signal: "queue_volume"),
                      Alert(detector: "seed", date: "2025-03-08", signal: "high_rate", level: "global", value: 0.584,
                            z: 5.17, threshold: 3.0, baselineMean: 0.386, baselineStd: 0.037)]
        let json = try Self.decode(try #require(SlackMessage.message(for: alerts, destination: "oncall")))
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        let header = try #require((blocks.first?["text"] as? [String: Any])?["text"] as? String)
        #expect(header == "TicketWatch: 2 new alerts for 2025-03-08")
        #expect((json["text"] as? String)?.hasPrefix("TicketWatch: 2 new alerts for 2025-03-08") == true)
        let sections = blocks.filter { $0["type"] as? String == "section" }.compactMap { ($0["text"] as? [String: Any])?["text"] as? String }
        #expect(sections.count == 2)
        #expect(sections.contains { $0.contains("*high_rate* · overall") && $0.contains("58.4% vs baseline 38.6% ± 3.7%") && $0.contains("z *5.17*") })
        #expect(sections.contains { $0.contains("queue `Billing`") && $0.contains("182 vs baseline 40.1 ± 12.5") && $0.contains(alerts[0].id) })
    }

    @Test func anIncidentIsOneItemPerDay() throws {
        let alerts = [
            Self.alert("queue:Billing", date: "2025-03-08", signal: "queue_volume", z: 9, incident: "INC-1"),
            Self.alert("tag:refund", date: "2025-03-08", z: 5, incident: "INC-1"),
            Self.alert("tag:refund", date: "2025-03-09", z: 4, incident: "INC-1"),
            Self.alert("tag:login", date: "2025-03-08", z: 4),
            Self.alert("tag:outage", date: "2025-03-08", z: 4),
        ]
        #expect(NotificationItem.group(alerts).map(\.alerts.count) == [2, 1, 1, 1])
        let json = try Self.decode(try #require(SlackMessage.message(for: alerts, destination: "oncall")))
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        let sections = blocks.filter { $0["type"] as? String == "section" }.compactMap { ($0["text"] as? [String: Any])?["text"] as? String }
        #expect(sections.count == 4, "INC-1 on 03-08, INC-1 on 03-09, and the two alerts without an incident")
        #expect(sections[0].contains("incident `INC-1` · 2 signals") && sections[0].contains("queue `Billing`") && sections[0].contains("tag `refund`"))
        let header = try #require((blocks.first?["text"] as? [String: Any])?["text"] as? String)
        #expect(header == "TicketWatch: 5 new alerts in 4 entries, 2025-03-08 to 2025-03-09")
    }

    @Test func limitsAreKeptAndTheRestSummarised() throws {
        let names = String(repeating: "<!channel>&", count: 40)
        let alerts = (0..<500).map { index in
            Self.alert("tag:\(names)\(index)", date: "2025-03-\(String(format: "%02d", 1 + index % 28))", z: 4 + Double(index % 7))
        }
        let message = try #require(SlackMessage.message(for: alerts, destination: "oncall"))
        let json = try Self.decode(message)
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.count <= SlackMessage.maxBlocks)
        let texts = Self.strings(in: json).filter { $0.count > 20 }
        #expect(texts.allSatisfy { $0.count <= SlackMessage.maxSectionCharacters })
        #expect(texts.map(\.count).reduce(0, +) <= 12_000)
        let sections = blocks.filter { $0["type"] as? String == "section" }.compactMap { ($0["text"] as? [String: Any])?["text"] as? String }
        let summary = try #require(sections.last)
        let shown = sections.count - 1
        #expect(summary.hasPrefix("…and \(500 - shown) more alerts"), "\(summary)")
        #expect(message.alertIDs.count == 500, "summarised alerts are part of the message")
    }

    @Test func aHugeIncidentIsCutToTheSectionLimit() throws {
        let alerts = (0..<300).map { Self.alert("tag:\(String(repeating: "x", count: 90))\($0)", incident: "BIG") }
        let json = try Self.decode(try #require(SlackMessage.message(for: alerts, destination: "oncall")))
        let sections = (json["blocks"] as? [[String: Any]] ?? []).compactMap { ($0["text"] as? [String: Any])?["text"] as? String }
        let incident = try #require(sections.first { $0.contains("incident `BIG`") })
        #expect(incident.count <= SlackMessage.maxSectionCharacters)
        #expect(incident.contains("• …and ") && incident.contains(" more"))
    }
}

/// The generic webhook body and its Standard Webhooks headers.
@Suite struct WebhookPayloadTests {
    @Test func eachAlertCarriesItsFieldsAndStableId() throws {
        let alert = Alert(detector: "seed", date: "2025-03-08", signal: "queue_volume", level: "queue:<Billing>", value: 182,
                          z: 3.54, threshold: 3.5, baselineMean: 40, baselineStd: nil, incident: nil, details: #"{"b":1,"a":[true,null]}"#)
        let messages = WebhookPayload.messages(for: [alert], destination: "ops")
        #expect(messages.count == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(messages[0].body)) as? [String: Any])
        #expect(json["type"] as? String == "ticketwatch.alerts" && json["part"] as? Int == 1 && json["parts"] as? Int == 1)
        let first = try #require((json["alerts"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == Alert.id(detector: "seed", date: "2025-03-08", signal: "queue_volume", level: "queue:<Billing>"))
        #expect(first["date"] as? String == "2025-03-08" && first["signal"] as? String == "queue_volume")
        #expect(first["level"] as? String == "queue:<Billing>", "webhooks get names verbatim; escaping is per medium")
        #expect(first["value"] as? Double == 182 && first["z"] as? Double == 3.54 && first["detector"] as? String == "seed")
        #expect(first["baseline_std"] is NSNull && first["incident"] is NSNull)
        #expect((first["details"] as? [String: Any])?["b"] as? Int == 1)
        let items = try #require(json["items"] as? [[String: Any]])
        #expect(items.count == 1 && (items[0]["alert_ids"] as? [String]) == [alert.id])
    }

    @Test func largeRunsAreSplitAtItemBoundaries() throws {
        var alerts: [Alert] = []
        for day in 1...20 {
            for tag in 0..<5 {
                alerts.append(Alert(detector: "seed", date: "2025-03-\(String(format: "%02d", day))", signal: "tag_volume",
                                    level: "tag:t\(tag)", value: 10, z: 4, threshold: 3.5,
                                    incident: day % 2 == 0 ? "INC-\(day)" : nil))
            }
        }
        let messages = WebhookPayload.messages(for: alerts, destination: "ops", maxBytes: 4000)
        #expect(messages.count > 3)
        var seen: [String] = []
        for (index, message) in messages.enumerated() {
            #expect(message.body.count <= 4000)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any])
            #expect(json["part"] as? Int == index + 1 && json["parts"] as? Int == messages.count)
            let ids = (json["alerts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == message.alertIDs)
            // An incident's alerts of one day stay in one part.
            for item in json["items"] as? [[String: Any]] ?? [] {
                #expect(Set(item["alert_ids"] as? [String] ?? []).isSubset(of: Set(ids)))
            }
            seen += ids
        }
        #expect(seen.count == alerts.count && Set(seen) == Set(alerts.map(\.id)), "every alert exactly once")
    }

    @Test func messageIDIsStableForTheSameAlertsAndDestination() {
        let a = OutgoingMessage.messageID(destination: "ops", alertIDs: ["1", "2"])
        #expect(a == OutgoingMessage.messageID(destination: "ops", alertIDs: ["2", "1"]))
        #expect(a != OutgoingMessage.messageID(destination: "ops", alertIDs: ["1", "2", "3"]))
        #expect(a != OutgoingMessage.messageID(destination: "other", alertIDs: ["1", "2"]))
        #expect(a.hasPrefix("msg_"))
    }

    /// The example of the Standard Webhooks specification.
    @Test func signatureMatchesTheStandardWebhooksExample() throws {
        let key = try SigningKey(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n")
        let signature = key.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                      body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(!"\(key)".contains("MfKQ9r8"))
        #expect(throws: SigningKeyError.self) { try SigningKey(secret: " \n") }
    }
}

/// Backoff, Retry-After and which answers are retried.
@Suite struct RetryPolicyTests {
    @Test func backoffGrowsWithJitterAndIsCapped() {
        let policy = RetryPolicy(retryFor: 60, baseDelay: 0.5, maxDelay: 4)
        #expect(policy.backoff(retry: 1, random: 0) == 0.25 && policy.backoff(retry: 1, random: 0.999) < 0.5)
        #expect(policy.backoff(retry: 2, random: 0) == 0.5 && policy.backoff(retry: 3, random: 0) == 1)
        #expect(policy.backoff(retry: 10, random: 0.999) < 4 && policy.backoff(retry: 10, random: 0) == 2)
    }

    @Test func retryAfterInSecondsOrAsADate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryPolicy.retryAfterSeconds("1", now: now) == 1)
        #expect(RetryPolicy.retryAfterSeconds("Tue, 14 Nov 2023 22:13:40 GMT", now: now) == 20)
        #expect(RetryPolicy.retryAfterSeconds("soon", now: now) == nil && RetryPolicy.retryAfterSeconds(nil) == nil)
    }

    @Test func onlyServerErrorsAndRateLimitsAreRetried() {
        for status in [500, 502, 503, 504] { #expect(RetryPolicy.verdict(for: HTTPResponse(status: status)) == .retry) }
        #expect(RetryPolicy.verdict(for: HTTPResponse(status: 429)) == .retry, "429 without Retry-After backs off")
        #expect(RetryPolicy.verdict(for: HTTPResponse(status: 429, headers: ["retry-after": "1"])) == .retryAfter(1))
        for status in [301, 400, 403, 404, 410] { #expect(RetryPolicy.verdict(for: HTTPResponse(status: status)) == .permanent) }
    }

    /// Slack links bare URLs and domain-like words in mrkdwn; in a code span it does neither.
    @Test func urlsInSubjectsAreNotLinks() throws {
        let alert = Alert(detector: "seed", date: "2025-03-08", signal: "queue_volume", level: "queue:Billing", value: 90, z: 5, threshold: 3.5)
        let subjects = ["Reset at https://evil.example/login now", "see www.evil.example or evil.example",
                        "`break out` https://x.example"]
        let evidence = Evidence(observed: 90, expected: 40, baselineDays: 14, baselineWindow: nil, tickets: 90,
                                examples: subjects.enumerated().map { Evidence.Example(ticketID: "T\($0.offset)", subject: $0.element) },
                                movedWith: [], commonKind: nil, common: [])
        let message = try #require(SlackMessage.message(for: [alert], destination: "chat", evidence: [alert.id: evidence]))
        let blocks = try #require(try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any])["blocks"] as? [[String: Any]]
        let text = (blocks ?? []).compactMap { ($0["text"] as? [String: Any])?["text"] as? String }.joined(separator: "\n")
        #expect(text.contains("`T0`: `Reset at https://evil.example/login now`"))
        #expect(text.contains("`T1`: `see www.evil.example or evil.example`"))
        #expect(text.contains("`T2`: `ʹbreak outʹ https://x.example`"), "a backtick cannot end the span early")
        // Outside code spans, no URL or domain is left for Slack to link.
        let outside = text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 0 }.map(\.element).joined()
        #expect(!outside.contains("://") && !outside.contains("evil.example"), "\(outside)")
    }
}
