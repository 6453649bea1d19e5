/// Where a ticket's day comes from. Real exports carry timestamps; the notebook's public data set does not,
/// so it offers two pseudo-timelines (its options A and B), recorded per file in `ingest_files.timeline`.
public enum Timeline: Equatable, Sendable {
    /// The file's own date column.
    case timestamps
    /// Each record a seeded pseudo-random day in `days` days from `start` (the notebook's option A: 120 days
    /// from 2025-01-01, seed 42). Deterministic: the same file gives the same days.
    case synthetic(seed: UInt64, days: Int, start: CivilDate)
    /// Records 1…N on `start`, the next N on the following day, and so on (the notebook's option B).
    case batch(perDay: Int, start: CivilDate)

    public static let defaultStart = CivilDate(year: 2025, month: 1, day: 1)!

    /// Parses `timestamps`, `synthetic` or `batch:N`.
    public init(parsing text: String) throws {
        let lower = text.lowercased()
        if lower == "timestamps" {
            self = .timestamps
        } else if lower == "synthetic" {
            self = .synthetic(seed: 42, days: 120, start: Timeline.defaultStart)
        } else if lower.hasPrefix("batch:"), let n = Int(lower.dropFirst(6)), n > 0 {
            self = .batch(perDay: n, start: Timeline.defaultStart)
        } else {
            throw IngestError.badTimeline(text)
        }
    }

    /// As recorded in `ingest_files.timeline`.
    public var recorded: String {
        switch self {
        case .timestamps: "timestamps"
        case let .synthetic(seed, days, start): "synthetic:seed=\(seed):days=\(days):start=\(start)"
        case let .batch(perDay, start): "batch:\(perDay):start=\(start)"
        }
    }
}

/// Assigns pseudo-timeline days to records in file order.
struct TimelineClock {
    private let timeline: Timeline
    private var random: SplitMix64
    private var recordIndex = 0

    init(_ timeline: Timeline) {
        self.timeline = timeline
        if case let .synthetic(seed, _, _) = timeline {
            random = SplitMix64(seed: seed)
        } else {
            random = SplitMix64(seed: 0)
        }
    }

    /// The day of the next record (every record draws, bad ones included, so one bad row does not shift the
    /// days of all rows after it). Nil for `.timestamps`.
    mutating func nextDay() -> CivilDate? {
        defer { recordIndex += 1 }
        switch timeline {
        case .timestamps:
            return nil
        case let .synthetic(_, days, start):
            return start.adding(days: Int(random.next() % UInt64(days)))
        case let .batch(perDay, start):
            return start.adding(days: recordIndex / perDay)
        }
    }
}

/// A small, fast, seedable generator (Vigna's SplitMix64): deterministic across platforms and Swift versions,
/// unlike the standard library's unseeded generator.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
