import Foundation

/// A ticket that passed validation, in the form it is stored.
struct ValidTicket {
    let ticketID: String
    let createdAtUTC: String
    let day: CivilDate
    let queue: String?
    let priority: String?
    let priorityRaw: String?
    let subject: String?
    let tags: [String]
    let contentHash: Int64
    /// UTC ISO 8601, as `created_at`; nil when the export has no update time.
    let updatedAtUTC: String?
    let channel: String?
    let ticketType: String?
}

/// Turns what a record said into a stored ticket, or into the reason it is rejected.
struct TicketValidator {
    var timestamps: TimestampParser
    /// Used as ticket id prefix when the file has no id column: ids then come from the file and line.
    let fileKey: String
    let hasIDColumn: Bool
    /// Turns the source's priority names into the warehouse's words, remembering the names met.
    var priorities: PriorityVocabulary

    init(timestamps: TimestampParser, fileKey: String, hasIDColumn: Bool,
         priorities: PriorityVocabulary = PriorityVocabulary(source: .generic)) {
        self.timestamps = timestamps
        self.fileKey = fileKey
        self.hasIDColumn = hasIDColumn
        self.priorities = priorities
    }

    enum Outcome {
        case valid(ValidTicket)
        case rejected(String)
    }

    mutating func validate(_ raw: RawTicket, line: Int, timelineDay: CivilDate?) -> Outcome {
        let ticketID: String
        if hasIDColumn {
            guard let id = raw.ticketID?.trimmedWhitespace, !id.isEmpty else {
                return .rejected("missing required field ticket_id")
            }
            ticketID = id
        } else {
            ticketID = "\(fileKey):\(line)"
        }

        let resolved: ResolvedTimestamp
        if let timelineDay {
            resolved = ResolvedTimestamp(epochSeconds: timelineDay.daysSinceEpoch * 86_400, day: timelineDay)
        } else {
            guard let text = raw.createdAt, !text.trimmedWhitespace.isEmpty else {
                return .rejected("missing required field created_at")
            }
            guard let parsed = timestamps.parse(text) else {
                return .rejected("unparseable created_at '\(text.prefix(60))': \(TimestampParser.expectedForm)")
            }
            resolved = parsed
        }

        let queue = raw.queue.flatMap { $0.isEmpty ? nil : $0 }
        let priorityRaw = raw.priority.flatMap { $0.isEmpty ? nil : $0 }
        let priority = priorityRaw.flatMap { priorities.normalize($0) }
        let subject = raw.subject.flatMap { $0.isEmpty ? nil : $0 }
        let createdAt = resolved.utcText
        var updatedAt: String?
        if let text = raw.updatedAt, !text.trimmedWhitespace.isEmpty {
            guard let parsed = timestamps.parse(text) else {
                return .rejected("unparseable updated_at '\(text.prefix(60))': \(TimestampParser.expectedForm)")
            }
            updatedAt = parsed.utcText
        }
        let channel = raw.channel.flatMap { $0.isEmpty ? nil : $0 }
        let ticketType = raw.ticketType.flatMap { $0.isEmpty ? nil : $0 }

        var hash = FNV1a()
        hash.combine(createdAt)
        hash.combine(queue)
        hash.combine(priorityRaw)
        for tag in raw.tags { hash.combine(tag) }
        hash.combine(subject)
        // Only when present, so a generic ticket keeps the hash it had before these fields existed (a re-export
        // of a file loaded by an older version is then still an unchanged repeat).
        if channel != nil || ticketType != nil {
            hash.combine(channel)
            hash.combine(ticketType)
        }

        return .valid(ValidTicket(
            ticketID: ticketID, createdAtUTC: createdAt, day: resolved.day, queue: queue, priority: priority,
            priorityRaw: priorityRaw, subject: subject, tags: raw.tags, contentHash: hash.int64,
            updatedAtUTC: updatedAt, channel: channel, ticketType: ticketType))
    }
}
