import Foundation
import Logging

/// Settings of one `notify` run.
public struct NotifyOptions: Sendable {
    /// Build and return the messages; post nothing and record nothing (only the URL-fingerprint salt may be made).
    public var dryRun = false
    /// History for destinations seen for the first time.
    public var backfill = Backfill.default
    /// `--backfill` was given: a known destination's window may then widen to it.
    public var widenBackfill = false
    /// Put alerts a destination refused for good back to pending.
    public var retryFailed = false
    /// Only this detector's alerts (nil: all).
    public var detector: String?
    /// Seconds one request may take.
    public var timeout: Double = 10
    public var retry = RetryPolicy()
    public var webhookMaxBytes = WebhookPayload.defaultMaxBytes
    /// Kinds of destination told when an alerted incident recovers (Alertmanager's send_resolved defaults).
    public var recovery: Set<DestinationKind> = [.webhook]
    /// The default detector's incident gap: how long an incident must stay quiet before it has recovered.
    public var incidentGapDays = DefaultDetectorOptions().incidentGapDays
    /// The default detector's late window: its newest days can still be judged again, and a late finding there
    /// could continue an incident, so recovery also waits for it to pass.
    public var lateDays = DefaultDetectorOptions().lateDays

    public init() {}
}

/// Posts each destination the alerts it has not had yet, through the `deliveries` outbox.
///
/// Destinations are independent: each gets its own HTTP client and retry budget, and one that fails does not
/// stop the next. A refused or unreadable destination arrives as a `DestinationProblem` and is only reported.
/// Logs name destinations by name and host, never by URL.
public struct Notifier {
    let warehouse: Warehouse
    let options: NotifyOptions
    let logger: Logger

    public init(warehouse: Warehouse, options: NotifyOptions, logger: Logger) {
        self.warehouse = warehouse
        self.options = options
        self.logger = logger
    }

    public func run(_ destinations: [Destination], problems: [DestinationProblem] = []) throws -> NotifyReport {
        // Problems are the caller's to report (the command prints them once, as errors).
        var report = NotifyReport(problems: problems)
        guard !destinations.isEmpty else { return report }
        try CurlGlobal.initialize()

        let lock = options.dryRun ? nil : try NotifyLock(warehousePath: warehouse.path)
        defer { withExtendedLifetime(lock) {} }
        let db = warehouse.db
        let outbox = DeliveryOutbox(db: db)
        let salt = try db.writeTransaction { try outbox.salt() }
        let stamp = Clock.nowUTC()

        // Queue first, in one transaction, committed before anything is posted (rolled back in a dry run).
        var planned: [(Destination, DestinationReport)] = []
        try db.execute("BEGIN IMMEDIATE")
        do {
            // A silence added since detection covers the alerts not sent yet.
            try SilenceStore(db: db).coverWithinTransaction()
            for destination in destinations {
                do {
                    let registration = try outbox.register(
                        destination, salt: salt, backfill: options.backfill, widenBackfill: options.widenBackfill,
                        retryFailed: options.retryFailed, detector: options.detector,
                        recoveryQuietDays: options.recovery.contains(destination.kind)
                            ? DeliveryOutbox.recoveryQuietDays(incidentGapDays: options.incidentGapDays, lateDays: options.lateDays)
                            : nil,
                        now: stamp)
                    var entry = DestinationReport(name: registration.name, kind: destination.kind, host: destination.url.host)
                    entry.isNew = registration.isNew
                    entry.backfillFrom = registration.backfillFrom
                    entry.skipped = registration.skipped
                    entry.requeued = registration.requeued
                    entry.urlChanged = registration.urlChanged
                    planned.append((destination, entry))
                } catch let problem as DestinationProblem {
                    report.problems.append(problem)
                }
            }
            if options.dryRun {
                for (destination, var entry) in planned {
                    let alerts = try outbox.pendingAlerts(destination: entry.name, detector: options.detector)
                    entry.messages = try messages(for: alerts, kind: destination.kind, name: entry.name)
                    entry.messages += NoticeMessage.messages(
                        for: try outbox.pendingNotices(destination: entry.name, detector: options.detector),
                        kind: destination.kind, destination: entry.name)
                    let outstanding = try outbox.outstanding(destination: entry.name, detector: options.detector)
                    entry.pending = outstanding.pending
                    entry.failed = outstanding.failed
                    report.destinations.append(entry)
                }
                try db.execute("ROLLBACK")
                return report
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }

        for (destination, entry) in planned {
            report.destinations.append(try deliver(to: destination, entry, outbox: outbox))
        }
        return report
    }

    // MARK: - One destination

    private func deliver(to destination: Destination, _ start: DestinationReport, outbox: DeliveryOutbox) throws -> DestinationReport {
        var entry = start
        var log = logger
        log[metadataKey: "destination"] = "\(entry.name)"
        log[metadataKey: "host"] = "\(entry.host)"
        let alerts = try outbox.pendingAlerts(destination: entry.name, detector: options.detector)
        entry.messages = try messages(for: alerts, kind: destination.kind, name: entry.name)
        entry.messages += NoticeMessage.messages(
            for: try outbox.pendingNotices(destination: entry.name, detector: options.detector),
            kind: destination.kind, destination: entry.name)

        if !entry.messages.isEmpty {
            let client = try HTTPClient(timeout: options.timeout)
            let deadline = Date().addingTimeInterval(options.retry.retryFor)
            for (index, message) in entry.messages.enumerated() {
                if index > 0, Date() >= deadline {
                    entry.problem = "no time left to retry (--retry-for \(HTTPError.seconds(options.retry.retryFor)) s); the rest goes out on the next run"
                    break
                }
                let result = try send(message, to: destination, client: client, deadline: deadline,
                                      entry: &entry, outbox: outbox, logger: log)
                if case .gaveUp = result { break }
            }
        }

        let outstanding = try outbox.outstanding(destination: entry.name, detector: options.detector)
        entry.pending = outstanding.pending
        entry.failed = outstanding.failed
        if entry.problem == nil, entry.failed > 0 { entry.problem = outstanding.lastFailure }
        return entry
    }

    private enum SendResult { case delivered, refused, gaveUp }

    /// Posts one message until a 2xx, a permanent refusal, or no retry fits before `deadline` (the transport's
    /// rules); every attempt is recorded in the outbox as it ends.
    private func send(_ message: OutgoingMessage, to destination: Destination, client: HTTPClient, deadline: Date,
                      entry: inout DestinationReport, outbox: DeliveryOutbox, logger: Logger) throws -> SendResult {
        var log = logger
        log[metadataKey: "message"] = "\(message.messageID)"
        let transport = RetryingTransport(client: client, policy: options.retry, logger: log)
        func record(_ outcome: DeliveryOutbox.Outcome) throws {
            try outbox.record(outcome, alertIDs: message.alertIDs, destination: entry.name, now: Clock.nowUTC(),
                              notice: message.notice)
        }
        var retried = 0
        let outcome = try transport.send(deadline: deadline, describe: Notifier.describe, onRetryable: { status, failure in
            retried += 1
            try record(.stillPending(status: status, error: failure))
        }, request: {
            HTTPRequest(method: .post, url: destination.url, headers: headers(for: message, destination), body: message.body)
        })
        entry.attempts += retried
        switch outcome {
        case let .answered(response, attempts):
            entry.attempts += 1
            if response.isSuccess {
                try record(.delivered(status: response.status))
                if message.notice == nil { entry.delivered += message.alertIDs.count } else { entry.notices += message.alertIDs.count }
                entry.posts += 1
                log.info("delivered", metadata: ["alerts": "\(message.alertIDs.count)", "status": "\(response.status)", "attempt": "\(attempts)"])
                return .delivered
            }
            let failure = Notifier.describe(response)
            try record(.refused(status: response.status, error: failure))
            entry.problem = failure
            log.error("refused for good, not retried", metadata: ["status": "\(response.status)", "answer": "\(failure)"])
            return .refused
        case let .refused(error, _):
            entry.attempts += 1
            try record(.refused(status: nil, error: "\(error)"))
            entry.problem = "\(error)"
            log.error("refused for good, not retried", metadata: ["reason": "\(error)"])
            return .refused
        case let .gaveUp(failure, attempts):
            entry.problem = "\(failure); no retry fits in --retry-for \(HTTPError.seconds(options.retry.retryFor)) s "
                + "(\(attempts) attempt\(attempts == 1 ? "" : "s")), so it stays pending for the next run"
            return .gaveUp
        }
    }

    /// The bodies for one destination: one Slack message, or the webhook body split by size.
    /// Each alert goes with its evidence and, when late tickets brought it, says so, naming the alerts of its
    /// incident the destination already had.
    func messages(for alerts: [Alert], kind: DestinationKind, name: String) throws -> [OutgoingMessage] {
        let ids = alerts.map(\.id)
        let evidence = try Evidence.load(ids, in: warehouse.db)
        let late = try AlertStore(db: warehouse.db).lateIDs(among: ids)
        let outbox = DeliveryOutbox(db: warehouse.db)
        let reconfirmed = try outbox.reconfirmed(destination: name)
        let lateIncidents = Set(alerts.filter { late.contains($0.id) }.compactMap(\.incident))
        let sentBefore = try outbox.delivered(incidents: lateIncidents, destination: name, excluding: Set(ids))
        switch kind {
        case .slack:
            return SlackMessage.message(for: alerts, destination: name, evidence: evidence, late: late,
                                        reconfirmed: reconfirmed, sentBefore: sentBefore).map { [$0] } ?? []
        case .webhook:
            return WebhookPayload.messages(for: alerts, destination: name, maxBytes: options.webhookMaxBytes,
                                           evidence: evidence, late: late, reconfirmed: reconfirmed,
                                           sentBefore: sentBefore.mapValues { $0.map(\.id) })
        }
    }

    /// Standard Webhooks headers for generic webhooks: `webhook-id` (stable across retries), the attempt's
    /// `webhook-timestamp`, and `webhook-signature` when a signing secret is configured. Slack gets none.
    func headers(for message: OutgoingMessage, _ destination: Destination) -> [(name: String, value: String)] {
        guard destination.kind == .webhook else { return [] }
        let timestamp = Int(Date().timeIntervalSince1970)
        var headers = [(name: "webhook-id", value: message.messageID), (name: "webhook-timestamp", value: String(timestamp))]
        if let key = destination.signingKey {
            headers.append((name: "webhook-signature", value: key.signature(id: message.messageID, timestamp: timestamp, body: message.body)))
        }
        return headers
    }

    /// "HTTP 410: channel_is_archived": the status and the receiver's own words (Slack answers in plain text),
    /// on one line and cut short.
    static func describe(_ response: HTTPResponse) -> String {
        let words = response.body.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? " " : String($0) }.joined()
            .split(separator: " ").joined(separator: " ")
        let text = words.count > 200 ? String(words.prefix(199)) + "…" : words
        return "HTTP \(response.status)" + (text.isEmpty ? "" : ": \(text)")
    }
}
