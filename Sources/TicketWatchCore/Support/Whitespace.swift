/// Whitespace trimming for the loader's hot path. Foundation's `trimmingCharacters(in:)` bridges through
/// NSString and cost a fifth of a load's time. This checks ASCII by value and asks for Unicode properties only
/// for non-ASCII scalars, then copies the kept span once. It trims what Python's `str.strip()` trims (Unicode
/// White_Space plus the ASCII separators 0x1C–0x1F), so names match the notebook's.
extension StringProtocol {
    var trimmedWhitespace: String {
        let scalars = Substring(self).unicodeScalars
        var lo = scalars.startIndex, hi = scalars.endIndex
        while lo < hi, isStripped(scalars[lo]) { lo = scalars.index(after: lo) }
        while hi > lo {
            let before = scalars.index(before: hi)
            guard isStripped(scalars[before]) else { break }
            hi = before
        }
        return String(Substring(scalars[lo..<hi]))
    }
}

@inline(__always)
private func isStripped(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    if v < 0x80 { return v == 0x20 || (0x09...0x0d).contains(v) || (0x1c...0x1f).contains(v) }
    return scalar.properties.isWhitespace
}
