/// How much history a destination gets when the warehouse first sees it (`--backfill DAYS|all`): the alerts of
/// the newest DAYS judged days. Older alerts are recorded as skipped, so adding a channel does not flood it with
/// a year of history.
public enum Backfill: Sendable, Equatable, CustomStringConvertible {
    case days(Int)
    case all

    public static let `default` = Backfill.days(7)

    /// `all`, or a whole number of days (0: only alerts that appear from now on).
    public init?(argument: String) {
        if argument.lowercased() == "all" {
            self = .all
        } else if let days = Int(argument), days >= 0 {
            self = .days(days)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .all: "all"
        case .days(let days): "\(days) day\(days == 1 ? "" : "s")"
        }
    }
}
