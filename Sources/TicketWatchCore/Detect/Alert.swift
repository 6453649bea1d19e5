import Crypto
import Foundation

/// One detection: what was unusual (signal and level) on which day, by how much, against which baseline.
///
/// The warehouse keeps one row per detector, date, signal and level; `id` is derived from exactly those four so
/// that chat messages, `explain ID` and the report name the same alert in any warehouse.
public struct Alert: Sendable, Equatable, Identifiable {
    public var detector: String
    /// YYYY-MM-DD, in the warehouse's time zone.
    public var date: String
    public var signal: String
    /// `global`, `queue:NAME` or `tag:NAME`; names verbatim.
    public var level: String
    public var value: Double
    public var z: Double
    public var threshold: Double
    public var baselineMean: Double?
    public var baselineStd: Double?
    public var incident: String?
    /// JSON text with whatever else a person needs to judge the alert.
    public var details: String?

    public init(
        detector: String, date: String, signal: String, level: String,
        value: Double, z: Double, threshold: Double,
        baselineMean: Double? = nil, baselineStd: Double? = nil,
        incident: String? = nil, details: String? = nil
    ) {
        self.detector = detector
        self.date = date
        self.signal = signal
        self.level = level
        self.value = value
        self.z = z
        self.threshold = threshold
        self.baselineMean = baselineMean
        self.baselineStd = baselineStd
        self.incident = incident
        self.details = details
    }

    /// The stable id: first 16 lowercase hex digits of SHA-256("detector|date|signal|level").
    public var id: String {
        Alert.id(detector: detector, date: date, signal: signal, level: level)
    }

    public static func id(detector: String, date: String, signal: String, level: String) -> String {
        let digest = SHA256.hash(data: Data("\(detector)|\(date)|\(signal)|\(level)".utf8))
        return digest.prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The notebook's output order (date, signal, level), comparing UTF-8 bytes as Python compares code points;
    /// Swift's `<` on String normalises first and could order some names differently.
    public static func precedes(_ a: Alert, _ b: Alert) -> Bool {
        for (x, y) in [(a.date, b.date), (a.signal, b.signal), (a.level, b.level)] where !x.utf8.elementsEqual(y.utf8) {
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return false
    }
}
