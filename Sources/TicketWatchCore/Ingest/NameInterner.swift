import Foundation

/// Gives each distinct name (a queue, a tag, a priority) a small dense id, looked up straight from the bytes a
/// scanner hands out, without building a String. A year of tickets names a few hundred queues and tags but
/// millions of times; dense ids let the loader count per day in flat arrays and bind each name from one copy.
///
/// A struct with mutating methods, not a class: a class's stored arrays are checked for exclusive access at run
/// time on every element access, which cost a tenth of a load. Copies share the stored bytes; keep one owner.
struct NameInterner {
    private let storage = ByteArena(capacity: 16 * 1024)
    /// Name `id` is `storage[starts[id] ..< starts[id + 1]]`.
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open addressing, linear probing; -1 is empty. Kept at most half full.
    private var slots: [Int32] = Array(repeating: -1, count: 256)

    var count: Int { hashes.count }

    /// The id of `bytes`, adding the name when it is new.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = NameInterner.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if hashes[Int(id)] == hash && equals(Int(id), bytes) { return id }
            slot = (slot + 1) & mask
        }
        let id = Int32(hashes.count)
        storage.append(bytes)
        starts.append(storage.count)
        hashes.append(hash)
        slots[slot] = id
        if hashes.count * 2 > slots.count { rehash() }
        return id
    }

    mutating func intern(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { intern($0) }
    }

    /// The name's bytes; valid until the next `intern` of a new name.
    func bytes(_ id: Int32) -> UnsafeBufferPointer<UInt8> {
        let i = Int(id)
        return storage.span(starts[i], starts[i + 1] - starts[i])
    }

    func string(_ id: Int32) -> String { String(decoding: bytes(id), as: UTF8.self) }

    private func equals(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = starts[id + 1] - starts[id]
        guard length == bytes.count else { return false }
        guard length > 0, let other = bytes.baseAddress else { return true }
        return memcmp(storage.base + starts[id], other, length) == 0
    }

    private mutating func rehash() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    /// Eight bytes a step, multiply-and-fold mixing: names are hashed once per occurrence, millions of times a
    /// load, and byte-at-a-time FNV cost more than the lookup it served. Not stored anywhere, so free to change.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let p = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        while i < bytes.count {
            tail = tail << 8 | UInt64(p[i])
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }
}

@available(*, unavailable, message: "belongs to one loader on one thread")
extension NameInterner: Sendable {}
