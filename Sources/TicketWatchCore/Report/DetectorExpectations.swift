/// What the default detector expected on the days a report shows (detector_expectations), and how it classified
/// them (detector_days): the bands a plot draws when that detector ran, read for the shown days only.
struct DetectorExpectations {
    /// By "signal|level|definition", by calendar index.
    private var rows: [String: [Int: Expectation]] = [:]
    /// Days of the calendar the detector classified without judging them: gap, drop, warmup or quiet, by index.
    private(set) var notJudged: [Int: String] = [:]
    /// High-priority definitions the detector's high_rate expectations count, as priority lists.
    private(set) var highSets: Set<[String]> = []

    var isEmpty: Bool { rows.isEmpty }

    /// Reads the detector's rows of the days `from...through`; `index` maps a day to its calendar index.
    static func load(from db: Database, detector: String, from first: CivilDate, through last: CivilDate,
                     index: [String: Int]) throws -> DetectorExpectations {
        var result = DetectorExpectations()
        let range: [SQLValue] = [.text(detector), .text(first.description), .text(last.description)]
        for row in try db.query("""
            SELECT day, signal, level, expected, lower, upper, model, definition FROM detector_expectations
            WHERE detector = ? AND day BETWEEN ? AND ?
            """, range) {
            guard let i = row[0].string.flatMap({ index[$0] }), let signal = row[1].string, let level = row[2].string,
                  let expected = row[3].double, let lower = row[4].double, let upper = row[5].double else { continue }
            let definition = row[7].string
            result.rows[key(signal, level, definition), default: [:]][i] = Expectation(
                signal: signal, level: level, expected: expected, lower: lower, upper: upper,
                model: row[6].string ?? "", definition: definition)
            if signal == "high_rate", let definition {
                result.highSets.insert(definition.split(separator: ",").map(String.init))
            }
        }
        for row in try db.query("""
            SELECT day, status FROM detector_days WHERE detector = ? AND day BETWEEN ? AND ? AND status <> 'judged'
            """, range) {
            if let i = row[0].string.flatMap({ index[$0] }), let status = row[1].string { result.notJudged[i] = status }
        }
        return result
    }

    /// The series' expectations by calendar index; empty when the detector kept none for it in the period.
    func series(signal: String, level: String, highSet: [String]? = nil) -> [Int: Expectation] {
        rows[Self.key(signal, level, highSet?.joined(separator: ","))] ?? [:]
    }

    private static func key(_ signal: String, _ level: String, _ definition: String?) -> String {
        "\(signal)|\(level)|\(definition ?? "")"
    }
}
