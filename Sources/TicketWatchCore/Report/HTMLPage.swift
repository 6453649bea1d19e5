import Foundation

/// The report page: one self-contained HTML file (inline CSS and SVG, no script, no font or image from anywhere),
/// readable offline and as an e-mail attachment.
struct HTMLPage {
    let content: ReportContent?
    let warehousePath: String
    let generatedAt: String

    func render() -> String {
        var body = ""
        if let content {
            body += header(content)
            body += summary(content)
            body += plots(content)
            body += alertTable(content)
        } else {
            body += "<header><h1>TicketWatch</h1><p>The warehouse has no tickets in this period yet: load some with "
                + "<code>ticketwatch ingest</code> and run <code>ticketwatch aggregate</code>.</p></header>"
        }
        body += "<footer><p>Generated \(HTMLText.escape(generatedAt)) from <code>\(HTMLText.escape(warehousePath))</code>. "
            + "The same alerts are in the warehouse: <code>sqlite3 \(HTMLText.escape(warehousePath)) "
            + "\"SELECT date, signal, level, value, z FROM alerts ORDER BY date\"</code>.</p></footer>"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>TicketWatch report \(content.map { "\($0.periodStart) – \($0.periodEnd)" } ?? "")</title>
            <style>\(HTMLPage.css)</style>
            </head>
            <body>
            <main>
            \(body)
            </main>
            </body>
            </html>

            """
    }

    private func header(_ c: ReportContent) -> String {
        let which = c.detectorFilter.map { "detector <code>\(HTMLText.escape($0))</code>" } ?? "all detectors"
        return "<header><h1>TicketWatch report</h1><p class=\"period\">\(c.periodStart) to \(c.periodEnd) · \(which)</p></header>\n"
    }

    private func summary(_ c: ReportContent) -> String {
        let days = c.periodEnd.daysSinceEpoch - c.periodStart.daysSinceEpoch + 1
        var bySignal: [String: Int] = [:]
        for alert in c.alerts { bySignal[alert.signal, default: 0] += 1 }
        var html = "<section class=\"summary\"><h2>Summary</h2><div class=\"cards\">"
        html += card("\(days)", "days")
        html += card(c.tickets.formatted(), "tickets")
        html += card("\(c.alerts.count)", c.alerts.count == 1 ? "alert" : "alerts")
        for (signal, n) in bySignal.sorted(by: { $0.key < $1.key }) { html += card("\(n)", signal) }
        html += "</div>"
        let newest = c.alerts.sorted { ($0.date, $0.signal, $0.level) > ($1.date, $1.signal, $1.level) }.prefix(10)
        if newest.isEmpty {
            html += "<p>No alerts in this period.</p>"
        } else {
            html += "<h3>Newest alerts</h3><ol class=\"newest\">"
            for alert in newest {
                html += "<li><span class=\"date\">\(HTMLText.escape(alert.date))</span> \(link(alert, c, HTMLText.escape(describe(alert))))"
                html += "<div class=\"reason\">\(HTMLText.escape(reason(alert)))</div></li>"
            }
            html += "</ol>"
        }
        return html + "</section>\n"
    }

    private func plots(_ c: ReportContent) -> String {
        var html = "<section class=\"plots\"><h2>Plots</h2>"
        let detectorBands = c.allSeries.contains { $0.bandSource == .detector }
        let notebookBands = c.allSeries.contains { $0.bandSource == .notebook }
        var keys = [("line", "daily value")]
        if detectorBands {
            keys += [("band detector", "expected by the default detector (central 99 % of its model)"),
                     ("expected", "its expected value"),
                     ("not-judged", "day it did not judge (gap, warm-up, quiet)"),
                     ("band-notebook", "the notebook's band (rolling mean ± threshold × std, as each caption says)")]
        }
        if notebookBands {
            keys.append(("band notebook", detectorBands ? "the notebook's band, where the default detector kept none"
                         : "expected band: the notebook's rolling mean ± threshold × std (as each caption says)"))
        }
        keys.append(("marker", "alert"))
        html += "<p class=\"legend\">"
            + keys.map { "<span class=\"item\"><span class=\"key \($0.0)\"></span>\($0.1)</span>" }.joined(separator: " ")
            + "</p>"
        for (title, group) in [("Global", c.global), ("Queues", c.queues), ("Tags", c.tags)] where !group.isEmpty {
            html += "<h3>\(title)</h3>"
            for series in group {
                let count = series.alerts.count
                // The title is HTML, not SVG text, so it stays readable when the chart is scaled down on a phone.
                html += "<figure id=\"\(series.anchor)\"><h4>\(HTMLText.escape(series.title))</h4>"
                html += "<div class=\"chart-scroll\">\(SVGChart(series: series).render())</div>"
                html += "<figcaption>\(count == 0 ? "no alerts" : count == 1 ? "1 alert" : "\(count) alerts") · \(HTMLText.escape(series.bandLabel))</figcaption></figure>\n"
            }
        }
        if !c.unplottedLevels.isEmpty {
            html += "<p>Not plotted, to keep the page small (their alerts are in the table): "
                + c.unplottedLevels.map { "<code>\(HTMLText.escape($0))</code>" }.joined(separator: ", ") + "</p>"
        }
        return html + "</section>\n"
    }

    private func alertTable(_ c: ReportContent) -> String {
        var html = "<section class=\"alerts\"><h2>All alerts, by day</h2>"
        guard !c.alerts.isEmpty else { return html + "<p>None.</p></section>\n" }
        let byDay = Dictionary(grouping: c.alerts, by: \.date)
        html += "<div class=\"table-wrap\"><table><thead><tr><th>signal</th><th>level</th><th>value</th><th>expected</th>"
            + "<th>z</th><th>detector</th><th>id</th><th>state</th></tr></thead>"
        for day in byDay.keys.sorted(by: >) {
            html += "<tbody><tr class=\"day\"><th colspan=\"8\">\(HTMLText.escape(day))</th></tr>"
            for alert in byDay[day]!.sorted(by: { ($0.signal, $0.level) < ($1.signal, $1.level) }) {
                html += "<tr><td>\(HTMLText.escape(alert.signal))</td><td>\(link(alert, c, HTMLText.escape(alert.level)))</td>"
                html += "<td class=\"num\">\(number(alert.value, alert))</td>"
                html += "<td class=\"num\">\(alert.baselineMean.map { number($0, alert) } ?? "")</td>"
                html += "<td class=\"num\">\(String(format: "%.2f", alert.z))</td><td>\(HTMLText.escape(alert.detector))</td>"
                html += "<td><code>\(HTMLText.escape(alert.id))</code></td>"
                html += "<td class=\"state\">\(HTMLText.escape(c.states[alert.id]?.summary ?? ""))</td></tr>"
                if let evidence = c.evidence[alert.id] {
                    html += "<tr class=\"evidence\"><td colspan=\"8\">\(evidenceHTML(evidence, alert))</td></tr>"
                }
            }
            html += "</tbody>"
        }
        return html + "</table></div></section>\n"
    }

    /// Baseline, what was most common and what moved with it, then the example tickets (id and subject).
    private func evidenceHTML(_ e: Evidence, _ alert: Alert) -> String {
        var parts: [String] = []
        if let days = e.baselineDays {
            parts.append("baseline \(days) days" + (e.baselineWindow.map { " (\(HTMLText.escape($0)))" } ?? ""))
        }
        parts.append("\(e.tickets) \(alert.signal == "high_rate" ? "high-priority tickets" : "tickets") that day")
        if let kind = e.commonKind, !e.common.isEmpty {
            parts.append("mostly \(kind) " + e.common.map { "\(HTMLText.escape($0.name)) (\($0.tickets))" }.joined(separator: ", "))
        }
        if !e.movedWith.isEmpty {
            parts.append("moved with " + e.movedWith.map { HTMLText.escape($0.level) }.joined(separator: ", "))
        }
        var html = parts.joined(separator: " · ")
        if !e.examples.isEmpty {
            html += "<ul class=\"examples\">" + e.examples.map { example in
                "<li><code>\(HTMLText.escape(example.ticketID))</code>" + (example.subject.map { " \(HTMLText.escape($0))" } ?? "") + "</li>"
            }.joined() + "</ul>"
        }
        return html
    }

    private func card(_ value: String, _ label: String) -> String {
        "<div class=\"card\"><div class=\"value\">\(HTMLText.escape(value))</div><div class=\"label\">\(HTMLText.escape(label))</div></div>"
    }

    /// `escapedText` is already HTML.
    private func link(_ alert: Alert, _ c: ReportContent, _ escapedText: String) -> String {
        guard let anchor = c.anchor(for: alert) else { return escapedText }
        return "<a href=\"#\(anchor)\">\(escapedText)</a>"
    }

    private func describe(_ alert: Alert) -> String {
        "\(alert.signal) · \(alert.level)"
    }

    /// The detector's own words when it stored some (`details.reason`), else the figures.
    private func reason(_ alert: Alert) -> String {
        if let details = alert.details, let data = details.data(using: .utf8),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let reason = object["reason"] as? String {
            return reason
        }
        var text = "value \(plain(alert.value, alert))"
        if let mean = alert.baselineMean { text += " against a rolling mean of \(plain(mean, alert))" }
        return text + ", z \(String(format: "%.2f", alert.z)) ≥ \(alert.threshold.formatted()) (\(alert.detector))"
    }

    private func number(_ v: Double, _ alert: Alert) -> String { HTMLText.escape(plain(v, alert)) }

    private func plain(_ v: Double, _ alert: Alert) -> String {
        alert.signal.hasSuffix("_rate") ? String(format: "%.1f%%", v * 100) : (v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v))
    }

    static let css = """
        :root { --ink: #1d2433; --muted: #5b6475; --line: #2563eb; --band: rgba(37,99,235,.14); --band-notebook: rgba(217,119,6,.13); --alert: #dc2626; --rule: #e3e6ec; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
        main { max-width: 1400px; margin: 0 auto; padding: 16px; }
        h1 { margin: 0 0 4px; font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
        .period { color: var(--muted); margin: 0; }
        .cards { display: flex; flex-wrap: wrap; gap: 10px; }
        .card { border: 1px solid var(--rule); border-radius: 8px; padding: 8px 14px; min-width: 110px; }
        .card .value { font-size: 1.4rem; font-weight: 600; } .card .label { color: var(--muted); font-size: .85rem; }
        .newest li { margin-bottom: 6px; } .newest .date { font-variant-numeric: tabular-nums; color: var(--muted); margin-right: 6px; }
        .reason { color: var(--muted); font-size: .9rem; }
        figure { margin: 0 0 18px; } figcaption { color: var(--muted); font-size: .8rem; }
        svg.chart { display: block; max-width: 100%; height: auto; background: #fff; }
        h4 { margin: 0 0 2px; font-size: 1rem; }
        .axis { font-size: 13px; fill: var(--muted); } .grid { stroke: var(--rule); } .tick, .axis-line { stroke: #9aa3b2; }
        .band { fill: var(--band); stroke: none; } .band.notebook { fill: var(--band-notebook); }
        .expected { fill: none; stroke: #1e3a8a; stroke-width: 1; stroke-dasharray: 4 3; opacity: .7; }
        .band-notebook { fill: none; stroke: #b45309; stroke-width: 1; stroke-dasharray: 2 3; opacity: .8; }
        .not-judged { fill: rgba(148,163,184,.22); }
        .line { fill: none; stroke: var(--line); stroke-width: 1.6; stroke-linejoin: round; }
        .evidence td { color: var(--muted); font-size: .85em; padding-top: 0; }
        .evidence ul.examples { margin: .2em 0 .4em 1.2em; padding: 0; }
        .alert-marker { fill: var(--alert); stroke: #fff; stroke-width: 1.5; }
        .legend .key { display: inline-block; width: 18px; height: 10px; margin: 0 4px 0 0; vertical-align: middle; }
        .legend .key.line { border-top: 2px solid var(--line); height: 0; } .legend .key.band { background: var(--band); }
        .legend .key.band.notebook { background: var(--band-notebook); }
        .legend .key.expected { border-top: 1px dashed #1e3a8a; height: 0; }
        .legend .key.band-notebook { border-top: 1px dashed #b45309; height: 0; }
        .legend .key.not-judged { background: rgba(148,163,184,.35); }
        .legend .item { display: inline-block; margin-right: 10px; }
        .legend .key.marker { width: 10px; border-radius: 50%; background: var(--alert); }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; } tr.day th { background: #f4f6f9; }
        code { font-size: .85em; word-break: break-all; }
        footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
        .chart-scroll { overflow-x: auto; direction: rtl; }  /* on a narrow screen, start scrolled to the newest days */
        .chart-scroll svg { direction: ltr; }
        @media (max-width: 640px) { main { padding: 8px; } svg.chart { min-width: 720px; } .card { min-width: 90px; } th, td { padding: 3px 4px; } }
        """
}
