/// Groups one day's findings into incidents and decides which incidents on-call hears about that day.
///
/// Same day: two findings are one incident when the same tickets explain them — a queue and a tag when at least
/// half of the smaller surge's excess tickets are tickets of that queue carrying that tag (likewise two tags); a
/// queue or tag and tickets_total when the queue's or tag's excess is at least half of the total's; a queue or
/// tag and high_rate when at least half of the smaller excess is high-priority tickets in it. Links are
/// transitive.
/// Across days: a group continues an incident when one of its series had a finding in that incident within
/// `incidentGapDays` + 1 days before; the oldest such incident wins.
/// Alerting: a new incident is alerted; an ongoing one only when its excess tickets that day exceed its largest
/// alerted day by the `growth` fraction. Findings that are not alerted are still remembered (they keep the
/// incident going).
struct IncidentTracker {
    struct Memory {
        var incident: String
        var slot: Int
    }

    /// The last finding of each series (seriesKey → incident and day slot).
    var lastSeen: [String: Memory] = [:]
    /// Per incident: the largest excess of an alerted day, and the slot it started on.
    var largestAlerted: [String: Double] = [:]
    var started: [String: Int] = [:]

    let growth: Double
    let gapDays: Int

    init(growth: Double, gapDays: Int) {
        self.growth = growth
        self.gapDays = gapDays
    }

    struct Assignment {
        var incident: String
        var alerted: Bool
    }

    /// `overlap(i, j)`: tickets of the day in both findings' sets (queue/tag pairs), or in finding j's set that
    /// are high priority when i is high_rate. Returns one assignment per finding, in order.
    mutating func assign(_ findings: [Finding], slot: Int, date: String, detector: String,
                         overlap: (Int, Int) -> Double) -> [Assignment] {
        guard !findings.isEmpty else { return [] }
        var parent = Array(findings.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        func link(_ a: Int, _ b: Int) { parent[root(a)] = root(b) }

        for i in findings.indices {
            for j in findings.indices where j > i {
                let a = findings[i], b = findings[j]
                let aPart = a.kind == .queue || a.kind == .tag, bPart = b.kind == .queue || b.kind == .tag
                if aPart && bPart {
                    if a.kind == .queue && b.kind == .queue { continue }   // a ticket has one queue
                    let shared = overlap(i, j)
                    if shared > 0, shared >= 0.5 * min(max(a.excess, 1), max(b.excess, 1)) { link(i, j) }
                } else if (a.kind == .total && bPart) || (b.kind == .total && aPart) {
                    let (total, part) = a.kind == .total ? (a, b) : (b, a)
                    if part.excess >= 0.5 * total.excess { link(i, j) }
                } else if (a.kind == .high && bPart) || (b.kind == .high && aPart) {
                    let (h, other) = a.kind == .high ? (i, j) : (j, i)
                    let shared = overlap(h, other)
                    if shared > 0, shared >= 0.5 * min(max(findings[h].excess, 1), max(findings[other].excess, 1)) {
                        link(i, j)
                    }
                }
            }
        }

        var groups: [Int: [Int]] = [:]
        for i in findings.indices { groups[root(i), default: []].append(i) }
        var result = [Assignment](repeating: Assignment(incident: "", alerted: false), count: findings.count)
        // Groups in the order of their first finding, so ids and outcomes do not depend on hashing.
        for members in groups.values.sorted(by: { $0[0] < $1[0] }) {
            var continued: String?
            for i in members {
                guard let memory = lastSeen[findings[i].seriesKey], slot - memory.slot <= gapDays + 1 else { continue }
                if let current = continued {
                    let a = started[memory.incident] ?? slot, b = started[current] ?? slot
                    if a < b || (a == b && memory.incident < current) { continued = memory.incident }
                } else {
                    continued = memory.incident
                }
            }
            let size = members.reduce(0.0) { $0 + max(findings[$1].excess, 0) }
            let incident: String
            let alerted: Bool
            if let continued {
                incident = continued
                alerted = size > (1 + growth) * (largestAlerted[continued] ?? 0)
            } else {
                // Named after the strongest finding of the day it started: the day and that alert's id.
                let strongest = members.min { a, b in
                    findings[a].p != findings[b].p ? findings[a].p < findings[b].p : a < b
                }!
                let f = findings[strongest]
                incident = date + "-" + Alert.id(detector: detector, date: date, signal: f.signal, level: f.level).prefix(8)
                started[incident] = slot
                alerted = true
            }
            if alerted { largestAlerted[incident] = max(largestAlerted[incident] ?? 0, size) }
            for i in members {
                result[i] = Assignment(incident: incident, alerted: alerted)
                lastSeen[findings[i].seriesKey] = Memory(incident: incident, slot: slot)
            }
        }
        return result
    }
}
