/// Applies the config file's `[detect.seed]` and `[detect.default]` parameters to the detectors' options. The
/// keys are the options' command-line names with underscores (`queue_threshold` for `--queue-threshold`).
public enum DetectorParameters {
    public static func apply(_ parameters: [String: Double], to options: inout SeedDetector.Options, file: String) throws {
        for (key, value) in parameters {
            switch key {
            case "total_threshold": options.totalThreshold = value
            case "high_rate_threshold": options.highRateThreshold = value
            case "queue_threshold": options.queueThreshold = value
            case "tag_threshold": options.tagThreshold = value
            case "window": options.window = try whole(value, key, file, section: "seed", atLeast: 2)
            case "top_queues": options.topQueues = try whole(value, key, file, section: "seed", atLeast: 0)
            case "top_tags": options.topTags = try whole(value, key, file, section: "seed", atLeast: 0)
            default: throw unknown(key, file, section: "seed")
            }
        }
    }

    public static func apply(_ parameters: [String: Double], to options: inout DefaultDetectorOptions, file: String) throws {
        for (key, value) in parameters {
            switch key {
            case "false_discovery_rate": options.falseDiscoveryRate = value
            // Before the four weights there was one for both global signals (total volume and high_rate).
            case "global_weight": (options.weights.total, options.weights.highRate) = (value, value)
            case "total_weight": options.weights.total = value
            case "high_rate_weight": options.weights.highRate = value
            case "queue_weight": options.weights.queues = value
            case "tag_weight": options.weights.tags = value
            case "support_exponent": options.supportExponent = value
            case "season_window": options.seasonWindow = try whole(value, key, file, section: "default", atLeast: 7)
            case "level_window": options.levelWindow = try whole(value, key, file, section: "default", atLeast: 1)
            case "share_window": options.shareWindow = try whole(value, key, file, section: "default", atLeast: 1)
            case "span_days": options.spanDays = try whole(value, key, file, section: "default", atLeast: 1)
            case "span_weight": options.spanWeight = value
            case "min_history": options.minHistory = try whole(value, key, file, section: "default", atLeast: 1)
            case "min_support": options.minSupport = try whole(value, key, file, section: "default", atLeast: 0)
            case "min_count": options.minCount = try whole(value, key, file, section: "default", atLeast: 0)
            case "new_term_max_history": options.newTermMaxHistory = try whole(value, key, file, section: "default", atLeast: 0)
            case "new_term_min_count": options.newTermMinCount = try whole(value, key, file, section: "default", atLeast: 1)
            case "gap_probability": options.gapProbability = value
            case "growth": options.growth = value
            case "incident_gap_days": options.incidentGapDays = try whole(value, key, file, section: "default", atLeast: 0)
            case "late_days": options.lateDays = try whole(value, key, file, section: "default", atLeast: 0)
            default: throw unknown(key, file, section: "default")
            }
        }
        if let problem = options.problem {
            throw ConfigError(file: file, key: "detect.default", problem: problem)
        }
    }

    private static func whole(_ value: Double, _ key: String, _ file: String, section: String, atLeast minimum: Int) throws -> Int {
        guard value == value.rounded(), value >= Double(minimum), value < 1e9 else {
            throw ConfigError(file: file, key: "detect.\(section).\(key)", problem: "expected a whole number of at least \(minimum)")
        }
        return Int(value)
    }

    private static func unknown(_ key: String, _ file: String, section: String) -> ConfigError {
        ConfigError(file: file, key: "detect.\(section).\(key)", problem: "unknown parameter of the \(section) detector (check its spelling against config.example.toml)")
    }
}
