import Foundation

/// Sample tickets for `ticketwatch demo`, generated rather than embedded (a data file compiled into the binary
/// costs minutes of build time). Seeded, so every demo shows the same data: four months of ordinary traffic
/// with a weekly rhythm, and one incident — a login outage that floods IT Support — for the detectors to find.
public struct DemoDataGenerator {
    public var start = CivilDate(year: 2025, month: 1, day: 1)!
    public var days = 120
    public var ticketsPerWeekday = 140.0
    public var seed: UInt64 = 2025
    /// The incident's day: a Wednesday, well after the detectors have a baseline.
    public var incidentDay = CivilDate(year: 2025, month: 3, day: 19)!
    public var incidentTickets = 260

    public init() {}

    private struct Queue {
        let name: String
        let weight: Double
        let tags: [String]
        let subjects: [String]
    }

    private static let queues: [Queue] = [
        Queue(name: "Technical Support", weight: 0.30, tags: ["Bug", "Performance", "Software", "Integration"],
              subjects: ["App crashes when exporting reports", "Sync between devices is slow", "API returns 500 on upload"]),
        Queue(name: "Customer Service", weight: 0.18, tags: ["Account", "Feedback", "Documentation"],
              subjects: ["How do I change my plan?", "Request for a copy of my data", "Feedback on the new dashboard"]),
        Queue(name: "Billing and Payments", weight: 0.14, tags: ["Billing", "Refund", "Invoice"],
              subjects: ["Charged twice this month", "Invoice shows the wrong VAT number", "Refund not received"]),
        Queue(name: "Product Support", weight: 0.14, tags: ["Feature", "Documentation", "Performance"],
              subjects: ["Where is the bulk edit option?", "Dashboard widgets do not load", "Question about permissions"]),
        Queue(name: "IT Support", weight: 0.10, tags: ["Login", "Network", "Security"],
              subjects: ["VPN disconnects every hour", "Password reset link expired", "New laptop setup"]),
        Queue(name: "Returns and Exchanges", weight: 0.06, tags: ["Returns", "Shipping"],
              subjects: ["Return label not working", "Exchange for a different size"]),
        Queue(name: "Sales and Pre-Sales", weight: 0.05, tags: ["Pricing", "Feature"],
              subjects: ["Volume discount for 200 seats?", "Does the Pro plan include SSO?"]),
        Queue(name: "Service Outages and Maintenance", weight: 0.03, tags: ["Outage", "Maintenance"],
              subjects: ["Scheduled maintenance window question", "Status page shows degraded service"]),
    ]
    private static let priorities: [(String, Double)] = [("low", 0.30), ("medium", 0.45), ("high", 0.22), ("urgent", 0.03)]
    private static let weekdayFactor = [1.1, 1.15, 1.1, 1.05, 1.0, 0.55, 0.5]

    /// Writes the tickets as CSV (the input format `ingest` reads) and returns how many were written.
    @discardableResult
    public func writeCSV(to path: String) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? out.close() }
        var rng = SplitMix64(seed: seed)
        var buffer = "ticket_id,created_at,queue,priority,tags,subject\n"
        var count = 0
        for offset in 0..<days {
            let day = start.adding(days: offset)
            let mean = ticketsPerWeekday * DemoDataGenerator.weekdayFactor[day.weekday] * (1 + 0.1 * Double(offset) / Double(days))
            let volume = Int((mean * (0.88 + 0.24 * rng.unit())).rounded())
            for _ in 0..<volume {
                count += 1
                buffer += row(id: count, day: day, queue: pickQueue(&rng), incident: false, rng: &rng)
            }
            if day == incidentDay {
                let outage = DemoDataGenerator.queues.first { $0.name == "IT Support" }!
                for _ in 0..<incidentTickets {
                    count += 1
                    buffer += row(id: count, day: day, queue: outage, incident: true, rng: &rng)
                }
            }
            try out.write(contentsOf: Data(buffer.utf8))
            buffer = ""
        }
        return count
    }

    private func pickQueue(_ rng: inout SplitMix64) -> Queue {
        var r = rng.unit()
        for queue in DemoDataGenerator.queues {
            r -= queue.weight
            if r < 0 { return queue }
        }
        return DemoDataGenerator.queues[0]
    }

    private func row(id: Int, day: CivilDate, queue: Queue, incident: Bool, rng: inout SplitMix64) -> String {
        let second = Int(rng.next() % 86_400)
        let time = String(format: "%02d:%02d:%02d", second / 3600, second / 60 % 60, second % 60)
        let priority: String
        let tags: [String]
        let subject: String
        if incident {
            priority = rng.unit() < 0.7 ? "high" : "urgent"
            tags = ["Login", "Outage", "Security"]
            subject = ["Cannot log in: SSO error 502", "Login page times out", "Locked out after password reset"][Int(rng.next() % 3)]
        } else {
            var r = rng.unit()
            priority = DemoDataGenerator.priorities.first { r -= $0.1; return r < 0 }?.0 ?? "medium"
            let n = 1 + Int(rng.next() % UInt64(min(3, queue.tags.count)))
            tags = Array(queue.tags.shuffled(using: &rng).prefix(n))
            subject = queue.subjects[Int(rng.next() % UInt64(queue.subjects.count))]
        }
        let quotedSubject = "\"" + subject.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return "DEMO-\(id),\(day)T\(time)Z,\(queue.name),\(priority),\(tags.joined(separator: " | ")),\(quotedSubject)\n"
    }
}

extension SplitMix64 {
    /// A uniform draw in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
