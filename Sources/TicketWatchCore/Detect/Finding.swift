import Foundation

/// One series that passed the day's false-discovery cut: what the detector found before incident grouping
/// decides whether it becomes an alert.
struct Finding {
    /// `feed`: a day of a feed episode (`DayClassifier`), outside the day's false-discovery cut.
    enum Kind { case total, high, queue, tag, feed }

    /// The feed episode signals (level `global`): a day without any ticket, and a day with far too few.
    static let noData = "no_data", volumeDrop = "volume_drop"

    var kind: Kind
    var signal: String
    var level: String
    /// The queue or tag name (empty for the global signals).
    var name: String
    var value: Double
    var expected: Double
    var std: Double
    var p: Double
    var weight: Double
    /// The series' share of its family's rate before normalising: its support (occurrences in the season window)
    /// raised to the options' support exponent; 1 for the global signals.
    var mass: Double = 1
    /// Tickets above the expected number (for high_rate: high-priority tickets above the expected share).
    var excess: Double
    /// The span test's excess tickets per day, when the span was tested: a surge spread over days can matter
    /// while no single day's excess does.
    var spanExcessPerDay: Double?
    var reason: String
    var facts: [(String, String)] = []

    /// signal|level: a series' identity across days (new_term and tag_volume of one tag are the same series).
    var seriesKey: String { Self.seriesKey(signal: signal, level: level) }

    /// The series of a signal and level: the global signals by name, no_data and volume_drop as one (`feed`, so
    /// that a stop and the trickle after it are one episode), queues and tags by level.
    static func seriesKey(signal: String, level: String) -> String {
        switch signal {
        case "tickets_total", "high_rate": signal
        case noData, volumeDrop: "feed"
        default: level
        }
    }

    var z: Double { CountTests.normalScore(upperTail: p) }

    /// Whether the excess is large enough to matter: at least `floor` tickets on the day, or a day on average over
    /// the span.
    func matters(floor: Double) -> Bool { max(excess, spanExcessPerDay ?? -.infinity) >= floor }
}

/// A minimal JSON object writer with a fixed key order, so stored details are byte-identical run to run.
struct JSONObject {
    private var parts: [String] = []

    mutating func add(_ key: String, _ value: String) { parts.append(JSONObject.quote(key) + ":" + JSONObject.quote(value)) }
    mutating func add(_ key: String, _ value: Double) { parts.append(JSONObject.quote(key) + ":" + JSONObject.number(value)) }
    mutating func add(_ key: String, _ value: Int) { parts.append(JSONObject.quote(key) + ":" + String(value)) }
    mutating func add(_ key: String, raw: String) { parts.append(JSONObject.quote(key) + ":" + raw) }

    var text: String { "{" + parts.joined(separator: ",") + "}" }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }

    /// The notifier's JSON string escaping, so stored details and webhook bodies quote names alike.
    static func quote(_ text: String) -> String { JSONValue.string(text).serialized() }

    static func array(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ",") + "]" }
}

enum Wording {
    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// 2410 → "2,410"; fractional expectations get one decimal below 10.
    static func count(_ value: Double) -> String {
        if abs(value) < 10, value != value.rounded() { return String(format: "%.1f", value) }
        let whole = Int(value.rounded())
        let digits = String(abs(whole))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (whole < 0 ? "-" : "") + out
    }

    static func percent(_ share: Double) -> String {
        share >= 0.1 ? String(format: "%.0f%%", share * 100) : String(format: "%.1f%%", share * 100)
    }

    static func ratio(_ value: Double, _ expected: Double) -> String {
        expected > 0 ? String(format: "%.1f×", value / expected) : "far above"
    }
}
