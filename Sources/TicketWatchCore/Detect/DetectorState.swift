/// How the default detector classified a day (table detector_days).
enum DayStatus: String {
    /// Judged: every watched series was tested.
    case judged
    /// Tickets, but too little usable history before it to judge; part of later baselines.
    case warmup
    /// No ticket at all, and the baseline makes an empty day plausible: a real zero, part of later baselines.
    case quiet
    /// No ticket at all where the baseline expects traffic (or inside an episode): the feed was empty, reported as
    /// `no_data`. Not judged, and left out of every later baseline, so the empty days neither lower the level nor
    /// make the next normal day look like a spike.
    case gap
    /// Tickets, but far fewer than the baseline expects (or inside an episode): a feed that half stopped, reported
    /// as `volume_drop`. Not judged (the missing part skews every share) and left out of baselines, as a gap.
    case drop

    var isUsable: Bool { !isEpisode }
    /// A day of a feed episode (`DayClassifier`).
    var isEpisode: Bool { self == .gap || self == .drop }
}

/// The default detector's memory in the warehouse: which days it judged (detector_days) and what it found on
/// them, alerted or not (detector_findings), so that each run judges only new days and continues incidents
/// exactly as one run over all days would.
struct DetectorState {
    let db: Database
    let detector: String

    /// The last day judged (any status), as days since the epoch.
    func lastJudgedDay() throws -> Int? {
        try db.scalar("SELECT max(day) FROM detector_days WHERE detector = ?", [.text(detector)])?
            .string.flatMap(CivilDate.init)?.daysSinceEpoch
    }

    /// Stored statuses of the days `from...through`, by days since the epoch.
    func statuses(from first: Int, through last: Int) throws -> [Int: DayStatus] {
        var result: [Int: DayStatus] = [:]
        for row in try db.query("""
            SELECT day, status FROM detector_days WHERE detector = ? AND day BETWEEN ? AND ?
            """, [.text(detector), .text(CivilDate(daysSinceEpoch: first).description),
                  .text(CivilDate(daysSinceEpoch: last).description)]) {
            if let day = row[0].string.flatMap(CivilDate.init), let status = row[1].string.flatMap(DayStatus.init) {
                result[day.daysSinceEpoch] = status
            }
        }
        return result
    }

    /// Restores the incident memory from the findings of the days `from...through` (the days a new run's first
    /// day can continue from), with `slot(day)` mapping days since the epoch to the run's slots.
    func restore(into tracker: inout IncidentTracker, from first: Int, through last: Int, slot: (Int) -> Int) throws {
        guard first <= last else { return }
        let rows = try db.query("""
            SELECT day, signal, level, incident FROM detector_findings
            WHERE detector = ? AND day BETWEEN ? AND ? ORDER BY day
            """, [.text(detector), .text(CivilDate(daysSinceEpoch: first).description),
                  .text(CivilDate(daysSinceEpoch: last).description)])
        var incidents = Set<String>()
        for row in rows {
            guard let day = row[0].string.flatMap(CivilDate.init), let signal = row[1].string,
                  let level = row[2].string, let incident = row[3].string else { continue }
            tracker.lastSeen[Finding.seriesKey(signal: signal, level: level)] = IncidentTracker.Memory(incident: incident, slot: slot(day.daysSinceEpoch))
            incidents.insert(incident)
        }
        for incident in incidents.sorted() {
            let start = try db.scalar("SELECT min(day) FROM detector_findings WHERE detector = ? AND incident = ?",
                                      [.text(detector), .text(incident)])?.string.flatMap(CivilDate.init)
            if let start { tracker.started[incident] = slot(start.daysSinceEpoch) }
            let largest = try db.scalar("""
                SELECT max(size) FROM (SELECT sum(max(excess, 0)) AS size FROM detector_findings
                WHERE detector = ? AND incident = ? AND alerted = 1 GROUP BY day)
                """, [.text(detector), .text(incident)])?.double
            if let largest { tracker.largestAlerted[incident] = largest }
        }
    }

    func record(day: String, status: DayStatus, now: String, figures: String? = nil) throws {
        try db.run("INSERT OR REPLACE INTO detector_days (detector, day, status, judged_at, figures) VALUES (?, ?, ?, ?, ?)",
                   [.text(detector), .text(day), .text(status.rawValue), .text(now), SQLValue(figures)])
    }

    /// The first of the days `from...through` whose aggregates differ from those it was judged on, as days since
    /// the epoch. Days judged before fingerprints were kept (schema 1) have none and are left alone.
    func firstChangedDay(from first: Int, through last: Int) throws -> Int? {
        guard first <= last else { return nil }
        let rows = try db.query("""
            SELECT day, figures FROM detector_days WHERE detector = ? AND day BETWEEN ? AND ? AND figures IS NOT NULL
            ORDER BY day
            """, [.text(detector), .text(CivilDate(daysSinceEpoch: first).description),
                  .text(CivilDate(daysSinceEpoch: last).description)])
        for row in rows {
            guard let day = row[0].string, let date = CivilDate(day) else { continue }
            if try DayFingerprint.of(day, in: db) != row[1].string { return date.daysSinceEpoch }
        }
        return nil
    }

    /// Forgets what was judged from `day` on, so those days are judged again exactly as a first time.
    func forget(from day: Int) throws {
        let text = CivilDate(daysSinceEpoch: day).description
        try db.run("DELETE FROM detector_findings WHERE detector = ? AND day >= ?", [.text(detector), .text(text)])
        try db.run("DELETE FROM detector_days WHERE detector = ? AND day >= ?", [.text(detector), .text(text)])
        try db.run("DELETE FROM detector_expectations WHERE detector = ? AND day >= ?", [.text(detector), .text(text)])
    }

    func record(day: String, finding: Finding, incident: String, alerted: Bool) throws {
        try db.run("""
            INSERT OR REPLACE INTO detector_findings (detector, day, signal, level, incident, value, excess, p, alerted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(detector), .text(day), .text(finding.signal), .text(finding.level), .text(incident),
                  .real(finding.value), .real(finding.excess), .real(finding.p), .integer(alerted ? 1 : 0)])
    }
}
