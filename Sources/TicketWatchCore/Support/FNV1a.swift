/// FNV-1a, 64 bit: a cheap, stable content fingerprint for one ticket. It only has to tell a re-exported ticket
/// with changed fields from an identical repeat, not resist an adversary (files use SHA-256 for that).
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
    }

    public mutating func combine(_ text: String?) {
        if let text { combine(text.utf8) }
        combine(CollectionOfOne(0x1f))  // field separator: ("ab","c") and ("a","bc") differ
    }

    /// As SQLite stores it: the same bits, signed.
    public var int64: Int64 { Int64(bitPattern: value) }
}
