/// The queues, tags and priorities one load has seen, each with a dense id. The validator interns names as it
/// reads them; a `TicketBatch` copies the bytes it needs (the inserter's thread never reads this while the
/// caller adds to it), and the day counts go by id, named from here once the load is over.
///
/// Its interners and tables are `@exclusivity(unchecked)`: a class's stored properties are otherwise checked for
/// exclusive access at run time on every use, a check per tag interned and several per ticket written (a twentieth
/// of the reading thread's instructions). The vocabulary belongs to one thread and no access to it overlaps another.
final class LoadVocabulary {
    /// The source's priority names and what each becomes; records the names met for `priority_names`.
    private(set) var priorityNames: PriorityVocabulary

    init(source: TicketSource = .generic, priorityMap: [String: String] = [:]) {
        priorityNames = PriorityVocabulary(source: source, map: priorityMap)
    }

    /// Queues verbatim, as `tickets.queue` stores them.
    @exclusivity(unchecked) var queues = NameInterner()
    /// Tags trimmed, as `ticket_tags.tag` gives them.
    @exclusivity(unchecked) var tags = NameInterner()
    /// Priorities in the warehouse's vocabulary (`PriorityVocabulary`), as `tickets.priority` stores them.
    @exclusivity(unchecked) var priorities = NameInterner()
    /// Priorities as written, each mapped once to its normalised id (-1: empty once trimmed).
    @exclusivity(unchecked) private var writtenPriorities = NameInterner()
    @exclusivity(unchecked) private var normalisedOfWritten: [Int32] = []

    /// Each tag as a quoted JSON string, escaped once per distinct tag rather than once per ticket.
    private let tagJSON = ByteArena(capacity: 16 * 1024)
    @exclusivity(unchecked) private var tagJSONStarts: [Int] = [0]

    /// Appends the tags as a JSON array, as `tickets.tags` stores them.
    func appendTagsJSON(_ ids: [Int32], to arena: ByteArena) {
        arena.append(count: 1) { $0[0] = UInt8(ascii: "[") }
        for (k, id) in ids.enumerated() {
            if k > 0 { arena.append(count: 1) { $0[0] = UInt8(ascii: ",") } }
            while tagJSONStarts.count <= Int(id) + 1 {
                ByteText.appendJSONString(tags.bytes(Int32(tagJSONStarts.count - 1)), to: tagJSON)
                tagJSONStarts.append(tagJSON.count)
            }
            let start = tagJSONStarts[Int(id)]
            arena.append(tagJSON.span(start, tagJSONStarts[Int(id) + 1] - start))
        }
        arena.append(count: 1) { $0[0] = UInt8(ascii: "]") }
    }

    /// The normalised id of a priority as the input wrote it, or -1 when nothing is left after trimming.
    func priority(written bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let written = writtenPriorities.intern(bytes)
        if Int(written) < normalisedOfWritten.count { return normalisedOfWritten[Int(written)] }
        // Once per distinct spelling, so the String work costs nothing here.
        let normalised = priorityNames.normalize(String(decoding: bytes, as: UTF8.self)).map { priorities.intern($0) } ?? -1
        normalisedOfWritten.append(normalised)
        return normalised
    }
}

@available(*, unavailable, message: "belongs to one loader on one thread")
extension LoadVocabulary: Sendable {}
