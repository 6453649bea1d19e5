/// The words an export writes for "no value" (`#N/B`, `NULL`, `N/A`, `?`), compared on trimmed bytes. Only built
/// when `--null` names some, so a file without markers pays nothing per field.
struct NullMarkers {
    private let markers: [[UInt8]]

    init?(_ markers: [String]) {
        let bytes = markers.map { Array($0.trimmedWhitespace.utf8) }.filter { !$0.isEmpty }
        guard !bytes.isEmpty else { return nil }
        self.markers = bytes
    }

    /// The marker `value` is, if it is one.
    func marker(_ value: UnsafeBufferPointer<UInt8>?) -> String? {
        guard let value else { return nil }
        let trimmed = Whitespace.trimmed(value)
        guard let hit = markers.first(where: { $0.elementsEqual(trimmed) }) else { return nil }
        return String(decoding: hit, as: UTF8.self)
    }

    func isMarker(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { marker($0) != nil }
    }

    /// `value`, or nil when it is a marker: the field is missing.
    func clear(_ value: UnsafeBufferPointer<UInt8>?) -> UnsafeBufferPointer<UInt8>? {
        marker(value) == nil ? value : nil
    }
}
