/// Whitespace trimming for the loader's hot path. Foundation's `trimmingCharacters(in:)` bridges through
/// NSString and cost a fifth of a load's time; this walks Unicode scalars directly and returns the text itself,
/// without copying, when there is nothing to trim (the usual case). It trims what Python's `str.strip()` trims
/// (Unicode White_Space), so names match the notebook's.
extension StringProtocol {
    var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex, let whole = self as? String {
            return whole
        }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
