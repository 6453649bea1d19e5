/// Mistakes in the alert-lifecycle commands (silences, feedback, explain), each saying what to do next.
public enum LifecycleError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownAlert(String)
    case ambiguousAlert(String, matches: Int)
    case unknownSilence(String)
    case silenceAlreadyRemoved(Int64)
    case badMatcher(String, problem: String)

    public var description: String {
        switch self {
        case .unknownAlert(let id):
            "no alert with id '\(id)' in this warehouse; list the ids with `ticketwatch alerts` (add --withdrawn to include withdrawn ones)"
        case let .ambiguousAlert(prefix, matches):
            "'\(prefix)' is the start of \(matches) alert ids; give more of the id (`ticketwatch alerts` shows them whole)"
        case .unknownSilence(let id):
            "no silence with id '\(id)'; list them with `ticketwatch silence list --all`"
        case .silenceAlreadyRemoved(let id):
            "silence \(id) was already removed; `ticketwatch silence list --all` shows when"
        case let .badMatcher(text, problem):
            "--match '\(text)': \(problem). Use global, queue:NAME, tag:NAME, queue:PREFIX* (prefix), signal:NAME or *"
        }
    }
}
