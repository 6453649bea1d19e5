import Foundation

/// Draws one daily series as inline SVG: axes with dates and values, the expected band, the line, and a marker on
/// every alert day. The markers carry `data-date`, `data-signal`, `data-detector` and `data-alert-id`, so tests
/// (and curious people) can check that they are exactly the stored alerts.
///
/// The SVG scales to its container (viewBox, width 100 %), so it reads at 1400 px and on a phone alike.
struct SVGChart {
    let series: ReportSeries
    static let width = 1000.0
    static let height = 240.0
    private let left = 62.0, right = 14.0, top = 12.0, bottom = 36.0

    func render() -> String {
        let plotWidth = SVGChart.width - left - right
        let plotHeight = SVGChart.height - top - bottom
        let count = max(series.days.count, 1)
        let maxValue = series.values.compactMap { $0 }.max() ?? 0
        let maxBand = series.band.compactMap { $0?.upper }.max() ?? 0
        let yTicks = SVGChart.niceTicks(upTo: max(maxValue, maxBand, series.unit == .rate ? 0.05 : 1))
        let yMax = yTicks.last ?? 1
        func x(_ i: Int) -> Double { left + (count == 1 ? plotWidth / 2 : plotWidth * Double(i) / Double(count - 1)) }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - v / yMax) }

        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(SVGChart.width)) \(Int(SVGChart.height))" width="100%" role="img" \
            aria-labelledby="\(series.anchor)-title" data-level="\(HTMLText.escape(series.level))" data-signal="\(HTMLText.escape(series.signal))">
            <title id="\(series.anchor)-title">\(HTMLText.escape(series.title))</title>

            """
        // Horizontal grid and value labels.
        for tick in yTicks {
            let ty = fmt(y(tick))
            svg += "<line class=\"grid\" x1=\"\(fmt(left))\" x2=\"\(fmt(left + plotWidth))\" y1=\"\(ty)\" y2=\"\(ty)\"/>"
            svg += "<text class=\"axis\" x=\"\(fmt(left - 6))\" y=\"\(ty)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(valueLabel(tick))</text>\n"
        }
        // Date labels: about eight, on month starts when the period is long.
        for i in dateTickIndices() {
            let tx = fmt(x(i))
            svg += "<line class=\"tick\" x1=\"\(tx)\" x2=\"\(tx)\" y1=\"\(fmt(top + plotHeight))\" y2=\"\(fmt(top + plotHeight + 4))\"/>"
            svg += "<text class=\"axis\" x=\"\(tx)\" y=\"\(fmt(SVGChart.height - 12))\" text-anchor=\"middle\">\(dateLabel(series.days[i]))</text>\n"
        }
        svg += "<line class=\"axis-line\" x1=\"\(fmt(left))\" x2=\"\(fmt(left + plotWidth))\" y1=\"\(fmt(top + plotHeight))\" y2=\"\(fmt(top + plotHeight))\"/>\n"

        // Days the default detector did not judge: a hatched column each, so an empty band there reads as
        // "not judged", not as "anything goes".
        let step = count > 1 ? plotWidth / Double(count - 1) : plotWidth
        for (i, status) in series.notJudged.enumerated() {
            guard let status else { continue }
            let x0 = max(left, x(i) - step / 2), x1 = min(left + plotWidth, x(i) + step / 2)
            let words = HTMLText.escape(SVGChart.statusWords(status))
            svg += "<rect class=\"not-judged\" x=\"\(fmt(x0))\" y=\"\(fmt(top))\" width=\"\(fmt(max(x1 - x0, 1)))\" "
                + "height=\"\(fmt(plotHeight))\" data-date=\"\(series.days[i])\" "
                + "data-status=\"\(HTMLText.escape(status))\">"
                + "<title>\(series.days[i]): not judged (\(words))</title></rect>\n"
        }
        // The band, as one polygon per stretch of days that have one.
        let source = series.bandSource.rawValue
        for run in runs(where: { series.band[$0] != nil }) {
            let upper = run.map { "\(fmt(x($0))),\(fmt(y(min(series.band[$0]!.upper, yMax))))" }
            let lower = run.reversed().map { "\(fmt(x($0))),\(fmt(y(min(series.band[$0]!.lower, yMax))))" }
            svg += "<polygon class=\"band \(source)\" data-band=\"\(source)\" data-first=\"\(series.days[run[0]])\" "
                + "points=\"\((upper + lower).joined(separator: " "))\">"
                + "<title>\(HTMLText.escape(series.bandLabel))</title></polygon>\n"
        }
        // The detector's expected value, and the notebook's band as two thin lines (clipped to the plot: it is a
        // secondary picture and must not squash the scale).
        for run in runs(where: { series.expected.indices.contains($0) && series.expected[$0] != nil }) {
            let points = run.map { "\(fmt(x($0))),\(fmt(y(min(series.expected[$0]!, yMax))))" }
            svg += "<polyline class=\"expected\" points=\"\(points.joined(separator: " "))\"/>\n"
        }
        for run in runs(where: { series.secondaryBand.indices.contains($0) && series.secondaryBand[$0] != nil }) {
            let edges = run.map { series.secondaryBand[$0]! }
            for edge in [edges.map { $0.lower }, edges.map { $0.upper }] {
                let points = zip(run, edge).map { "\(fmt(x($0))),\(fmt(y(min($1, yMax))))" }
                svg += "<polyline class=\"band-notebook\" points=\"\(points.joined(separator: " "))\"/>\n"
            }
        }
        // The values, broken where undefined.
        for run in runs(where: { series.values[$0] != nil }) {
            let points = run.map { "\(fmt(x($0))),\(fmt(y(series.values[$0]!)))" }
            svg += "<polyline class=\"line\" points=\"\(points.joined(separator: " "))\"/>\n"
        }
        // One marker per stored alert.
        let dayIndex = Dictionary(uniqueKeysWithValues: series.days.enumerated().map { ($1.description, $0) })
        for alert in series.alerts {
            guard let i = dayIndex[alert.date] else { continue }
            let value = series.values[i] ?? alert.value
            svg += """
                <circle class="alert-marker" cx="\(fmt(x(i)))" cy="\(fmt(y(min(value, yMax))))" r="5.5" \
                data-date="\(HTMLText.escape(alert.date))" data-signal="\(HTMLText.escape(alert.signal))" data-detector="\(HTMLText.escape(alert.detector))" \
                data-alert-id="\(HTMLText.escape(alert.id))"><title>\(HTMLText.escape(alert.date)) · \(HTMLText.escape(alert.signal)) · \(valueLabel(alert.value)) (z \(String(format: "%.2f", alert.z)), \(HTMLText.escape(alert.detector)))</title></circle>

                """
        }
        svg += "</svg>"
        return svg
    }

    /// Stretches of consecutive day indices for which `include` holds.
    private func runs(where include: (Int) -> Bool) -> [[Int]] {
        var result: [[Int]] = [], current: [Int] = []
        for i in series.days.indices {
            if include(i) { current.append(i) } else if !current.isEmpty { result.append(current); current = [] }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    private func dateTickIndices() -> [Int] {
        let days = series.days
        guard !days.isEmpty else { return [] }
        if days.count > 62 {
            let starts = days.indices.filter { days[$0].day == 1 }
            let step = max(1, Int((Double(starts.count) / 9).rounded(.up)))
            return stride(from: 0, to: starts.count, by: step).map { starts[$0] }
        }
        let step = max(1, days.count / 8)
        return Array(stride(from: 0, to: days.count, by: step))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private func dateLabel(_ day: CivilDate) -> String {
        let span = (series.days.last?.daysSinceEpoch ?? 0) - (series.days.first?.daysSinceEpoch ?? 0)
        if span > 62, day.day == 1 { return day.month == 1 ? "\(SVGChart.months[0]) \(day.year)" : SVGChart.months[day.month - 1] }
        return "\(SVGChart.months[day.month - 1]) \(day.day)"
    }

    private func valueLabel(_ v: Double) -> String {
        switch series.unit {
        case .rate: String(format: "%.0f%%", v * 100)
        case .count: v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
        }
    }

    private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    /// Why a day was not judged, in words (detector_days' statuses).
    static func statusWords(_ status: String) -> String {
        switch status {
        case "gap": "no tickets where traffic was expected: a gap in the feed (no_data)"
        case "drop": "far fewer tickets than expected: a drop in the feed (volume_drop)"
        case "warmup": "too little history yet"
        case "quiet": "no tickets, as expected"
        default: status
        }
    }

    /// 0 and four or five round steps up to at least `maximum`.
    static func niceTicks(upTo maximum: Double) -> [Double] {
        let raw = maximum / 4
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let n = Int((maximum / step).rounded(.up))
        return (0...max(n, 1)).map { Double($0) * step }
    }
}
