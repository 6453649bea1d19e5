/// Whitespace trimming as Python's `str.strip()` does it (Unicode White_Space plus the ASCII separators
/// 0x1C–0x1F), so names match the notebook's. One rule on bytes, for the loader's hot path (Foundation's
/// `trimmingCharacters(in:)` bridges through NSString and cost a fifth of a load), and its String form.
enum Whitespace {
    /// `bytes` without leading and trailing whitespace: ASCII is checked by value, Unicode properties are asked
    /// for non-ASCII scalars only. Expects valid UTF-8 (every String is; the readers check files first).
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let p = bytes.baseAddress else { return bytes }
        var lo = 0, hi = bytes.count
        while lo < hi {
            let b = p[lo]
            if b < 0x80 {
                guard isStrippedASCII(b) else { break }
                lo += 1
            } else {
                let (scalar, length) = decode(p + lo, hi - lo)
                guard scalar.properties.isWhitespace else { break }
                lo += length
            }
        }
        while hi > lo {
            let b = p[hi - 1]
            if b < 0x80 {
                guard isStrippedASCII(b) else { break }
                hi -= 1
            } else {
                var start = hi - 1
                while start > lo && p[start] & 0xC0 == 0x80 { start -= 1 }
                let (scalar, _) = decode(p + start, hi - start)
                guard scalar.properties.isWhitespace else { break }
                hi = start
            }
        }
        return UnsafeBufferPointer(start: p + lo, count: hi - lo)
    }

    @inline(__always)
    private static func isStrippedASCII(_ b: UInt8) -> Bool {
        b == 0x20 || (0x09...0x0d).contains(b) || (0x1c...0x1f).contains(b)
    }

    /// The scalar starting at `p` and its length in bytes; U+FFFD for anything malformed.
    private static func decode(_ p: UnsafePointer<UInt8>, _ available: Int) -> (Unicode.Scalar, Int) {
        let b0 = UInt32(p[0])
        let length = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1
        guard length > 1, length <= available else { return ("\u{FFFD}", 1) }
        var value = b0 & (0x7F >> UInt32(length))
        for k in 1..<length { value = value << 6 | UInt32(p[k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }
}

extension StringProtocol {
    var trimmedWhitespace: String {
        var text = String(self)
        return text.withUTF8 { String(decoding: Whitespace.trimmed($0), as: UTF8.self) }
    }
}
