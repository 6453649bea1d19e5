/// Strict UTF-8 validation (Unicode Table 3-7) over raw bytes, without building a String: the scanners hand out
/// bytes, and rejecting bad input must be cheap enough to run on every field of a million-row file.
/// Overlong forms, surrogates (ED A0..BF), code points above U+10FFFF and truncated sequences are invalid.
/// U+0000 is valid UTF-8; rejecting NUL is the caller's decision.
enum UTF8Validation {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = bytes.baseAddress else { return true }
        let n = bytes.count
        var i = 0
        while i < n {
            // ASCII runs dominate real data: test eight bytes at a time.
            while i + 8 <= n {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            guard i < n else { break }
            let b0 = p[i]
            if b0 < 0x80 {
                i += 1
            } else if b0 < 0xC2 {
                return false  // stray continuation byte, or C0/C1 (always overlong)
            } else if b0 < 0xE0 {
                guard i + 1 < n, p[i + 1] & 0xC0 == 0x80 else { return false }
                i += 2
            } else if b0 < 0xF0 {
                guard i + 2 < n else { return false }
                let b1 = p[i + 1]
                let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80  // E0 80..9F would be overlong
                let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF  // ED A0..BF would be a surrogate
                guard b1 >= low, b1 <= high, p[i + 2] & 0xC0 == 0x80 else { return false }
                i += 3
            } else if b0 < 0xF5 {
                guard i + 3 < n else { return false }
                let b1 = p[i + 1]
                let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80  // F0 80..8F would be overlong
                let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF  // F4 90.. would pass U+10FFFF
                guard b1 >= low, b1 <= high, p[i + 2] & 0xC0 == 0x80, p[i + 3] & 0xC0 == 0x80 else { return false }
                i += 4
            } else {
                return false
            }
        }
        return true
    }

    static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isValid($0) }
    }
}
