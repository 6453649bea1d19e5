/// The default detector's parameters. The defaults are the values the evaluation (scripts/evaluate-detectors.py,
/// docs/detectors.md) chose on its tuning streams.
public struct DefaultDetectorOptions: Sendable, Equatable {
    /// How readily the detector alerts: sets the false-discovery rate and the practical floor together, unless
    /// either is given itself.
    public var sensitivity: Sensitivity = .normal
    /// False-discovery rate of each day's tests (Benjamini–Hochberg, the rate split between total volume,
    /// high-priority share, queues and tags by the family weights): on a day where nothing happened, the chance of
    /// any alert is about this much. The sensitivity's unless set.
    public var falseDiscoveryRate: Double {
        get { falseDiscoveryRateGiven ?? sensitivity.falseDiscoveryRate }
        set { falseDiscoveryRateGiven = newValue }
    }
    private var falseDiscoveryRateGiven: Double?
    /// An excess must matter as well as be unlikely: a finding whose excess tickets (on the day, or a day on
    /// average over its span) are below this share of an average day's tickets (the volume level, weekday
    /// factor aside) is not alerted. The sensitivity's unless set.
    public var practicalFloor: Double {
        get { practicalFloorGiven ?? sensitivity.practicalFloor }
        set { practicalFloorGiven = newValue }
    }
    private var practicalFloorGiven: Double?
    /// How the rate is split between the four families of tests: each family gets its weight over the sum of the
    /// weights present that day, then shares it among its series (`supportExponent`). One total-volume test a day
    /// can carry a large part of the rate cheaply, while a family of hundreds of tags needs a small p per tag anyway.
    public var weights: FamilyWeights
    /// Within the queue and tag families, each series' share of the rate is proportional to its support (its
    /// occurrences in the season window, before the day judged) to this power; 0 shares evenly. At 1 the rate
    /// follows the tickets: a busy queue or tag, whose surges are modest against its size, gets most of it; a
    /// rare one, whose surges are many times its usual count, clears a far smaller cut anyway.
    public var supportExponent: Double = 1
    /// Days of history for the weekday profile, the volume spread and the new-term memory.
    public var seasonWindow: Int
    /// Days over which the recent level of the total volume is taken (a mean, outlying days left out).
    public var levelWindow: Int
    /// Days over which a queue's, tag's or the high-priority share is taken.
    public var shareWindow: Int
    /// Days summed by the span test (the day judged and the days before it; 1: single days only), and the share
    /// of each series' test given to the span (`SpanTest`).
    public var spanDays: Int
    public var spanWeight: Double
    /// Usable days needed before a day is judged at all.
    public var minHistory: Int
    /// Occurrences in the season window that make a queue or tag watched (below: only new_term can fire).
    public var minSupport: Int
    /// The mix of a day (high share, queues, tags, new terms) is judged only when its total is at most this many
    /// times the share window's average day: after a jump of that order the history is too thin for the new mix.
    public var mixJumpRatio = 10.0
    /// Tickets a queue or tag needs on the day to be alerted at all.
    public var minCount: Int
    /// A queue or tag seen at most this often in the season window is "new".
    public var newTermMaxHistory: Int
    /// Tickets a new queue or tag needs on the day for new_term.
    public var newTermMinCount: Int
    /// Priorities (lower-cased) counted as high for high_rate.
    public var highPriorities: [String]
    /// Holidays (YYYY-MM-DD): judged like a Sunday, and part of Sunday's baseline instead of their weekday's, so
    /// that a quiet Christmas Day neither looks like a collapse nor drags the next Wednesdays' expectation down.
    public var holidays: [String] = []
    /// A day without any ticket is a gap in the feed (`no_data`: not judged, left out of baselines) when the
    /// baseline gives an empty day less than this probability; otherwise it is a quiet day and counts as zero.
    /// The cut of a feed episode (`DayClassifier`) is this or, when larger, the total-volume family's part of the
    /// false-discovery rate.
    public var gapProbability: Double
    /// An ongoing incident is alerted again only when its excess tickets exceed its largest alerted day by
    /// this fraction.
    public var growth: Double
    /// Days without a finding after which an incident is over (a new surge of the same series is a new incident).
    public var incidentGapDays: Int
    /// How many of the newest judged days a run checks for late tickets: when one of them has changed, the run
    /// judges it and every day after it again (new alerts are marked late, vanished ones withdrawn).
    public var lateDays = 3
    /// Mornings of grace before the days after the newest ticket are judged as empty, when a run is asked to judge
    /// through a later day (`run --inbox`, `detect --through`): day D is judged on the morning of D + 1 + this, so
    /// an export that is merely late is not called missing, and one that stopped is one alert within two mornings
    /// (at the default 1), not silence.
    public var staleAfterDays = 1
    /// A day is a drop in volume (`volume_drop`), or continues a feed episode, only when its total is at most this
    /// fraction of the expected count: a drop must matter as well as be unlikely (`DayClassifier`).
    public var dropRatio = 0.6

    public init(
        falseDiscoveryRate: Double? = nil, weights: FamilyWeights = FamilyWeights(total: 2), seasonWindow: Int = 364,
        levelWindow: Int = 28, shareWindow: Int = 112, spanDays: Int = 3, spanWeight: Double = 0.35, minHistory: Int = 14, minSupport: Int = 3,
        minCount: Int = 5, newTermMaxHistory: Int = 2, newTermMinCount: Int = 5,
        highPriorities: [String] = ["high", "urgent"], gapProbability: Double = 0.001, growth: Double = 0.25,
        incidentGapDays: Int = 1
    ) {
        self.falseDiscoveryRateGiven = falseDiscoveryRate
        self.weights = weights
        self.seasonWindow = seasonWindow
        self.levelWindow = levelWindow
        self.shareWindow = shareWindow
        self.spanDays = spanDays
        self.spanWeight = spanWeight
        self.minHistory = minHistory
        self.minSupport = minSupport
        self.minCount = minCount
        self.newTermMaxHistory = newTermMaxHistory
        self.newTermMinCount = newTermMinCount
        self.highPriorities = highPriorities
        self.gapProbability = gapProbability
        self.growth = growth
        self.incidentGapDays = incidentGapDays
    }

    /// Why these options cannot be used, or nil when they can.
    public var problem: String? {
        if lateDays < 0 { return "late days cannot be negative" }
        if staleAfterDays < 0 { return "stale-after days cannot be negative" }
        if !(dropRatio > 0 && dropRatio < 1) { return "the drop ratio must be between 0 and 1" }
        if !(falseDiscoveryRate > 0 && falseDiscoveryRate < 1) { return "the false-discovery rate must be between 0 and 1" }
        if !(practicalFloor >= 0 && practicalFloor < 1) { return "the practical floor must be in [0, 1)" }
        if let problem = weights.problem { return problem }
        if !(supportExponent >= 0 && supportExponent <= 1) { return "the support exponent must be between 0 and 1" }
        if levelWindow < 7 || shareWindow < 7 || seasonWindow < 14 { return "windows must be at least 7 days (season: 14)" }
        if shareWindow > seasonWindow || levelWindow > seasonWindow { return "the share and level windows cannot exceed the season window" }
        if spanDays < 1 || spanDays > 14 { return "span days must be between 1 and 14" }
        if !(spanWeight > 0 && spanWeight < 1) { return "the span weight must be between 0 and 1" }
        if minHistory < 7 || minHistory > seasonWindow { return "min history must be between 7 days and the season window" }
        if minSupport <= newTermMaxHistory { return "min support must exceed the new-term history" }
        if minCount < 1 || newTermMinCount < 1 { return "minimum counts must be at least 1" }
        if highPriorities.isEmpty { return "the high-priority set cannot be empty" }
        if let bad = holidays.first(where: { CivilDate($0) == nil }) { return "holiday '\(bad)' is not a date (YYYY-MM-DD)" }
        if !(gapProbability >= 0 && gapProbability < 1) { return "the gap probability must be in [0, 1)" }
        if growth < 0 { return "growth cannot be negative" }
        if incidentGapDays < 0 { return "incident gap days cannot be negative" }
        return nil
    }
}

/// The split of the daily false-discovery rate between the four families of tests (see
/// `DefaultDetectorOptions.weights`). Only ratios matter; a family absent on a day gives its part to the others.
public struct FamilyWeights: Sendable, Equatable {
    public var total: Double
    public var highRate: Double
    public var queues: Double
    public var tags: Double

    public init(total: Double = 1, highRate: Double = 1, queues: Double = 1, tags: Double = 1) {
        self.total = total
        self.highRate = highRate
        self.queues = queues
        self.tags = tags
    }

    func weight(of kind: Finding.Kind) -> Double {
        switch kind {
        case .total: total
        case .high: highRate
        case .queue: queues
        case .tag: tags
        case .feed: 0   // feed episodes are decided outside the false-discovery cut (`DayClassifier`)
        }
    }

    var problem: String? {
        [total, highRate, queues, tags].allSatisfy({ $0 > 0 && $0.isFinite }) ? nil : "family weights must be positive"
    }
}

/// Three settings of how readily the default detector alerts, each a false-discovery rate and a practical floor
/// measured together (docs/detectors.md, "On real traffic"): what a team can set without learning the statistics.
public enum Sensitivity: String, CaseIterable, Sendable, Equatable {
    /// Only what stands far out and matters: for a team that must not be woken by the tool's mistakes.
    case low
    /// The default.
    case normal
    /// Also the smaller and less certain changes: for a team that would rather look twice.
    case high

    public var falseDiscoveryRate: Double {
        switch self {
        case .low: 0.002
        case .normal: 0.006
        case .high: 0.02
        }
    }

    public var practicalFloor: Double {
        switch self {
        case .low: 0.03
        case .normal: 0.01
        case .high: 0
        }
    }
}
